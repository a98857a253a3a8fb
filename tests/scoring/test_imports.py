"""`mlscreen --help` and the light parts of scoring never import torch or the embedding model."""

from __future__ import annotations

import subprocess
import sys

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
