"""Scratch runs (a live room's code pad run as a program): output captured and cleaned, limits enforced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlscreen.grader import GraderPool

pytestmark = [pytest.mark.sandbox]


@pytest.fixture(scope="module")
def pool() -> Iterator[GraderPool]:
    with GraderPool(workers=1, with_signals=False) as started:
        yield started


def test_output_and_errors_come_back_without_terminal_escapes(pool: GraderPool) -> None:
    source = "import sys\nprint('a\\x1b[2J\\x1b[31mb\\x07')\nprint('to stderr', file=sys.stderr)\nraise KeyError('k')\n"
    result = pool.run_scratch(source)
    assert result.status == "error"
    assert result.output == "ab\nto stderr\n"
    assert result.error == "KeyError: 'k'"


def test_the_sandbox_limits_hold(pool: GraderPool) -> None:
    assert pool.run_scratch("while True:\n    pass\n").status == "timeout"
    flood = pool.run_scratch("print('x' * 100_000)\n")
    assert flood.truncated and flood.output.endswith("[output cut after 16 KB]") and len(flood.output) < 17_000
    network = pool.run_scratch("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)\n")
    assert (network.status == "error" and "OSError" in network.error) or "Errno" in network.error
