"""Every module a packaged exercise imports is installed by the runtime extras (grader, scoring, web).

An exercise's hidden tests, harness, reference and variants run on graders installed with
`pip install mlscreen[grader,scoring,web]`, not with the development tools: a module only the `dev` extra
brings would make those exercises ungradable in a deployment.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from mlscreen.bank import Exercise, load_bank

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_EXTRAS = ("grader", "scoring", "web")
# Provided by mlscreen itself: the package, and the harness module the grader installs inside the sandbox.
PROVIDED = {"mlscreen", "exercise_support"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in RUNTIME_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    names = {re.match(r"[A-Za-z0-9._-]+", r.strip()) for r in requirements}
    return {normalise(m.group(0)) for m in names if m}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@functools.cache
def installed_distributions() -> Mapping[str, list[str]]:
    """Return the distributions providing each top-level module (a scan of every installed package: once)."""
    return importlib.metadata.packages_distributions()


def exercise_dirs() -> list[Path]:
    bank = load_bank()
    return sorted({bank.sidecar(e.id, str(e.tests)).parent for e in bank.items(Exercise)})


def test_the_extras_are_read() -> None:
    assert {"scikit-learn", "fastapi", "numpy", "pydantic"} <= runtime_distributions()


@pytest.mark.parametrize("directory", exercise_dirs(), ids=lambda d: d.name)
def test_exercise_imports_are_installed_by_the_runtime_extras(directory: Path) -> None:
    runtime = runtime_distributions()
    installed = installed_distributions()
    local = {p.stem for p in directory.glob("*.py")}
    problems = []
    for path in sorted(directory.glob("*.py")):
        for module in sorted(imported_modules(path) - set(sys.stdlib_module_names) - PROVIDED - local):
            distributions = {normalise(d) for d in installed.get(module, [])}
            if not distributions:
                problems.append(f"{path.name}: {module} is not installed at all")
            elif not distributions & runtime:
                problems.append(
                    f"{path.name}: {module} comes from {', '.join(sorted(distributions))}, "
                    f"which none of the extras {', '.join(RUNTIME_EXTRAS)} installs"
                )
    assert problems == []
