"""Templates name routes (`path_for`) and ask the policy (`can`): no spelled-out internal paths, no role checks."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "mlscreen" / "web" / "templates"
INTERNAL_PATH = re.compile(r"""\b(href|action|src|formaction|hx-(?:get|post|put|patch|delete))\s*=\s*["']/""")
ROLE_CHECK = re.compile(
    r"""\brole\s*(==|!=|\bin\b|\bnot in\b)|["'](admin|hiring_manager|recruiter|interviewer)["']\s*(==|!=|in\b)"""
)


def problems(root: Path = TEMPLATES) -> list[str]:
    """Return one line per spelled-out internal path or role comparison in the templates under `root`."""
    found = []
    for path in sorted(root.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(root).as_posix()}:{number}"
            found += [f"{where}: {m.group(0)}... (use path_for)" for m in INTERNAL_PATH.finditer(line)]
            found += [f"{where}: {m.group(0)}... (use can)" for m in ROLE_CHECK.finditer(line)]
    return found


def test_templates_name_routes_and_ask_the_policy() -> None:
    found = problems()
    assert not found, "\n".join(found)


def test_a_spelled_out_path_or_role_check_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        '<a href="/openings/{{ o.id }}">x</a>\n'
        "<form action='/admin/users'></form>\n"
        '<button hx-post="/assess/{{ token }}/draft"></button>\n'
        '{% if user.role == "admin" %}x{% endif %}\n'
        "{% if user.role in ('admin', 'hiring_manager') %}x{% endif %}\n"
        '<a href="https://example.org/">fine</a> <a href="{{ path_for(\'dashboard\') }}">fine</a>\n'
        "{% if can('admin') %}fine{% endif %} {{ m.role.replace('_', ' ') }}\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in problems(tmp_path)] == ["1", "2", "3", "4", "5"]
