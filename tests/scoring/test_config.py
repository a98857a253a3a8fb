"""Scoring thresholds come from config.json; a malformed file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlscreen.errors import UsageError
from mlscreen.scoring.config import CONFIG_PATH, load_config


def test_levels_follow_the_configured_thresholds(tmp_path: Path) -> None:
    raw = json.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["level_thresholds"] = [0.1, 0.2, 0.3]
    raw["level_min_coverage"] = [0.0, 0.5, 1.0]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    config = load_config(path)
    assert [config.level(s) for s in (0.05, 0.15, 0.25, 0.9)] == [1, 2, 3, 4]
    assert [config.level_allowed_by_coverage(c) for c in (0.0, 0.4, 0.5, 1.0)] == [2, 2, 3, 4]


@pytest.mark.parametrize(
    "change",
    [
        {"level_thresholds": [0.5, 0.2, 0.9]},
        {"max_words": "many"},
        {"covered_similarity": None},
        {"examples_min": 0},
        {"reliability_min_grades": -1},
        {"reliability_min_kappa": 1.5},
    ],
)
def test_malformed_config_is_a_usage_error(tmp_path: Path, change: dict[str, object]) -> None:
    raw = json.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    raw.update(change)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(UsageError):
        load_config(path)
