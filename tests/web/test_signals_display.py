"""The autograder's advisory signals render as readable text, not as raw mappings."""

from __future__ import annotations

from mlscreen.web.templating import TEMPLATES

SIGNALS = {
    "ruff": {"available": True, "count": 2, "codes": {"F401": 1, "E501": 1}},
    "complexity": {"available": True, "max": 3, "mean": 2.0, "maintainability": 100.0},
    "idioms": {"comprehensions": 2, "for_loops": 0, "pandas_smells": {"iterrows": 1, "apply": 0}},
    "sandboxed": True,
}


def render(signals: dict[str, object]) -> str:
    module = TEMPLATES.env.get_template("_signals.html").module
    return str(module.signals_list(signals))  # type: ignore[attr-defined]


def test_signals_are_listed_readably() -> None:
    html = render(SIGNALS)
    assert "{" not in html and "available" not in html
    assert "count 2" in html and "F401 1" in html
    assert "max 3" in html and "maintainability 100.0" in html
    assert "comprehensions 2" in html and "iterrows 1" in html
    assert "for loops" not in html and "apply" not in html


def test_a_signal_with_nothing_to_report_says_none() -> None:
    html = render({"ruff": {"available": True, "count": 0, "codes": {}}})
    assert "ruff</strong>:" in html and "none" in html


def test_candidate_text_in_signals_is_escaped() -> None:
    assert "<script>" not in render({"idioms": {"<script>": 1}})
