"""One job-backend factory: it picks the queue by MLSCREEN_JOB_BACKEND, and no other module branches on it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mlscreen
from mlscreen.jobs.backends import BACKENDS, make_queue
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.db import Database

SRC = Path(mlscreen.__file__).parent
FACTORY = SRC / "jobs" / "backends.py"
BACKEND_MODULES = {SRC / "jobs" / "local.py", SRC / "jobs" / "celery_backend.py"}


def test_the_factory_gives_the_named_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        monkeypatch.setenv("MLSCREEN_JOB_BACKEND", "local")
        local = make_queue(db, workers=2)
        assert isinstance(local, LocalQueue) and local.workers == 2
        monkeypatch.setenv("MLSCREEN_JOB_BACKEND", "celery")
        from mlscreen.jobs.celery_backend import CeleryQueue

        assert isinstance(make_queue(db, workers=0), CeleryQueue)  # nothing connects until it is used
    finally:
        db.dispose()


def _branches_on_backend(tree: ast.AST) -> list[int]:
    """Return the lines that compare something with a backend's name or import a backend's module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            names = [c.value for c in [node.left, *node.comparators] if isinstance(c, ast.Constant)]
            if any(name in BACKENDS for name in names):
                found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module in ("mlscreen.jobs.celery_backend",):
            found.append(node.lineno)
    return found


def test_no_module_but_the_factory_branches_on_the_backend() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == FACTORY or path in BACKEND_MODULES or "content" in path.parts:
            continue
        lines = _branches_on_backend(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{path.relative_to(SRC)}:{line}" for line in lines]
    assert offenders == [], "choose the backend in mlscreen.jobs.backends only: " + ", ".join(offenders)


def test_the_check_sees_a_branch() -> None:
    assert _branches_on_backend(ast.parse('if backend == "celery":\n    pass\n')) == [1]
    assert _branches_on_backend(ast.parse("from mlscreen.jobs.celery_backend import CeleryQueue\n")) == [1]
