"""Every knob of the assistant, read from `QA_*` environment variables (or a `.env` file).

One documented field per setting; the README's configuration table mirrors this file
(a unit test keeps the two in step).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "qa-news"

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_keep_alive(text: str) -> float | None:
    """Seconds to keep the server after its last request: "5m", "90s", "1h30m", "300" (seconds),
    "0" (no background server: stop with the process), "-1" or any negative number (until
    stopped: None)."""
    value = text.strip().lower()
    try:
        number = float(value)
    except ValueError:
        parts = _DURATION.findall(value)
        if not value or "".join(n + u for n, u in parts) != value:
            raise ValueError(
                f"{text!r} is not a duration: use e.g. 5m, 90s, 1h, 0 (stop with the process) "
                "or -1 (keep until `qa stop`)"
            ) from None
        return sum(float(n) * _UNIT_S[u] for n, u in parts)
    return None if number < 0 else number


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """Configuration of the assistant. Every field is read from `QA_<FIELD>`."""

    model_config = SettingsConfigDict(
        env_prefix="QA_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the Chroma store, logs and conversations are kept.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where the embedded model's GGUF file is assembled (about 1.1 GB, once).",
    )
    collection: str = Field(
        default="articles",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$",
        description="Name of the Chroma collection (3-512 letters, digits, `.`, `_` or `-`).",
    )

    chroma_host: str | None = Field(
        default=None,
        description="Host of a Chroma server (`chroma run`) to keep the passages in. Unset: an "
        "embedded store in the data dir.",
    )
    chroma_port: int = Field(default=8000, ge=1, le=65535, description="Port of the Chroma server.")

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint (e.g. `http://localhost:11434/v1`). "
        "Unset: start the embedded llama.cpp server.",
    )
    llm_model: str | None = Field(
        default=None,
        description="Model name sent to the endpoint. Default: `gpt-4o-mini` for a remote "
        "endpoint, the bundled Qwen2.5-Coder-1.5B-Instruct for the embedded one.",
    )
    llm_api_key: str | None = Field(
        default=None,
        repr=False,
        description="API key for the endpoint; falls back to `OPENAI_API_KEY`. Never printed.",
    )
    llm_timeout: float = Field(
        default=120.0, gt=0, description="Seconds to wait for the endpoint before giving up."
    )
    llm_max_tokens: int = Field(default=256, gt=0, description="Longest answer, in tokens.")
    llm_temperature: float = Field(
        default=0.0, ge=0, le=2, description="Sampling temperature (0 = deterministic)."
    )

    server_threads: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        description="CPU threads for the embedded llama.cpp server.",
    )
    server_context: int = Field(
        default=4096, ge=512, description="Context window of the embedded server, in tokens."
    )
    llama_server: Path | None = Field(
        default=None,
        description="llama.cpp's `llama-server` program for the embedded model instead of llama-cpp-python's "
        "server (`bash scripts/build-llama-server.sh` builds it into `.venv/bin/llama-server`). Unset: "
        "llama-cpp-python's server.",
    )
    server_slots: int = Field(
        default=2, ge=1, le=8,
        description="Requests llama-server answers at once, each slot with its own prompt cache (a follow-up's "
        "rewrite does not evict the answer prompt); each slot gets `QA_SERVER_CONTEXT` tokens.",
    )
    server_cache_ram: int = Field(
        default=0, ge=-1,
        description="MiB of RAM llama-server may keep prompt states in beyond its slots (0: none, -1: no limit).",
    )
    keep_alive: str = Field(
        default="5m",
        description="How long the embedded model server stays up after its last request, for the "
        "next `qa` process to use (`5m`, `90s`, `1h`; `0`: stop with the process; `-1`: until `qa stop`).",
    )
    allow_private_urls: bool = Field(
        default=False,
        description="Let `qa mcp`'s `ingest_url` fetch pages on loopback and private network addresses "
        "(refused by default: a client could reach this machine's local services). The CLI always may.",
    )
    server_start_timeout: float = Field(
        default=180.0, gt=0, description="Seconds to wait for the embedded server to start."
    )

    top_k: int = Field(default=5, ge=1, le=20, description="Passages given to the model.")
    min_score: float = Field(
        default=0.35,
        ge=-1,
        le=1,
        description="Cosine similarity the best passage must reach, or the question is "
        "refused without calling the model.",
    )
    chunk_size: int = Field(
        default=64, ge=32, description="Target passage length, in tokens (sentence-aware)."
    )
    chunk_overlap: int = Field(default=0, ge=0, description="Tokens shared by neighbouring passages.")
    check_responsive: bool = Field(
        default=False,
        description="Ask the model whether a checked answer answers the question (one short "
        "extra call); a no turns it into the refusal.",
    )
    second_draft: bool = Field(
        default=True,
        description="When the checks refuse an answer and a passage holds a bound one, ask the model "
        "once more with the refused answer's words barred (qa/answering/avoid.py; the embedded model only).",
    )
    focus_retry: bool = Field(
        default=True,
        description="When the checked answer missed the passage that holds the question's rare words, "
        "ask the model once more with that passage alone (qa/answering/focus.py; never after a refusal).",
    )
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longest question accepted, in characters."
    )

    judge_base_url: str | None = Field(
        default=None,
        description="`qa eval` only: an OpenAI-compatible endpoint for an LLM judge of support "
        "and correctness, or `embedded` for the embedded model. Unset: no judge.",
    )
    judge_model: str | None = Field(default=None, description="`qa eval` only: the judge's model name.")
    judge_api_key: str | None = Field(
        default=None, repr=False, description="`qa eval` only: the judge's API key (falls back to the LLM's). Never printed."
    )

    @field_validator("chroma_host", "llama_server", "llm_base_url", "llm_model", "llm_api_key", "judge_base_url", "judge_model",
                     "judge_api_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("keep_alive")
    @classmethod
    def _a_duration(cls, value: str) -> str:
        parse_keep_alive(value)  # a ValueError says which forms it takes
        return value

    @property
    def uses_embedded_llm(self) -> bool:
        return self.llm_base_url is None

    @property
    def api_key(self) -> str | None:
        return self.llm_api_key or os.environ.get("OPENAI_API_KEY") or None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def store_location(self) -> str:
        """Where the passages are kept, for display."""
        return f"chroma server http://{self.chroma_host}:{self.chroma_port}" if self.chroma_host else str(self.chroma_dir)

    @property
    def feeds_file(self) -> Path:
        """The feeds `qa feed add` follows."""
        return self.data_dir / "feeds.json"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user only; tighten it if it exists. The
    data dir holds the user's articles, questions and logs."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def load_settings() -> Settings:
    """Settings from the environment, with a bad value as a one-line `QAError`."""
    from pydantic import ValidationError

    from qa.errors import QAError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "QA_" + str(first["loc"][0]).upper() if first.get("loc") else "a QA_ setting"
        message = first["msg"].removeprefix("Value error, ")  # pydantic's prefix to our own validators' words
        raise QAError(f"invalid {name}: {message}") from exc
