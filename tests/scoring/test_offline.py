"""Scoring works with no network at all: the model ships in a package and nothing is fetched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import require_service

SCRIPT = """
import json
from mlscreen.scoring import score_answer
r = score_answer("I would check whether the upstream pipeline broke.", expected_points=["check upstream pipelines"])
print(json.dumps({"covered": r.points[0].covered, "score": r.score}))
"""


@pytest.mark.slow
@pytest.mark.sandbox
def test_scoring_runs_with_the_network_unshared() -> None:
    bwrap = shutil.which("bwrap")
    require_service("bubblewrap", bwrap is not None, "`bwrap` is not on PATH (apt-get install bubblewrap)")
    assert bwrap is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    command = [bwrap, "--unshare-net", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--die-with-parent"]
    done = subprocess.run(
        [*command, sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["covered"] is True
    probe = subprocess.run(
        [*command, sys.executable, "-c", "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode != 0  # the sandbox really has no network
