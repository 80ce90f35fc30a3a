from qa.articles.chunking import chunk_article
from qa.articles.ingest import seeds_dir
from qa.articles.loaders import load_article


def test_passages_cover_the_article_in_order_with_exact_spans():
    for path in sorted(seeds_dir().iterdir()):
        article = load_article(path)
        raw = path.read_text(encoding="utf-8")
        chunks = chunk_article(article, chunk_size=64)
        assert chunks, path
        joined = " ".join(c.text for c in chunks)
        for para in article.paragraphs:
            assert para.text[:30] in joined
        last = -1
        for c in chunks:
            assert c.start > last
            last = c.start
            source = " ".join(raw[c.start : c.end].replace("\u00a0", " ").split())
            # the span holds the passage (plus any junk lines the cleaner removed inside it)
            assert source.startswith(" ".join(c.text.split())[:40])
            assert source.endswith(" ".join(c.text.split())[-40:])


def test_passages_end_on_sentence_boundaries():
    article = load_article(sorted(seeds_dir().iterdir())[4])
    for c in chunk_article(article, chunk_size=64):
        assert c.text.rstrip()[-1] in ".!?\"'”’)", c.text
