"""Fixtures of the grader tests: one warm sandboxed pool shared by the whole session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from mlscreen.grader import GraderPool
from tests.conftest import require_service


def needs_bwrap() -> None:
    """Skip (or fail, with MLSCREEN_REQUIRE_SERVICES=1) when bubblewrap is not installed."""
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")


@pytest.fixture(scope="session")
def _session_pool() -> Iterator[GraderPool]:
    needs_bwrap()
    with GraderPool(workers=2) as pool:
        pool.warm()
        yield pool


@pytest.fixture
def pool(_session_pool: GraderPool) -> GraderPool:
    return _session_pool
