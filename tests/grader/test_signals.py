"""Advisory signals: computed on the text, and reused for a source seen recently."""

from __future__ import annotations

import pytest

from mlscreen.grader import signals

SOURCE = "import os\n\n\ndef f(x):\n    if x:\n        return [i for i in range(x)]\n    return None\n"


def test_signals_describe_the_source() -> None:
    found = signals.compute(SOURCE)
    assert found["idioms"]["functions"] == 1 and found["idioms"]["comprehensions"] == 1
    assert found["complexity"]["available"] is True and found["complexity"]["max"] >= 2
    if found["ruff"]["available"]:
        assert found["ruff"]["codes"].get("F401") == 1  # unused import


def test_cached_signals_equal_fresh_ones_and_are_private_copies() -> None:
    first = signals.cached(SOURCE)
    assert first == signals.compute(SOURCE)
    first["idioms"]["functions"] = 99
    assert signals.cached(SOURCE)["idioms"]["functions"] == 1


def test_cache_holds_a_bounded_number_of_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signals, "CACHE_SIZE", 3)
    for i in range(6):
        signals.cached(f"x = {i}\n")
    assert len(signals._cache) == 3 and signals.cached("x = 5\n")["idioms"]["lines"] == 1


@pytest.mark.parametrize(
    "source",
    [
        SOURCE,
        '"""Doc."""\n# a comment\n\n\ndef g(a, b):\n    """Say."""\n    while a and b:\n        a -= 1\n'
        "    return a or b\n",
        "",
        "x = 1\n",
    ],
)
def test_complexity_from_one_parse_equals_radons_own_figures(source: str) -> None:
    from radon.complexity import cc_visit
    from radon.metrics import mi_visit

    found = signals.complexity(source)
    scores = [b.complexity for b in cc_visit(source)]
    assert found["max"] == max(scores, default=0)
    assert found["maintainability"] == round(float(mi_visit(source, multi=True)), 1)


def test_unparseable_source_has_no_complexity_or_idioms() -> None:
    found = signals.compute("def broken(:\n")
    assert found["complexity"] == {"available": False} and found["idioms"] == {"parsed": False}
