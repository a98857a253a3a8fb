"""Grading material: which libraries an exercise's fork-server pre-imports."""

from __future__ import annotations

from mlscreen.grader.exercise import LIGHT_PREIMPORTS, SpecCache, preimports_for
from mlscreen.grader.inside.server import PREIMPORTS


def test_numpy_pandas_and_standard_library_get_a_light_fork_server() -> None:
    sources = ["import math, json\nimport numpy as np\n", "from pandas.api import types\nfrom . import x\n"]
    assert preimports_for(sources) == LIGHT_PREIMPORTS


def test_anything_else_gets_every_library() -> None:
    assert preimports_for(["import pandas\nfrom sklearn.linear_model import LogisticRegression\n"]) == PREIMPORTS
    assert preimports_for(["import scipy.stats\n"]) == PREIMPORTS
    assert preimports_for(["def broken(:\n"]) == PREIMPORTS


def test_packaged_exercises_get_what_their_code_imports() -> None:
    specs = SpecCache()
    assert specs.get("data-cleaning").preimports == LIGHT_PREIMPORTS
    assert specs.get("debug-classifier").preimports == PREIMPORTS  # its reference uses scikit-learn
