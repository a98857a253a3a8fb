"""The loader reports every problem with `path:line`, the field and a fix, and loads nothing half-way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlscreen.bank import load_bank
from mlscreen.bank.loader import load_items
from mlscreen.errors import BankError

GOOD_TOPIC = "- {type: topic, id: my-topic, title: Mine, description: A private topic.}\n"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(extra=[directory])
    return [str(p) for p in info.value.problems]


def test_bad_yaml_names_path_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "- type: topic\n  id: x-y\n  title: [unclosed\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:")
    assert "invalid YAML" in problem


def test_unknown_field_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "extra.yaml",
        "- type: topic\n  id: my-topic\n  title: Mine\n  description: A topic.\n  colour: blue\n",
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:5: colour:")
    assert "how to fix" in problem


def test_missing_field_names_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "missing.yaml", "- type: topic\n  id: my-topic\n  title: Mine\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:1: description: Field required")


def test_nested_field_error_points_at_the_nested_line(tmp_path: Path) -> None:
    text = (
        "- type: knowledge\n  id: q-one\n  title: Q\n  profiles: [ml-engineer]\n  topics: [data-leakage]\n"
        "  minutes: 5\n  prompt: Why?\n  expected_points:\n    - text: one\n    - text: two\n      weight: -1\n"
    )
    path = write(tmp_path, "nested.yaml", text)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:11: expected_points.1.weight:")


def test_unknown_type_says_which_types_exist(tmp_path: Path) -> None:
    write(tmp_path, "type.yaml", "- {type: quiz, id: a-b, title: T}\n")
    (problem,) = problems_of(tmp_path)
    assert "knowledge" in problem and "prescreen" in problem


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD_TOPIC)
    second = write(tmp_path, "b.yaml", GOOD_TOPIC)
    (problem,) = problems_of(tmp_path)
    assert str(first) in problem and str(second) in problem


def test_duplicate_of_packaged_item_needs_overrides(tmp_path: Path) -> None:
    write(tmp_path, "dup.yaml", "- {type: topic, id: data-leakage, title: Leak, description: Mine.}\n")
    (problem,) = problems_of(tmp_path)
    assert "already defined" in problem and "topics.yaml" in problem


def test_override_replaces_packaged_item(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ovr.yaml",
        "- {type: topic, id: data-leakage, title: Our leakage, description: Ours., overrides: true}\n",
    )
    bank = load_bank(extra=[tmp_path])
    assert bank.get("data-leakage").title == "Our leakage"
    assert bank.source("data-leakage").path.parent == tmp_path


def test_override_of_nothing_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "ovr.yaml", "- {type: topic, id: not-there, title: T, description: D., overrides: true}\n")
    (problem,) = problems_of(tmp_path)
    assert "no item 'not-there' to override" in problem


def test_unknown_reference_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "q.yaml",
        "- type: prescreen\n  id: q-ref\n  title: Q\n  profiles: [astronaut]\n  topics: [collaboration]\n"
        "  minutes: 3\n  question: Q?\n  purpose: P\n  look_fors: [x]\n",
    )
    (problem,) = problems_of(tmp_path)
    assert "unknown profile 'astronaut'" in problem


def test_nothing_is_half_loaded(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD_TOPIC)
    write(tmp_path, "bad.yaml", "- {type: topic, id: Bad Id, title: T, description: D.}\n")
    with pytest.raises(BankError):
        load_bank(extra=[tmp_path])
    items, problems = load_items([tmp_path])
    assert len(problems) == 1 and "my-topic" in items


def test_extra_bank_from_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "t.yaml", GOOD_TOPIC)
    monkeypatch.setenv("MLSCREEN_BANK_PATH", str(tmp_path))
    assert "my-topic" in load_bank()


def test_cli_check_exits_2_with_errors(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "dup.yaml", GOOD_TOPIC + GOOD_TOPIC)
    result = run_cli("bank", "check", str(tmp_path))
    assert result.exit_code == 2
    assert "dup.yaml:1" in result.stderr and "Traceback" not in result.stderr


def test_an_unchanged_bank_is_reused_and_any_change_is_loaded_again(tmp_path: Path) -> None:
    path = write(tmp_path, "ovr.yaml", GOOD_TOPIC)
    first = load_bank(extra=[tmp_path])
    assert first.get("my-topic").title == "Mine"
    assert load_bank(extra=[tmp_path]).get("my-topic") is first.get("my-topic")  # not parsed again
    write(tmp_path, "ovr.yaml", GOOD_TOPIC.replace("title: Mine", "title: Ours"))
    os.utime(path, ns=(1, 1))  # even a file whose new content has the same size and an older time is seen
    assert load_bank(extra=[tmp_path]).get("my-topic").title == "Ours"
    write(tmp_path, "more.yaml", "- {type: topic, id: Bad Id, title: T, description: D.}\n")
    with pytest.raises(BankError):  # a new file is seen, and a bank that failed fails again
        load_bank(extra=[tmp_path])
    with pytest.raises(BankError):
        load_bank(extra=[tmp_path])
