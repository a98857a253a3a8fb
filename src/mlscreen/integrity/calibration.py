"""Thresholds of similarity per exercise, measured on a corpus of honest solutions and disguised copies.

Each exercise's corpus lives in the bank beside it, in `similarity/`: `honest_*.py` are independent correct
solutions (with the reference), `copied_*.py` are copies of the reference disguised by hand (functions extracted
or inlined, loops rewritten). The mechanical disguises of `variants` are added to every honest solution. Pairs
within one solution's family are copies; pairs across families are honest. The chosen thresholds are data,
in `similarity_calibration.json`, read by the web app and the command line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from mlscreen.bank import Bank, Exercise
from mlscreen.errors import UsageError
from mlscreen.integrity.similarity import SimilarityIndex, boilerplate
from mlscreen.integrity.variants import disguises

CALIBRATION_FILE = Path(__file__).with_name("similarity_calibration.json")
CORPUS_DIR = "similarity"
GRID = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))
"""Thresholds tried, 0.30 to 0.90."""
FLOOR = 0.4
"""No threshold is chosen below this: a pair sharing less than 40% of its fingerprints is never flagged."""
INHERENT = 0.5
"""Honest solutions this similar (or more) mean the exercise leaves few ways to solve it: the page says so."""


@dataclass(frozen=True)
class ExerciseThreshold:
    """The similarity threshold of one exercise and what it was measured to do on that exercise's corpus."""

    threshold: float
    calibrated: bool
    inherently_similar: bool = False
    precision: float | None = None
    recall: float | None = None
    honest_false_positive_rate: float | None = None
    honest_pairs: int = 0
    copied_pairs: int = 0
    max_honest_similarity: float | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the entry as stored in the calibration file."""
        return asdict(self)


@dataclass(frozen=True)
class Labelled:
    """A pair of corpus files, whether one copies the other, and their similarity."""

    a: str
    b: str
    copied: bool
    similarity: float


@cache
def _stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return data


def default_threshold() -> float:
    """Return the threshold of exercises without a corpus."""
    return float(_stored()["default_threshold"])


def threshold_of(exercise_id: str) -> ExerciseThreshold:
    """Return the stored threshold of `exercise_id` (the default, uncalibrated, when it has no corpus)."""
    entry = _stored()["exercises"].get(exercise_id)
    if entry is None:
        return ExerciseThreshold(threshold=default_threshold(), calibrated=False)
    return ExerciseThreshold(**entry)


def corpus_of(bank: Bank, exercise_id: str) -> dict[str, dict[str, str]]:
    """Return the exercise's corpus as families: original file name -> {version name: source} (empty: none).

    Raises `NotFoundError` for an unknown exercise.
    """
    exercise = bank.get(exercise_id, Exercise)
    folder = bank.sidecar(exercise_id, CORPUS_DIR)
    if not folder.is_dir():
        return {}
    originals = {exercise.reference: bank.sidecar(exercise_id, exercise.reference).read_text(encoding="utf-8")}
    originals |= {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("honest_*.py"))}
    families: dict[str, dict[str, str]] = {}
    for seed, (name, source) in enumerate(originals.items()):
        versions = {name: source}
        versions |= {f"{name}~{level}": copy for level, copy in disguises(source, seed=seed).items()}
        families[name] = versions
    families[exercise.reference] |= {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("copied_*.py"))}
    return families


def labelled_pairs(families: dict[str, dict[str, str]], *, starter: str) -> list[Labelled]:
    """Return every pair of the corpus with its label (same family: copied) and its similarity."""
    family_of = {version: family for family, versions in families.items() for version in versions}
    sources = {version: code for versions in families.values() for version, code in versions.items()}
    index = SimilarityIndex(ignore=boilerplate(starter))
    for name in sorted(sources):
        index.add(name, sources[name])
    found = {(p.a, p.b): p.similarity for p in index.pairs(threshold=0.0)}
    return [
        Labelled(a, b, family_of[a] == family_of[b], found.get((a, b), 0.0))
        for a, b in combinations(sorted(sources), 2)
    ]


def _rates(pairs: list[Labelled], threshold: float) -> tuple[float, float, float]:
    flagged = [p for p in pairs if p.similarity >= threshold]
    copied = [p for p in pairs if p.copied]
    honest = [p for p in pairs if not p.copied]
    hits = sum(p.copied for p in flagged)
    precision = hits / len(flagged) if flagged else 1.0
    recall = hits / len(copied) if copied else 1.0
    false_positive_rate = (len(flagged) - hits) / len(honest) if honest else 0.0
    return precision, recall, false_positive_rate


def choose(pairs: list[Labelled]) -> ExerciseThreshold:
    """Return the lowest threshold of `GRID` (at least `FLOOR`) above every honest pair, with its figures.

    An exercise whose honest solutions reach `INHERENT` is marked inherently similar.
    """
    honest = [p.similarity for p in pairs if not p.copied]
    top = max(honest, default=0.0)
    threshold = next((t for t in GRID if t >= FLOOR and t > top), GRID[-1])
    precision, recall, fpr = _rates(pairs, threshold)
    return ExerciseThreshold(
        threshold=threshold,
        calibrated=True,
        inherently_similar=top >= INHERENT,
        precision=round(precision, 3),
        recall=round(recall, 3),
        honest_false_positive_rate=round(fpr, 3),
        honest_pairs=len(honest),
        copied_pairs=sum(p.copied for p in pairs),
        max_honest_similarity=round(top, 3),
    )


def calibrate(bank: Bank, exercise_ids: list[str] | None = None) -> dict[str, ExerciseThreshold]:
    """Return the chosen threshold of every exercise that has a corpus (of those named, or of the whole bank).

    Raises `UsageError` when an exercise named has no corpus.
    """
    ids = exercise_ids or [e.id for e in bank.items(Exercise)]
    out = {}
    for exercise_id in ids:
        families = corpus_of(bank, exercise_id)
        if not families:
            if exercise_ids:
                raise UsageError(
                    f"exercise {exercise_id!r} has no similarity corpus",
                    hint=f"add honest_*.py and copied_*.py files in its {CORPUS_DIR}/ folder",
                )
            continue
        starter = bank.sidecar(exercise_id, bank.get(exercise_id, Exercise).starter).read_text(encoding="utf-8")
        out[exercise_id] = choose(labelled_pairs(families, starter=starter))
    return out


def calibration_document(found: dict[str, ExerciseThreshold], *, default: float) -> str:
    """Return the calibration file's text for `found` thresholds and the `default` one."""
    document = {"default_threshold": default, "exercises": {k: v.to_json() for k, v in sorted(found.items())}}
    return json.dumps(document, indent=2) + "\n"


def calibration_table(found: dict[str, ExerciseThreshold]) -> str:
    """Return the figures of `found` as a Markdown table (the one docs/integrity.md shows)."""
    rows = [
        "| exercise | threshold | precision | recall | honest-pair false positives | honest pairs | copied pairs "
        "| most similar honest pair | inherently similar |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for exercise_id, t in sorted(found.items()):
        rows.append(
            f"| {exercise_id} | {t.threshold:.2f} | {t.precision:.3f} | {t.recall:.3f} "
            f"| {t.honest_false_positive_rate:.3f} | {t.honest_pairs} | {t.copied_pairs} "
            f"| {t.max_honest_similarity:.3f} | {'yes' if t.inherently_similar else 'no'} |"
        )
    return "\n".join(rows) + "\n"
