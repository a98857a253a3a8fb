"""Integrity signals: where the final code came from, time away, untyped code, pace; each with its moments."""

from __future__ import annotations

from typing import Any

from mlscreen.integrity.signals import Usual, assess

START = 1_700_000_000_000


def ev(seq: int, at_s: float, kind: str, **fields: Any) -> dict[str, Any]:
    return {"s": seq, "t": START + int(at_s * 1000), "k": kind, **fields}


def typed(seq: int, at_s: float, pos: int, text: str, total: int) -> dict[str, Any]:
    return ev(seq, at_s, "change", c=[pos, [0, text], total - pos] if total > pos else [pos, [0, text]], o="input.type")


def session() -> list[dict[str, Any]]:
    pasted = "def impute(df):\n    return df.fillna(df.median(numeric_only=True))\n"
    return [
        ev(1, 0, "load", d=""),
        typed(2, 1, 0, "import pandas as pd\n", 0),
        ev(3, 2, "away", r="hidden"),
        ev(4, 62, "back", r="hidden"),
        ev(5, 63, "paste", n=len(pasted), x=True),
        ev(6, 63, "change", c=[20, [0, *pasted.split("\n")]], o="input.paste"),
        ev(7, 70, "run", p=1, n=2, st="ran"),
        ev(8, 80, "change", c=[20 + len(pasted), [0, "# done"]]),
        ev(9, 81, "save"),
        ev(10, 90, "submit"),
    ]


def by_id(report: Any) -> dict[str, Any]:
    return {s.id: s for s in report.signals}


def test_pasted_share_counts_the_final_code_from_outside() -> None:
    events = session()
    code = "import pandas as pd\ndef impute(df):\n    return df.fillna(df.median(numeric_only=True))\n# done"
    report = assess(events, submitted_code=code)
    assert report.notes == []
    pasted = by_id(report)["pasted"]
    assert pasted.flag and pasted.value.startswith("74%")
    assert [m.at_ms for m in pasted.evidence] == [63_000]


def test_paste_copied_inside_the_editor_does_not_count() -> None:
    events = session()
    events[4]["x"] = False
    assert by_id(assess(events))["pasted"].value.startswith("0%")


def test_time_away_sums_the_periods_and_links_the_long_ones() -> None:
    away = by_id(assess(session()))["away"]
    assert away.value.startswith("1 min 0 s in 1 period")
    assert [(m.at_ms, m.label) for m in away.evidence] == [(2000, "away for 1 min 0 s")]
    assert not away.flag


def test_code_from_a_program_or_in_one_typed_burst_counts_as_untyped() -> None:
    untyped = by_id(assess(session()))["untyped"]
    # "# done" came from a program: 5 of the 80 non-blank characters, too short to be shown as a moment.
    assert (untyped.value, untyped.flag, untyped.evidence) == ("6% of the final code", False, [])
    burst = "x = compute_everything(frame, columns)  # done in one keystroke?"
    events = [ev(1, 0, "load", d=""), typed(2, 5, 0, burst, 0)]
    report = assess(events)
    assert by_id(report)["untyped"].flag
    assert [m.at_ms for m in by_id(report)["untyped"].evidence] == [5000]


def test_pace_compares_with_the_usual_time() -> None:
    report = assess(session(), seconds=240, usual=Usual(3600, "median of 6 other candidates"))
    pace = by_id(report)["pace"]
    assert pace.flag and "7% of the usual 60 min 0 s (median of 6 other candidates)" in pace.value
    assert not by_id(assess(session(), seconds=3000, usual=Usual(3600, "x")))["pace"].flag


def test_a_replay_that_misses_the_submitted_code_says_so() -> None:
    report = assess(session(), submitted_code="something else")
    assert any("does not end at the submitted code" in n for n in report.notes)


def test_nothing_recorded_and_damaged_recordings_are_reported_not_raised() -> None:
    assert assess([]).recorded is False
    damaged = [ev(1, 0, "load", d="ab"), ev(2, 1, "change", c=[5])]
    assert any("could not be replayed" in n for n in assess(damaged).notes)


def test_a_reload_with_other_text_marks_it_untyped() -> None:
    events = [ev(1, 0, "load", d="a = 1"), ev(2, 9, "load", d="a = 1\nwhole_solution_arrived_from_nowhere = True")]
    untyped = by_id(assess(events))["untyped"]
    assert untyped.flag and untyped.evidence[0].at_ms == 9000
