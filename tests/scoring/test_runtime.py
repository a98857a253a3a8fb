"""The ONNX runtime: batches run in parallel, one inference per core, and give what one thread gives, in order."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from mlscreen.scoring.embedder import Embedder
from mlscreen.scoring.runtime import OnnxRuntime, export_onnx, onnx_path

TEXTS = [f"Sentence {i}: monitor {'drift ' * (i % 7)}in feature {i} before retraining." for i in range(150)]


@pytest.fixture(scope="module")
def model_file(embedder: Embedder) -> Path:
    path = onnx_path()
    return path if path.is_file() else export_onnx(path)  # not made yet when this process runs torch


def test_parallel_batches_equal_one_thread_in_input_order(model_file: Path) -> None:
    serial = OnnxRuntime(model_file, threads=1).encode(TEXTS)
    parallel = OnnxRuntime(model_file, threads=2).encode(TEXTS)
    assert parallel.shape == (150, 384)
    assert np.abs(parallel - serial).max() < 1e-5
    alone = OnnxRuntime(model_file, threads=2).encode([TEXTS[77]])[0]
    assert np.abs(parallel[77] - alone).max() < 1e-5  # padding with longer neighbours changes nothing


def test_a_forked_child_encodes_without_the_parents_threads(model_file: Path) -> None:
    runtime = OnnxRuntime(model_file, threads=2)
    expected = runtime.encode(TEXTS[:20])
    pid = os.fork()
    if pid == 0:
        ok = False
        signal.alarm(30)  # a child waiting on threads it does not have would hang: end it instead
        try:
            ok = bool(np.abs(runtime.encode(TEXTS[:20]) - expected).max() < 1e-5)
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
