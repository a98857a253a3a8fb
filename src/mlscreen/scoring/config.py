"""Scoring thresholds and limits, read from the package's `config.json` (content, not constants in code)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mlscreen.errors import UsageError

CONFIG_PATH = Path(__file__).with_name("config.json")


@dataclass(frozen=True)
class ScoringConfig:
    """Thresholds that turn similarities into decisions and scores into suggested levels."""

    covered_similarity: float
    lexical_covered_similarity: float
    lexical_covered_recall: float
    red_flag_similarity: float
    red_flag_margin: float
    max_words: int
    examples_k: int
    examples_min: int
    reliability_min_grades: int
    reliability_min_kappa: float
    examples_temperature: float
    level_thresholds: tuple[float, float, float]
    level_min_coverage: tuple[float, float, float]
    red_flag_prefixes: tuple[str, ...]
    red_flag_absence_prefixes: tuple[str, ...]

    def level(self, score: float) -> int:
        """Return the suggested rubric level 1-4 for a 0-1 score."""
        return 1 + sum(score >= t for t in self.level_thresholds)

    def level_allowed_by_coverage(self, covered: float) -> int:
        """Return the highest level the covered share of the points' weight allows (levels 2-4 need a minimum)."""
        return 1 + sum(covered >= t - 1e-9 for t in self.level_min_coverage)


@cache
def load_config(path: Path = CONFIG_PATH) -> ScoringConfig:
    """Return the scoring configuration at `path`; raises `UsageError` if it is unreadable or malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        thresholds = tuple(float(t) for t in raw["level_thresholds"])
        coverage = tuple(float(t) for t in raw["level_min_coverage"])
        config = ScoringConfig(
            covered_similarity=float(raw["covered_similarity"]),
            lexical_covered_similarity=float(raw["lexical_covered_similarity"]),
            lexical_covered_recall=float(raw["lexical_covered_recall"]),
            red_flag_similarity=float(raw["red_flag_similarity"]),
            red_flag_margin=float(raw["red_flag_margin"]),
            max_words=int(raw["max_words"]),
            examples_k=int(raw["examples_k"]),
            examples_min=int(raw["examples_min"]),
            reliability_min_grades=int(raw["reliability_min_grades"]),
            reliability_min_kappa=float(raw["reliability_min_kappa"]),
            examples_temperature=float(raw["examples_temperature"]),
            level_thresholds=(thresholds[0], thresholds[1], thresholds[2]),
            level_min_coverage=(coverage[0], coverage[1], coverage[2]),
            red_flag_prefixes=tuple(str(p).lower() for p in raw["red_flag_prefixes"]),
            red_flag_absence_prefixes=tuple(str(p).lower() for p in raw["red_flag_absence_prefixes"]),
        )
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise UsageError(f"cannot read scoring configuration {path}: {exc}", hint="restore config.json") from None
    if config.examples_min < 1 or config.reliability_min_grades < 1:
        raise UsageError(f"{path}: examples_min and reliability_min_grades must be at least 1", hint="fix config.json")
    if not 0.0 <= config.reliability_min_kappa <= 1.0:
        raise UsageError(f"{path}: reliability_min_kappa must be between 0 and 1", hint="fix config.json")
    for name, values in (("level_thresholds", thresholds), ("level_min_coverage", coverage)):
        if len(values) != 3 or list(values) != sorted(values):
            raise UsageError(f"{path}: {name} must be three increasing numbers", hint="fix config.json")
    return config
