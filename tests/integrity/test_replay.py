"""Replaying a recording's change sets rebuilds the editor's text exactly, whatever the edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlscreen.integrity.replay import ReplayError, apply, frames, replay, same_code, units

ALPHABET = st.sampled_from(list("ab c\n\t_=()é€😀𝔘"))
TEXT = st.text(alphabet=ALPHABET, max_size=40)


def change_set(text: str, edits: list[tuple[int, int, str]]) -> list[object]:
    """The CodeMirror JSON of `edits` ((from, to, insert) in code points, sorted, not overlapping) on `text`."""
    out: list[object] = []
    pos = 0
    for start, end, insert in edits:
        if start > pos:
            out.append(units(text[pos:start]))
        out.append([units(text[start:end]), *insert.split("\n")])
        pos = end
    if pos < len(text):
        out.append(units(text[pos:]))
    return out


def edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, insert in reversed(edits):
        text = text[:start] + insert + text[end:]
    return text


@st.composite
def edit_steps(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    start = draw(TEXT)
    text, steps = start, []
    for _ in range(draw(st.integers(0, 12))):
        cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
        pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
        edits = [(a, b, draw(TEXT)) for a, b in pairs] or [(len(text), len(text), draw(TEXT))]
        steps.append(edits)
        text = edited(text, edits)
    return start, steps


@settings(max_examples=300, deadline=None)
@given(edit_steps())
def test_replaying_random_edits_gives_the_edited_text(case: tuple[str, list[list[tuple[int, int, str]]]]) -> None:
    start, steps = case
    events: list[dict[str, object]] = [{"s": 1, "t": 0, "k": "load", "d": start}]
    text = start
    for n, edits in enumerate(steps, 2):
        events.append({"s": n, "t": n, "k": "change", "c": change_set(text, edits), "o": "input.type"})
        text = edited(text, edits)
    assert replay(events) == text
    assert [f.text for f in frames(events)][-1] == text


def test_a_change_set_keeps_inserts_and_deletes() -> None:
    # "hello world" -> delete "hello ", insert "big " before "world", append two lines.
    assert apply("hello world", [[6], [0, "big "], 5, [0, "", "!"]]) == "big world\n!"


def test_positions_count_utf16_units_like_javascript() -> None:
    # The emoji is two units in JavaScript: the change keeps 3 units ("a😀"), then replaces "b".
    assert apply("a😀b", [3, [1, "c"]]) == "a😀c"


def test_a_change_that_does_not_fit_the_text_is_refused() -> None:
    with pytest.raises(ReplayError, match="past the end"):
        apply("abc", [5])
    with pytest.raises(ReplayError, match="whole text"):
        apply("abc", [1])


def test_replay_until_a_moment_and_after_a_reload() -> None:
    events = [
        {"s": 1, "t": 100, "k": "load", "d": ""},
        {"s": 2, "t": 200, "k": "change", "c": [[0, "x = 1"]]},
        {"s": 3, "t": 300, "k": "resync", "d": "x = 2"},
        {"s": 4, "t": 400, "k": "change", "c": [5, [0, "", ""]]},
    ]
    assert replay(events, until_ms=250) == "x = 1"
    assert replay(events) == "x = 2\n"


def test_form_line_breaks_count_as_the_same_code() -> None:
    assert same_code("a\nb\n", "a\r\nb\r\n") and not same_code("a\nb", "a\nc")


def test_a_simulated_demo_session_replays_to_its_final_code() -> None:
    from mlscreen.integrity.simulate import simulate

    starter = "def f(x):\n    raise NotImplementedError\n"
    final = "import math\n\n\ndef f(x):\n    return math.sqrt(x)\n\n\ndef g(y):\n    return f(y) * 2\n"
    events = simulate(starter, final, start_ms=1_000, seed=3)
    assert replay(events) == final
    assert [e["s"] for e in events] == list(range(1, len(events) + 1))
    assert {"paste", "away", "back", "run", "submit"} <= {e["k"] for e in events}
