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
