"""Fixtures for answer scoring: the embedding model loads once for the whole test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscreen.scoring.embedder import Embedder, default_embedder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that needs the model says so by its fixture; the marker lets `make test-fast` leave it out.
    for item in items:
        if "embedder" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The process-wide embedder with its model loaded (about 8 s, once per run)."""
    shared = default_embedder()
    shared.embed(["warm up"])
    return shared


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Evaluation caches embeddings under the user's cache directory; tests keep theirs private.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
