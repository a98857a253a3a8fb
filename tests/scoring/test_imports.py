"""`mlscreen --help` and the light parts of scoring never import torch or the embedding model."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import sys
from mlscreen.cli import main
import mlscreen.scoring, mlscreen.scoring.cli, mlscreen.scoring.text, mlscreen.scoring.points
import mlscreen.scoring.config, mlscreen.scoring.result, mlscreen.scoring.jsonl
try:
    main(["--help"])
except SystemExit:
    pass
try:
    main(["answers", "--help"])
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "sklearn") if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


def test_help_and_light_modules_do_not_import_torch() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert "HEAVY:\n" in done.stdout, done.stdout
    assert "answers" in done.stdout


THREADS = """
import threading
from mlscreen.scoring.runtime import load_runtime
from mlscreen.scoring import score_answer

ids, scores = [], []

def work():
    ids.append(id(load_runtime()))
    scores.append(score_answer("Check the upstream pipeline.", expected_points=["check upstream pipelines"]).score)

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(set(ids)), len(set(round(s, 6) for s in scores)), len(scores))
"""


@pytest.mark.model
def test_concurrent_first_calls_load_the_model_once() -> None:
    # The user's cache holds the ONNX export the test run already made; reuse it rather than export again.
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    done = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "1", "4"]
