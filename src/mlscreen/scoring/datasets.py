"""Readers for public human-graded short-answer datasets (Mohler 2011, SemEval-2013 Task 7, SAF 2022)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mlscreen.errors import UsageError

Format = Literal["mohler", "semeval", "saf", "columns"]
FORMATS: tuple[Format, ...] = ("mohler", "semeval", "saf", "columns")
COLUMN_ROLES = ("answer", "reference", "grade", "group", "question")


@dataclass(frozen=True)
class GradedAnswer:
    """One graded answer: `target` is the grade on a 0-1 scale, `label` the correct/incorrect verdict if any."""

    answer: str
    reference: str
    question: str
    target: float
    label: int | None
    group: str
    split: str
    corpus: str


@dataclass(frozen=True)
class Dataset:
    """The rows of a dataset plus the scale its grades are reported on."""

    name: str
    rows: list[GradedAnswer]
    scale: float
    graded: bool


def _read(path: Path, needed: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = needed - set(reader.fieldnames or [])
            if missing:
                raise UsageError(
                    f"{path} lacks the column(s) {', '.join(sorted(missing))}",
                    hint="check --format (mohler, semeval or saf)",
                )
            return list(reader)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", hint="give the path of the dataset's CSV") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", hint="give the dataset as a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise UsageError(f"{path} is not a readable CSV file: {exc}", hint="give the dataset's CSV file") from None


def parse_columns(spec: str) -> dict[str, str]:
    """Return the role -> column mapping of "answer=COL,reference=COL,grade=COL,group=COL[,question=COL]".

    Raises `UsageError` when a role is unknown or a required one is missing.
    """
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        role, _, column = part.partition("=")
        if role not in COLUMN_ROLES or not column:
            raise UsageError(
                f"bad column mapping {part!r}", hint=f"use ROLE=COLUMN with ROLE in {', '.join(COLUMN_ROLES)}"
            )
        mapping[role] = column
    missing = [r for r in ("answer", "reference", "grade", "group") if r not in mapping]
    if missing:
        raise UsageError(
            f"the column mapping lacks {', '.join(missing)}", hint="e.g. answer=a,reference=r,grade=g,group=q"
        )
    return mapping


def _from_columns(path: Path, columns: dict[str, str], scale: float) -> Dataset:
    raw = _read(path, set(columns.values()))
    try:
        rows = [
            GradedAnswer(
                r[columns["answer"]],
                r[columns["reference"]],
                r[columns["question"]] if "question" in columns else "",
                float(r[columns["grade"]]) / scale,
                None,
                r[columns["group"]],
                "all",
                path.stem,
            )
            for r in raw
        ]
    except ValueError as exc:
        raise UsageError(f"{path}: a grade is not a number ({exc})", hint="check the grade column") from None
    return Dataset(path.stem, rows, scale, True)


def load_dataset(
    path: Path, *, format: Format, corpus: str | None = None, columns: str | None = None, scale: float = 1.0
) -> Dataset:
    """Return the graded answers of the CSV at `path` in the given format.

    For SemEval, `corpus` picks `sciEntsBank` (default) or `beetle`. The `columns` format reads any CSV through a
    mapping (see `parse_columns`), with grades divided by `scale`. Raises `UsageError` on a wrong file or format.
    """
    if format == "columns":
        if not columns:
            raise UsageError("--format columns needs --columns", hint="e.g. answer=a,reference=r,grade=g,group=q")
        return _from_columns(path, parse_columns(columns), scale)
    if format == "mohler":
        raw = _read(path, {"question_id", "question", "reference_answer", "student_answer", "score_avg"})
        rows = [
            GradedAnswer(
                r["student_answer"],
                r["reference_answer"],
                r["question"],
                float(r["score_avg"]) / 5.0,
                None,
                r["question_id"].split(".")[0],  # the assignment: leave-one-assignment-out
                "all",
                "mohler",
            )
            for r in raw
        ]
        return Dataset("Mohler 2011 (UNT v2.0)", rows, 5.0, True)
    if format == "semeval":
        raw = _read(path, {"corpus", "split", "module", "question", "reference_answer", "student_answer", "label_2way"})
        wanted = corpus or "sciEntsBank"
        rows = [
            GradedAnswer(
                r["student_answer"],
                r["reference_answer"],
                r["question"],
                1.0 if r["label_2way"] == "correct" else 0.0,
                1 if r["label_2way"] == "correct" else 0,
                r["module"],
                r["split"],
                r["corpus"],
            )
            for r in raw
            if r["corpus"].lower() == wanted.lower()
        ]
        if not rows:
            raise UsageError(f"{path} has no rows of corpus {wanted!r}", hint="use --corpus sciEntsBank or beetle")
        return Dataset(f"SemEval-2013 {wanted} 2-way", rows, 1.0, False)
    if format == "saf":
        raw = _read(path, {"split", "module", "question", "reference_answer", "student_answer", "score"})
        rows = [
            GradedAnswer(
                r["student_answer"],
                r["reference_answer"],
                r["question"],
                float(r["score"]),
                None,
                r["module"],
                r["split"],
                "saf",
            )
            for r in raw
        ]
        return Dataset("SAF 2022 (English)", rows, 1.0, True)
    raise UsageError(f"unknown dataset format {format!r}", hint=f"use one of: {', '.join(FORMATS)}")
