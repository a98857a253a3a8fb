"""The direction of imports, checked on the source: pure cores, one-way store and jobs, thin routes, no cycles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "mlscreen"
CORES = ("bank", "grader", "scoring", "planning", "integrity", "reports")
"""Pure cores: plain data in, plain data out."""
FOUNDATIONS = ("errors", "settings", "types", "zones")
"""Modules every layer may use; they use no layer."""
DATABASE = ("mlscreen.store", "mlscreen.jobs", "sqlalchemy", "alembic")
ROUTES = "mlscreen.web.routes"
THIN = (ROUTES, "mlscreen.web.policy")
"""Modules that parse, call store and render: every query, rule and audit call they need is a store function."""
SESSION_TYPE = ("sqlalchemy.orm", ("Session",))
"""The one thing a thin module may take from sqlalchemy: the session's type, to pass it on to store."""
DB_METHODS = {"add", "delete", "execute", "flush", "get", "get_one", "merge", "query", "scalar", "scalars"}

# Known breaches waiting for their own change; each entry must still occur, so a fixed one is removed here.
KNOWN_PRIVATE_ROUTE_IMPORTS = {("mlscreen.web.routes.examples", "mlscreen.web.routes.assessment")}


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what (a module), which names, and where."""

    source: str
    target: str
    names: tuple[str, ...]
    where: str

    def __str__(self) -> str:
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.where}: {self.source} imports {self.target}{names}"


def module_name(path: Path, src: Path) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, src: Path, modules: set[str]) -> Iterator[Import]:
    """Yield every import in `path`, at any depth (late imports inside functions count too)."""
    source = module_name(path, src)
    is_package = path.name == "__init__.py"
    where = str(path.relative_to(src.parent))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, (), f"{where}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = source.split(".") if is_package else source.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = tuple(alias.name for alias in node.names)
            submodules = [n for n in names if f"{base}.{n}" in modules]
            for name in submodules:
                yield Import(source, f"{base}.{name}", (), f"{where}:{node.lineno}")
            rest = tuple(n for n in names if n not in submodules)
            if rest or not submodules:
                yield Import(source, base, rest, f"{where}:{node.lineno}")


def import_graph(src: Path = SRC) -> list[Import]:
    """Return every import of the `mlscreen` package under `src` (packaged exercise content excluded)."""
    files = [p for p in sorted((src / "mlscreen").rglob("*.py")) if "content" not in p.relative_to(src).parts]
    modules = {module_name(p, src) for p in files}
    return [imp for path in files for imp in imports_of(path, src, modules)]


def within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layering_breaches(graph: list[Import]) -> list[str]:
    """Return one line per import that goes against the direction of the layers (CONTRIBUTING.md)."""
    cores = tuple(f"mlscreen.{c}" for c in CORES)
    foundations = tuple(f"mlscreen.{f}" for f in FOUNDATIONS)
    breaches = []
    for imp in graph:
        if within(imp.source, *cores) and within(imp.target, "mlscreen.web", "mlscreen.mail", *DATABASE):
            breaches.append(f"{imp}: a core imports neither web, mail, store, jobs nor the database")
        elif within(imp.source, "mlscreen.store") and within(imp.target, "mlscreen.jobs", "mlscreen.web"):
            breaches.append(f"{imp}: store is below jobs and web")
        elif within(imp.source, "mlscreen.jobs") and within(imp.target, "mlscreen.web"):
            breaches.append(f"{imp}: jobs is below web")
        elif within(imp.source, *foundations) and within(imp.target, "mlscreen") and imp.target != "mlscreen":
            if not within(imp.target, *foundations):
                breaches.append(f"{imp}: {imp.source} is used by every layer and uses none")
        elif within(imp.source, *THIN) and within(imp.target, "sqlalchemy") and (imp.target, imp.names) != SESSION_TYPE:
            breaches.append(f"{imp}: routes and the policy build no queries; call a store function")
        elif (
            within(imp.source, ROUTES)
            and within(imp.target, ROUTES)
            and imp.target != imp.source
            and any(n.startswith("_") for n in imp.names)
            and (imp.source, imp.target) not in KNOWN_PRIVATE_ROUTE_IMPORTS
        ):
            breaches.append(f"{imp}: a route module uses no other route module's private names")
    return breaches


def cycles(graph: list[Import]) -> list[list[str]]:
    """Return the import cycles between modules (strongly connected components of more than one module)."""
    edges: dict[str, set[str]] = {}
    for imp in graph:
        if within(imp.target, "mlscreen") and imp.target != imp.source:
            edges.setdefault(imp.source, set()).add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_imports_follow_the_layers() -> None:
    breaches = layering_breaches(import_graph())
    assert not breaches, "\n".join(breaches)


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_known_breaches_still_exist() -> None:
    graph = import_graph()
    pairs = {(i.source, i.target) for i in graph if any(n.startswith("_") for n in i.names)}
    assert pairs >= KNOWN_PRIVATE_ROUTE_IMPORTS, "a listed breach is gone: remove it from the list"


def _write(root: Path, module: str, text: str) -> None:
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(root).parents:
        init = root / parent / "__init__.py"
        if parent != Path(".") and not init.exists():
            init.write_text("")
    path.write_text(text)


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        ("mlscreen.grader.bad", "from mlscreen.store.db import Database\n", "a core imports neither"),
        ("mlscreen.planning.cli", "def f():\n    import sqlalchemy\n", "a core imports neither"),
        ("mlscreen.scoring.bad", "from mlscreen.web import app\n", "a core imports neither"),
        ("mlscreen.store.bad", "from mlscreen.jobs.queue import JobQueue\n", "store is below jobs"),
        ("mlscreen.jobs.bad", "from ..web import guard\n", "jobs is below web"),
        ("mlscreen.settings", "from mlscreen.store import db\n", "uses none"),
        ("mlscreen.web.routes.b", "from mlscreen.web.routes.a import _helper\n", "private names"),
        ("mlscreen.web.routes.b", "from .a import _helper\n", "private names"),
        ("mlscreen.web.routes.b", "from sqlalchemy import select\n", "build no queries"),
        ("mlscreen.web.routes.b", "def f():\n    from sqlalchemy import func\n", "build no queries"),
        ("mlscreen.web.policy", "import sqlalchemy.orm\n", "build no queries"),
        ("mlscreen.web.routes.b", "from sqlalchemy.orm import Session, joinedload\n", "build no queries"),
    ],
)
def test_a_wrong_import_is_reported(tmp_path: Path, module: str, text: str, expected: str) -> None:
    _write(tmp_path, "mlscreen.web.routes.a", "def _helper() -> None: ...\n")
    _write(tmp_path, "mlscreen.store.db", "class Database: ...\n")
    _write(tmp_path, module, text)
    breaches = layering_breaches(import_graph(tmp_path))
    assert len(breaches) == 1 and expected in breaches[0], breaches


def test_a_late_import_cycle_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "mlscreen.scoring.a", "from mlscreen.scoring.b import g\n\ndef f() -> None: ...\n")
    _write(tmp_path, "mlscreen.scoring.b", "def g() -> None:\n    from mlscreen.scoring.a import f\n")
    assert cycles(import_graph(tmp_path)) == [["mlscreen.scoring.a", "mlscreen.scoring.b"]]
    assert layering_breaches(import_graph(tmp_path)) == []


def session_calls(src: Path = SRC) -> list[str]:
    """Return one line per call of a session method (`db.get(...)`, `ctx.db.scalars(...)`) in a thin module."""
    found = []
    for path in sorted((src / "mlscreen").rglob("*.py")):
        if not within(module_name(path, src), *THIN):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name in {"db", "session", "s"} and node.func.attr in DB_METHODS:
                found.append(f"{path.relative_to(src).as_posix()}:{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def test_routes_and_the_policy_leave_the_session_to_store() -> None:
    found = session_calls()
    assert not found, "call a store function instead:\n" + "\n".join(found)


def test_a_session_call_in_a_route_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "mlscreen.web.routes.a", "def page(ctx):\n    return ctx.db.get(User, 1)\n")
    _write(tmp_path, "mlscreen.store.b", "def get(db):\n    return db.get(User, 1)\n")
    assert session_calls(tmp_path) == ["mlscreen/web/routes/a.py:2: ctx.db.get(...)"]
