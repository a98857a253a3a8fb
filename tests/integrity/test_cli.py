"""`mlscreen similarity DIR --exercise ID`: the JSON contract, a leaked reference, and bad input (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from mlscreen.bank import Bank
from tests.conftest import CliResult

Run = Callable[..., CliResult]


def folder(tmp_path: Path, bank: Bank) -> Path:
    corpus = bank.sidecar("data-cleaning", "similarity")
    target = tmp_path / "subs"
    (target / "team").mkdir(parents=True)
    (target / "alice.py").write_text((corpus / "honest_loop.py").read_text(encoding="utf-8"), encoding="utf-8")
    (target / "bob.py").write_text((corpus / "honest_apply.py").read_text(encoding="utf-8"), encoding="utf-8")
    renamed = (corpus / "honest_loop.py").read_text(encoding="utf-8").replace("result", "answer")
    (target / "team" / "carol.py").write_text(renamed.replace("gaps", "holes"), encoding="utf-8")
    reference = bank.sidecar("data-cleaning", "reference.py").read_text(encoding="utf-8")
    (target / "dave.py").write_text(reference.replace("out", "frame_copy"), encoding="utf-8")
    (target / "notes.txt").write_text("not a submission", encoding="utf-8")
    return target


def test_json_lists_ranked_pairs_with_names_relative_to_the_folder(run_cli: Run, tmp_path: Path, bank: Bank) -> None:
    result = run_cli("similarity", str(folder(tmp_path, bank)), "--exercise", "data-cleaning", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("alice.py", "team/carol.py")]
    pair = report["pairs"][0]
    assert 0.9 < pair["similarity"] <= 1
    assert pair["fragments"] and all(
        set(f) == {"a_lines", "b_lines"} and f["a_lines"][0] <= f["a_lines"][1] for f in pair["fragments"]
    )
    assert [(k["a"], k["b"]) for k in report["known"]] == [("dave.py", "reference")]  # a leaked reference shows
    assert report["threshold"] == 0.4 and report["calibrated"] is True


def test_a_lower_threshold_lists_more_and_the_table_says_it_is_advice(run_cli: Run, tmp_path: Path, bank: Bank) -> None:
    subs = folder(tmp_path, bank)
    low = json.loads(run_cli("similarity", str(subs), "-e", "data-cleaning", "--threshold", "0.01", "--json").stdout)
    assert len(low["pairs"]) > 1 and low["pairs"] == sorted(low["pairs"], key=lambda p: -p["similarity"])
    table = run_cli("similarity", str(subs), "--exercise", "data-cleaning")
    assert table.exit_code == 0 and "team/carol.py" in table.stdout and "not a verdict" in table.stdout


def test_bad_input_exits_2_with_what_to_fix(run_cli: Run, tmp_path: Path, bank: Bank) -> None:
    subs = folder(tmp_path, bank)
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "latin1").mkdir()
    (tmp_path / "latin1" / "x.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    cases = [
        (("similarity", str(tmp_path / "missing"), "-e", "data-cleaning"), "is not a directory"),
        (("similarity", str(empty), "-e", "data-cleaning"), "holds no .py file"),
        (("similarity", str(tmp_path / "latin1"), "-e", "data-cleaning"), "not UTF-8"),
        (("similarity", str(subs), "-e", "no-such-exercise"), "no exercise with id"),
        (("similarity", str(subs), "-e", "data-cleaning", "--threshold", "1.5"), "between 0 and 1"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr and "Traceback" not in result.stderr


def test_similarity_index_queues_what_is_not_indexed(run_cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run_cli("db", "upgrade", "--url", url).exit_code == 0
    result = run_cli("similarity-index", "--url", url)
    assert result.exit_code == 0 and "queued 0 submission(s)" in result.stdout
