"""`mlscreen answers ...`: the JSON Lines contract, bad lines, explain, evaluate and calibrate."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from mlscreen.bank import Bank, KnowledgeQuestion
from tests.conftest import CliResult

pytestmark = pytest.mark.usefixtures("embedder")
Run = Callable[..., CliResult]

POINTS = [{"point": "Look for data drift in the input features", "weight": 2}, {"point": "Check upstream pipelines"}]


def _write(path: Path, lines: Sequence[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_score_contract_keeps_input_order_and_shape(run_cli: Run, tmp_path: Path) -> None:
    lines = [
        {"id": "b", "answer": "I would check whether the upstream pipeline broke.", "expected_points": POINTS},
        {"id": 7, "answer": "Simulates part of the software.", "reference_answer": "To simulate parts of the product."},
        {"id": "a", "answer": "", "question": "Why?", "expected_points": POINTS},
    ]
    result = run_cli("answers", "score", str(_write(tmp_path / "in.jsonl", lines)))
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", 7, "a"]
    for o in out:
        assert 0.0 <= o["score"] <= 1.0
        assert o["suggested_level"] in (1, 2, 3, 4)
        for p in o["points"]:
            assert set(p) >= {"point", "covered", "similarity", "evidence"}
            assert isinstance(p["covered"], bool)
    assert out[0]["points"][1]["covered"] is True
    assert "upstream pipeline" in out[0]["points"][1]["evidence"]
    assert out[2]["score"] == 0 and out[2]["reason"] == "the answer is empty"


def test_bad_lines_are_reported_by_number_and_the_rest_scored(run_cli: Run, tmp_path: Path) -> None:
    lines: list[object | str] = [
        {"id": 1, "answer": "I would look for drift in the features.", "expected_points": POINTS},
        "{not json",
        {"id": 3, "answer": 42, "expected_points": POINTS},
        {"id": 4, "expected_points": POINTS},
        {"answer": "no id", "expected_points": POINTS},
        {"id": 6, "answer": "nothing to compare with"},
        {"id": 7, "answer": "x", "expected_points": [{"weight": 1}]},
        {"id": 8, "answer": "x", "expected_points": POINTS, "examples": [{"answer": "y", "grade": "good"}]},
        "",
        {
            "id": 10,
            "answer": "Pipelines upstream may break.",
            "expected_points": POINTS,
            "examples": [{"answer": "The upstream pipeline may be broken.", "grade": 1}],
        },
    ]
    out_path = tmp_path / "out.jsonl"
    result = run_cli("answers", "score", str(_write(tmp_path / "in.jsonl", lines)), "--out", str(out_path))
    assert result.exit_code == 2
    for number, words in [
        (2, "not valid JSON"),
        (3, '"answer" must be a string'),
        (4, 'missing field "answer"'),
        (5, 'missing field "id"'),
        (6, "nothing to score against"),
        (7, "needs a text"),
        (8, "must be a number from 0 to 1"),
    ]:
        assert f"in.jsonl:{number}: " in result.stderr and words in result.stderr, (number, result.stderr)
    assert "in.jsonl:9:" not in result.stderr
    out = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [1, 10]
    assert any("graded example" in n for n in out[1]["notices"])


def test_missing_input_file_is_a_clear_error(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("answers", "score", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_explain_shows_points_coverage_and_evidence(run_cli: Run) -> None:
    result = run_cli(
        "answers",
        "explain",
        "You should not use accuracy. Use recall for the rare class.",
        "--point",
        "use accuracy",
        "--point",
        "report recall",
        "--red-flag",
        "only talks about accuracy",
    )
    assert result.exit_code == 0, result.stderr
    assert "suggested level" in result.stdout
    assert "contradicted" in result.stdout
    assert "Use recall for the rare class." in result.stdout


def _mohler_like(path: Path) -> Path:
    rows = []
    for group in ("1", "2", "3"):
        for i, (answer, grade) in enumerate(
            [
                ("It keeps data in first in first out order.", 5),
                ("A queue is first in first out.", 4.5),
                ("It sorts numbers quickly.", 1),
                ("I do not know.", 0),
            ]
        ):
            rows.append(
                {
                    "question_id": f"{group}.{i % 2 + 1}",
                    "question": "What is a queue?",
                    "reference_answer": "A queue stores items in first in first out order.",
                    "student_answer": answer,
                    "score_avg": grade,
                }
            )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_evaluate_prints_cross_validated_figures_and_updates_docs(run_cli: Run, tmp_path: Path) -> None:
    data = _mohler_like(tmp_path / "graded.csv")
    docs = tmp_path / "scoring.md"
    docs.write_text("# Results\n", encoding="utf-8")
    result = run_cli("answers", "evaluate", str(data), "--format", "mohler", "--docs", str(docs))
    assert result.exit_code == 0, result.stderr
    assert "3 question groups" in result.stdout
    assert "Pearson" in result.stdout
    text = docs.read_text(encoding="utf-8")
    assert "<!-- results:mohler -->" in text and "Mohler, Bunescu & Mihalcea 2011" in text
    run_cli("answers", "evaluate", str(data), "--format", "mohler", "--docs", str(docs))
    assert docs.read_text(encoding="utf-8").count("<!-- results:mohler -->") == 1


def test_learning_curve_reports_agreement_per_number_of_graded_answers(run_cli: Run, tmp_path: Path) -> None:
    data = _mohler_like(tmp_path / "graded.csv")  # one question, 12 answers
    docs = tmp_path / "scoring.md"
    docs.write_text("# Results\n", encoding="utf-8")
    result = run_cli("answers", "learning-curve", str(data), "--format", "mohler", "--json")
    assert result.exit_code == 0, result.stderr
    curve = json.loads(result.stdout)
    assert [p["examples"] for p in curve] == [0, 5, 10, 20, 50]
    assert [p["used"] for p in curve] == [0, 5, 10, 11, 11]  # never the answer itself
    assert all(-1.0 <= p["metrics"]["pearson"] <= 1.0 for p in curve)
    for _ in range(2):
        result = run_cli("answers", "learning-curve", str(data), "--format", "mohler", "--docs", str(docs))
        assert result.exit_code == 0 and "n = 10" in result.stdout, result.stderr
    text = docs.read_text(encoding="utf-8")
    assert text.count("<!-- curve:mohler -->") == 1 and "mlscreen answers learning-curve graded.csv" in text
    assert run_cli("answers", "learning-curve", str(data), "--format", "nope").exit_code == 2
    few = run_cli("answers", "learning-curve", str(data), "--format", "mohler", "--sizes", "0,1,2", "--json")
    assert [p["examples"] for p in json.loads(few.stdout)] == [0, 1, 2]
    bad = run_cli("answers", "learning-curve", str(data), "--format", "mohler", "--sizes", "1,x")
    assert bad.exit_code == 2 and "whole numbers" in bad.stderr


def test_score_output_says_how_many_graded_examples_it_used(run_cli: Run, tmp_path: Path) -> None:
    graded = [{"answer": f"The upstream pipeline may be broken ({i}).", "grade": i % 2} for i in range(6)]
    lines = [
        {"id": "none", "answer": "Pipelines upstream may break.", "expected_points": POINTS},
        {"id": "few", "answer": "Pipelines upstream may break.", "expected_points": POINTS, "examples": graded[:2]},
        {"id": "enough", "answer": "Pipelines upstream may break.", "expected_points": POINTS, "examples": graded},
    ]
    result = run_cli("answers", "score", str(_write(tmp_path / "in.jsonl", lines)))
    assert result.exit_code == 0, result.stderr
    out = {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert [out[k]["examples_used"] for k in ("none", "few", "enough")] == [0, 0, 6]
    assert out["few"]["score"] == out["none"]["score"] != out["enough"]["score"]
    assert {"score", "suggested_level", "points"} <= set(out["enough"])


def test_calibrate_writes_a_loadable_json(run_cli: Run, tmp_path: Path) -> None:
    from mlscreen.scoring.calibration import load

    out = tmp_path / "cal.json"
    result = run_cli(
        "answers", "calibrate", str(_mohler_like(tmp_path / "g.csv")), "--format", "mohler", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert load(out).kind == "ridge"


def test_wrong_format_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    data = _mohler_like(tmp_path / "g.csv")
    assert run_cli("answers", "evaluate", str(data), "--format", "saf").exit_code == 2
    assert run_cli("answers", "evaluate", str(data), "--format", "nope").exit_code == 2


def test_evaluate_semeval_reports_f1_for_both_protocols(run_cli: Run, tmp_path: Path) -> None:
    rows = []
    for module in ("EM", "FN", "ME"):
        for split in ("train", "test_unseen_answers"):
            for answer, label in [
                ("The water evaporates and leaves the salt.", "correct"),
                ("Evaporation leaves salt behind.", "correct"),
                ("I used a magnet.", "incorrect"),
                ("It was blue.", "incorrect"),
            ]:
                rows.append(
                    {
                        "corpus": "sciEntsBank",
                        "split": split,
                        "question_id": f"{module}_1",
                        "module": module,
                        "question": "How did you separate the salt from the water?",
                        "reference_answer": "The water was evaporated, leaving the salt.",
                        "student_answer": answer,
                        "label_2way": label,
                    }
                )
    path = tmp_path / "semeval.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_cli("answers", "evaluate", str(path), "--format", "semeval", "--json")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)["classification"]
    assert len(figures) == 3
    for metrics in figures.values():
        assert 0.0 <= metrics["weighted_f1"] <= 1.0 and 0.0 <= metrics["auc"] <= 1.0
    assert run_cli("answers", "evaluate", str(path), "--format", "semeval", "--corpus", "beetle").exit_code == 2


def test_question_id_takes_points_from_the_bank(run_cli: Run, tmp_path: Path, bank: Bank) -> None:
    questions = bank.items(KnowledgeQuestion)
    assert questions, "the packaged bank has no knowledge questions"
    question = questions[0]
    lines = [
        {"id": "q", "answer": question.expected_points[0].text, "question_id": question.id},
        {"id": "bad", "answer": "x", "question_id": "no-such-question"},
    ]
    result = run_cli("answers", "score", str(_write(tmp_path / "in.jsonl", lines)))
    assert result.exit_code == 2
    assert "in.jsonl:2: " in result.stderr and "no-such-question" in result.stderr
    out = json.loads(result.stdout.splitlines()[0])
    assert [p["point"] for p in out["points"]] == [p.text for p in question.expected_points]
    assert out["points"][0]["covered"] is True


def test_evaluate_reads_any_csv_through_a_column_mapping(run_cli: Run, tmp_path: Path) -> None:
    data = _mohler_like(tmp_path / "graded.csv")
    mapping = "answer=student_answer,reference=reference_answer,grade=score_avg,group=question_id"
    result = run_cli("answers", "evaluate", str(data), "--format", "columns", "--columns", mapping, "--scale", "5")
    assert result.exit_code == 0, result.stderr
    assert "6 question groups" in result.stdout
    bad = run_cli("answers", "evaluate", str(data), "--format", "columns", "--columns", "answer=student_answer")
    assert bad.exit_code == 2 and "lacks" in bad.stderr


def test_byte_order_mark_and_crlf_are_accepted_and_non_utf8_is_refused(run_cli: Run, tmp_path: Path) -> None:
    line = json.dumps({"id": 1, "answer": "Check upstream pipelines.", "expected_points": ["check upstream pipelines"]})
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + line.encode() + b"\r\n")
    result = run_cli("answers", "score", str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["points"][0]["covered"] is True
    path.write_bytes(b'{"id": 1, "answer": "caf\xe9", "expected_points": ["x"]}\n')
    result = run_cli("answers", "score", str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
