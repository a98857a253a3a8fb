"""The reports' queries over a real database: scorecards, moves and decisions become the reports' tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate, move_candidate, set_status
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.openings import create_opening
from mlscreen.store.reports import REPORTS, build, check_name, read_tables
from mlscreen.store.scorecards import PRESCREEN_KIND, categories, submit_scorecard
from tests.conftest import CliResult

PASSWORD = "a long enough password"


def _seed(db: Database, bank: Bank) -> dict[str, Any]:
    """Eight candidates: all reach the first rated stage and get three scorecards; two are then rejected."""
    with db.session() as s:
        raters = [
            create_user(s, email=f"r{i}@example.org", name=f"R{i}", role="admin", password=PASSWORD) for i in range(3)
        ]
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=raters[0])
        stage = next(st for st in opening.stages if st.rubric_ids and st.kind != PRESCREEN_KIND)
        cats = [c.id for _r, c in categories(bank, stage)]
        for n in range(8):
            cand = add_candidate(s, opening, name=f"C{n}", email=f"c{n}@example.org")
            s.flush()
            move_candidate(s, cand, position=stage.position, actor=raters[0])
            for i, rater in enumerate(raters):
                levels = {c: {"rating": 1 + (n + i * (j % 2)) % 4, "evidence": "said so"} for j, c in enumerate(cats)}
                submit_scorecard(
                    s, bank, cand, position=stage.position, interviewer=rater, ratings=levels, recommendation="yes"
                )
            if n < 2:
                set_status(s, cand, status="rejected", actor=raters[0], reason="not this time")
        return {"opening": opening.id, "stage": stage.stage_id, "position": stage.position, "categories": cats}


def test_tables_and_reports_from_the_database(database: Database, bank: Bank) -> None:
    seeded = _seed(database, bank)
    with database.session(write=False) as s:
        tables = read_tables(s, opening_id=seeded["opening"])
    assert len(tables.ratings) == 8 * 3 * len(seeded["categories"])
    assert {r.stage for r in tables.ratings} == {seeded["stage"]}
    assert len(tables.recommendations) == 24
    first = [v for v in tables.visits if v.position == 0]
    assert len(first) == 8 and all(v.outcome == "passed" for v in first)
    rated = [v for v in tables.visits if v.position == seeded["position"]]
    assert [(v.outcome, v.reason) for v in rated if v.outcome] == [("exited", "rejected")] * 2
    assert sum(v.outcome is None for v in rated) == 6
    funnel = build("funnel", tables)["stages"]
    assert funnel[0]["entered"] == 8 and funnel[0]["pass_rate"] == 1.0
    calibration = build("calibration", tables)
    assert len(calibration["interviewers"]) == 3
    reliability = build("reliability", tables)["categories"]
    assert {row["category"] for row in reliability} <= set(seeded["categories"]) and reliability
    impact = build("adverse-impact", tables)
    groups = {row["group"] for row in impact["selection"]}
    assert groups == {"not_said", "not_said / not_said", "small groups (suppressed)"}  # 2 decided at the rated stage
    assert build("agreement", tables)["items"] == []
    json.dumps([build(name, tables) for name in REPORTS])


def test_scope_by_opening_and_date(database: Database, bank: Bank) -> None:
    seeded = _seed(database, bank)
    from datetime import UTC, datetime

    with database.session(write=False) as s:
        assert read_tables(s, opening_id=seeded["opening"] + 1).ratings == []
        assert read_tables(s, since=datetime(2999, 1, 1, tzinfo=UTC)).visits == []
        assert len(read_tables(s).ratings) == 8 * 3 * len(seeded["categories"])


def test_unknown_report_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown report 'funel'"):
        check_name("funel")


def test_cli_report_json(
    tmp_path: Path, bank: Bank, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    try:
        upgrade(db)
        _seed(db, bank)
    finally:
        db.dispose()
    result = run_cli("report", "funnel", "--json", "--url", url)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["report"] == "funnel" and body["stages"][0]["entered"] == 8
    result = run_cli("report", "calibration", "--opening", "1", "--since", "2000-01-01", "--url", url)
    assert result.exit_code == 0 and "3 interviewers" in result.stdout
    bad = run_cli("report", "funnel", "--since", "last week", "--url", url)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
    bad = run_cli("report", "fairness", "--url", url)
    assert bad.exit_code == 2 and "choose one of" in bad.stderr
    monkeypatch.setenv("MLSCREEN_REPORT_MIN_GROUP", "9")
    impact = json.loads(run_cli("report", "adverse-impact", "--json", "--url", url).stdout)
    assert impact["min_group"] == 9 and all(row["suppressed"] for row in impact["selection"])  # 8 candidates
    impact = json.loads(run_cli("report", "adverse-impact", "--json", "--min-group", "2", "--url", url).stdout)
    assert impact["min_group"] == 2 and not any(row["suppressed"] for row in impact["selection"])
    chart_file, table_file = tmp_path / "funnel.svg", tmp_path / "funnel.csv"
    result = run_cli("report", "funnel", "--svg", str(chart_file), "--csv", str(table_file), "--url", url)
    assert result.exit_code == 0, result.stderr
    assert "<svg" in chart_file.read_text(encoding="utf-8")
    assert table_file.read_text(encoding="utf-8").startswith("stage,position,entered,pass_rate\n")
    bad = run_cli("report", "funnel", "--svg", str(tmp_path / "missing" / "x.svg"), "--url", url)
    assert bad.exit_code == 2 and "cannot write" in bad.stderr


def test_demo_history_feeds_every_report(database: Database, bank: Bank) -> None:
    from mlscreen.store.history import seed_history

    with database.session() as s:
        manager = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password=PASSWORD)
        opening_id = seed_history(s, bank, actor_id=manager.id, candidates=60)
    with database.session(write=False) as s:
        tables = read_tables(s, opening_id=opening_id)
    funnel = build("funnel", tables)["stages"]
    assert funnel[0]["entered"] == 60 and len(funnel) >= 3
    assert sum(row["exited"] for row in funnel) > 0 and all(row["days_median"] for row in funnel[:-1])
    assert len(build("calibration", tables)["interviewers"]) == 6
    assert build("reliability", tables)["categories"]
    # The demo's agreement report was empty: the history had no graded submissions or reviewed answers.
    items = build("agreement", tables)["items"]
    assert {i["kind"] for i in items} == {"exercise", "question"} and all(i["pairs"] > 0 for i in items)
    impact = build("adverse-impact", tables)
    assert impact["simulated_candidates"] == 60
    shown = {(r["dimension"], r["group"]) for r in impact["selection"] if not r["suppressed"]}
    assert {("sex", "female"), ("sex", "male")} <= shown and any(d == "race" for d, _g in shown)
    assert any(r["impact_ratio"] is not None for r in impact["scoring"])


def test_demo_history_scorecards_have_the_shape_the_packet_reads(database: Database, bank: Bank) -> None:
    # The demo's packet page answered 500 for simulated candidates whose ratings lacked their competency.
    from mlscreen.store.candidates import candidates_of
    from mlscreen.store.history import seed_history
    from mlscreen.store.packet import build_packet

    with database.session() as s:
        manager = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password=PASSWORD)
        opening_id = seed_history(s, bank, actor_id=manager.id, candidates=20)
    with database.session(write=False) as s:
        people = candidates_of(s, opening_id)
        packets = [build_packet(s, bank, c) for c in people]
    assert len(packets) == 20 and any(stage["scorecards"] for p in packets for stage in p.stages)


def test_adverse_impact_from_self_identification_equals_a_hand_computation(database: Database, bank: Bank) -> None:
    """First stage: 6 of 10 women pass, 8 of 10 men, 2 of 3 who preferred not to say (suppressed at 5)."""
    from scipy.stats import fisher_exact

    from mlscreen.store.models import SelfIdentification

    with database.session() as s:
        admin = create_user(s, email="a@example.org", name="A", role="admin", password=PASSWORD)
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=admin)
        groups = [("female", 10, 6), ("male", 10, 8), ("prefer_not_to_say", 3, 2)]
        n = 0
        for sex, total, passing in groups:
            for i in range(total):
                cand = add_candidate(s, opening, name=f"C{n}", email=f"c{n}@example.org")
                s.flush()
                s.add(SelfIdentification(candidate_id=cand.id, sex=sex, race="asian"))
                if i < passing:
                    move_candidate(s, cand, position=1, actor=admin)
                else:
                    set_status(s, cand, status="rejected", actor=admin, reason="not this time")
                n += 1
    with database.session(write=False) as s:
        tables = read_tables(s)
    rows = build("adverse-impact", tables)["selection"]
    by_sex = {r["group"]: r for r in rows if r["dimension"] == "sex" and r["stage"] == "recruiter-screen"}
    assert by_sex["male"]["rate"] == 0.8 and by_sex["male"]["impact_ratio"] == 1.0
    assert by_sex["female"]["rate"] == 0.6 and by_sex["female"]["impact_ratio"] == pytest.approx(0.75)
    assert by_sex["female"]["below_four_fifths"]
    assert by_sex["female"]["p_value"] == pytest.approx(fisher_exact([[6, 4], [8, 2]]).pvalue)
    assert "not_said" not in by_sex  # 3 < 5: counted, unnamed, without figures
    small = by_sex["small groups (suppressed)"]
    assert small["suppressed"] and small["total"] == 3 and small["rate"] is None
    both = {r["group"]: r for r in rows if r["dimension"] == "sex_race" and r["stage"] == "recruiter-screen"}
    assert both["female / asian"]["impact_ratio"] == pytest.approx(0.75)
    assert build("adverse-impact", tables)["simulated_candidates"] == 0
