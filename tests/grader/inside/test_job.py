"""The job protocol in a real sandbox: oversized results fail their call without taking the job down."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mlscreen.grader.exercise import LIGHT_PREIMPORTS
from mlscreen.grader.sandbox import Job, Limits, Sandbox
from tests.grader.conftest import needs_bwrap

pytestmark = pytest.mark.sandbox
# 300 MiB of address space above the fork-server's, 64 KiB per reply: five 64 MiB strings do not fit together.
LIMITS = Limits(wall_seconds=60, memory_mb=300, output_kb=64)
SOURCE = "def big(mib):\n    return 'x' * (mib << 20)\ndef small():\n    return 1\n"


def call(name: str, *args: Any) -> dict[str, Any]:
    return {"target": "submission", "name": name, "args": list(args), "kwargs": {}, "return_args": False}


@pytest.fixture
def job() -> Iterator[Job]:
    needs_bwrap()
    with Sandbox(limits=LIMITS, preimports=LIGHT_PREIMPORTS) as box:
        job = box.open_job(LIMITS, None, None)
        assert job.request({"op": "load", "source": SOURCE}) == {"op": "loaded", "ok": True}
        yield job
        job.finish(kill=True)


def test_oversized_results_of_a_batch_are_dropped_one_at_a_time(job: Job) -> None:
    # Results used to be held until the whole reply was serialised: eight 64 MiB strings exhausted the memory
    # limit while serialising, and the job died ("error") instead of failing the calls ("failed").
    reply = job.request({"op": "batch", "calls": [call("big", 64)] * 8 + [call("small")]})
    assert reply["op"] == "results" and reply["ok"] is True
    *big, small = reply["results"]
    assert all(r == {"op": "result", "ok": False, "too_large": True} for r in big)
    assert small == {"op": "result", "ok": True, "value": 1}
    assert job.ended is None


def test_a_result_too_large_to_serialise_fails_its_call_only(job: Job) -> None:
    # 200 MiB fits in memory once but not twice: serialising it runs out of memory inside the job.
    assert job.request({"op": "call", **call("big", 200)}) == {"op": "result", "ok": False}
    assert job.request({"op": "call", **call("small")}) == {"op": "result", "ok": True, "value": 1}
    assert job.ended is None
