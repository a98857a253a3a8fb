"""Sentence embeddings with an in-memory cache (points, references) and an optional disk cache (evaluation)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from mlscreen.scoring.runtime import load_runtime, loaded_runtime
from mlscreen.scoring.tokens import TokenVectors

DIMENSION = 384
_MEMORY_ITEMS = 50_000
_TOKEN_ITEMS = 500
"""Texts whose word-piece embeddings stay in memory: references and questions repeat, answers' clauses rarely do.
Each piece takes 1.5 KiB (384 floats), a clause of 15 pieces ~23 KiB, so this holds ~10 MiB."""

Matrix = npt.NDArray[np.float32]


def model_loaded() -> bool:
    """Return whether an embedding runtime has been loaded in this process."""
    return loaded_runtime() is not None


class Embedder:
    """Unit-norm sentence embeddings of texts; repeated texts (expected points, references) come from a cache."""

    def __init__(self, cache_file: Path | None = None) -> None:
        self._memory: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._tokens: OrderedDict[str, TokenVectors] = OrderedDict()
        self._lock = threading.Lock()
        self._cache_file = cache_file
        self._dirty = False
        if cache_file is not None and cache_file.is_file():
            with np.load(cache_file, allow_pickle=False) as data:
                for key, vector in zip(data["keys"].tolist(), data["vectors"], strict=True):
                    self._memory[str(key)] = vector

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Return one unit-norm row per text, computing the missing ones in a single batched call.

        Raises `ModelUnavailableError` when the model's package is missing, `UsageError` when the configured
        runtime cannot load.
        """
        keys = [self._key(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._memory))
        if missing:
            self._remember(missing, load_runtime().encode(missing))
        with self._lock:
            rows = [self._memory[k] for k in keys]
        if not rows:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)

    def _remember(self, texts: Sequence[str], vectors: Matrix) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._memory[self._key(text)] = vector.astype(np.float32)
            self._dirty = True
            while self._cache_file is None and len(self._memory) > _MEMORY_ITEMS:
                self._memory.popitem(last=False)

    def tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Return the meaningful word pieces of each text with their contextual embeddings (see `tokens.py`),
        computing the missing ones in a single batched call; the most recent texts' pieces are kept in memory.
        The same pass gives the texts' sentence embeddings, which `embed` then finds in its cache."""
        keys = [self._key(t) for t in texts]
        with self._lock:
            known = {k: self._tokens[k] for k in keys if k in self._tokens}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        if missing:
            found = load_runtime().encode_tokens(missing)
            self._remember(missing, np.stack([item.sentence for item in found]))
            for text, item in zip(missing, found, strict=True):
                known[self._key(text)] = item
        with self._lock:
            for key, item in known.items():
                self._tokens[key] = item
                self._tokens.move_to_end(key)
            while len(self._tokens) > _TOKEN_ITEMS:
                self._tokens.popitem(last=False)
        return [known[k] for k in keys]

    def save(self) -> None:
        """Write the cache file, if this embedder has one and learned something new."""
        if self._cache_file is None or not self._dirty:
            return
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_file.with_suffix(".tmp.npz")
        with self._lock:
            keys = np.array(list(self._memory), dtype=np.str_)
            vectors = np.stack(list(self._memory.values())) if self._memory else np.zeros((0, DIMENSION), np.float32)
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self._cache_file)
        self._dirty = False


_default: Embedder | None = None
_lock = threading.Lock()


def default_embedder() -> Embedder:
    """Return the process-wide embedder (its model loads on the first `embed`)."""
    global _default
    with _lock:
        if _default is None:
            _default = Embedder()
        return _default
