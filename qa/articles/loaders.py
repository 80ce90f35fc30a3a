"""Read article files (.txt, .md, .html) into cleaned `Article`s."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from qa.articles.clean import Paragraph, clean_text, parse_date
from qa.errors import IngestError, InputError

SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html"}
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Article:
    """A cleaned article: body paragraphs with their spans in the file, and metadata."""

    path: Path | None  # None for a web page
    title: str
    source: str | None
    date: str | None
    paragraphs: tuple[Paragraph, ...]
    content_hash: str
    url: str | None = None  # a web page's address (its canonical one when the page names it)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)


def find_files(paths: list[Path], problems: list[tuple[str, str]] | None = None) -> list[Path]:
    """Article files under `paths` (files or folders, searched recursively), sorted.

    Symbolic links to folders inside a folder are not followed, so a link loop cannot make
    the walk endless; links to files are read. A folder that cannot be read, or a folder
    holding no article file, is appended to `problems` as (path, one-line reason) rather
    than skipped in silence (`Path.rglob` drops unreadable folders without a word)."""
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            if path.is_symlink():
                raise InputError(f"{path}: a broken symbolic link or a symlink loop")
            raise InputError(f"{path}: no such file or folder")
        if path.is_file():
            found.add(path.resolve())
            continue
        matched = 0
        unreadable: list[OSError] = []
        for folder, _dirs, names in os.walk(path, onerror=unreadable.append):
            for name in names:
                child = Path(folder) / name
                if child.suffix.lower() in SUFFIXES and child.is_file():
                    found.add(child.resolve())
                    matched += 1
        if problems is None:
            continue
        for exc in unreadable:
            where = exc.filename or path
            problems.append((str(where), f"{where}: cannot read this folder ({exc.strerror or exc}); its articles were not ingested"))
        if not matched and not unreadable:
            problems.append((str(path), f"{path}: no .txt, .md or .html files in this folder"))
    return sorted(found)


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as f:
            # read one byte more than the limit: a huge file is refused without loading it
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB, not an article")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Windows "Unicode" text: NUL bytes all over
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path}: not UTF-16 text after its UTF-16 mark; convert it to UTF-8") from exc
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: binary file, not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Old news archives are often cp1252; refuse only what decodes as neither.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path}: not UTF-8 text (nor Windows-1252); convert it to UTF-8") from exc
    # Binary data without NUL bytes (compressed, images) decodes as cp1252 with control
    # characters all over it; text has next to none.
    controls = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text[:65536]) // 100):
        raise IngestError(f"{path}: binary file, not an article")
    return text


_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n---\s*\n", re.DOTALL)
_MD_INLINE = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"^#{1,6}\s+"), ""),
    (re.compile(r"^>\s?"), ""),
]


def _markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    """Strip front matter and inline Markdown, keeping every line where it was.

    Front matter is blanked to spaces and inline markup is replaced on its own line, so
    the character spans of paragraphs stay close to the file's (exact for plain lines).
    """
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m["body"].splitlines():
            key, _, value = line.partition(":")
            if value.strip():
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = re.sub(r"[^\n]", " ", m.group(0)) + text[m.end():]
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        for pattern, repl in _MD_INLINE:
            body = pattern.sub(repl, body)
        out.append(body.ljust(len(line.rstrip("\n"))) + line[len(line.rstrip("\n")):])
    first_heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    if first_heading and "title" not in meta:
        meta["title"] = first_heading.group(1).strip()
    return "".join(out), meta


def _html_to_text(raw: str, path: Path) -> tuple[str, dict[str, str]]:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise IngestError(f"{path}: no article text found in the HTML")
    meta = {k: v for k, v in {"title": doc.title, "source": doc.sitename, "date": doc.date}.items() if v}
    return doc.text, meta


# A page with less text than this after cleaning is not an article: a login wall, a
# cookie notice, an index of links. (A news brief of two sentences has more.)
MIN_PAGE_WORDS = 25


def load_page(html: str, url: str, *, title: str | None = None, date: str | None = None,
              outlet: str | None = None) -> Article:
    """Read a fetched web page into an Article: the text, title, outlet (site name), date
    and canonical address that trafilatura finds in the HTML. `title`, `date` and `outlet`
    (from a feed entry) fill what the page does not say; a date is never guessed: with
    none in the page, the entry or a dateline, it stays unknown."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False,
        # the publication date, read from the page's markup and address only, not from
        # any date that appears in its text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise IngestError(f"{url}: no article text found in the page (a login wall, a video or an index page?)")
    cleaned = clean_text(doc.text, title=doc.title or title, source=doc.sitename or outlet)
    words = sum(len(p.text.split()) for p in cleaned.paragraphs)
    if words < MIN_PAGE_WORDS:
        raise IngestError(f"{url}: only {words} words of text in the page: not an article "
                          "(a login wall, a cookie notice or an index page?)")
    found = (parse_date(doc.date) if doc.date else None) or (parse_date(date) if date else None) or cleaned.date
    text = "\n\n".join(p.text for p in cleaned.paragraphs)
    return Article(
        path=None,
        title=cleaned.title or doc.title or title or url,
        source=cleaned.source,
        date=found,
        paragraphs=tuple(cleaned.paragraphs),
        # the page's text, not its bytes: ads and timestamps change on every fetch
        content_hash=hashlib.sha256(f"{cleaned.title}\n{found}\n{text}".encode()).hexdigest(),
        url=_canonical(doc.url, url),
    )


def _canonical(named: str | None, fetched: str) -> str:
    """The page's canonical address when it is on the same site as the fetched one (a page
    cannot claim another site's address), else the fetched one."""
    from urllib.parse import urlsplit

    def site(u: str) -> str:
        host = (urlsplit(u).hostname or "").lower()
        return host.removeprefix("www.")

    if named and named.startswith(("http://", "https://")) and site(named) == site(fetched):
        return named
    return fetched


def load_article(path: Path) -> Article:
    """Read and clean one file. Raises IngestError with a one-line reason."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"{path}: unsupported file type (use .txt, .md or .html)")
    raw = _read_text(path)
    if not raw.strip():
        raise IngestError(f"{path}: empty file")
    meta: dict[str, str] = {}
    text = raw
    if kind == "markdown":
        text, meta = _markdown_to_text(raw)
    elif kind == "html":
        text, meta = _html_to_text(raw, path)
    cleaned = clean_text(text, title=meta.get("title"), source=meta.get("source"))
    if not cleaned.paragraphs:
        raise IngestError(f"{path}: no article text left after cleaning")
    date = cleaned.date
    if meta.get("date"):
        date = parse_date(meta["date"]) or date
    return Article(
        path=path,
        title=cleaned.title or path.stem,
        source=cleaned.source,
        date=date,
        paragraphs=tuple(cleaned.paragraphs),
        content_hash=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
