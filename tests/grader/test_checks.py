"""The hidden-test API: single calls and batches of calls into a submission running in a sandboxed job."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from mlscreen.grader import Call, CandidateError, Outcome, Submission
from mlscreen.grader.inside.job import MAX_BATCH
from mlscreen.grader.sandbox import Job, Limits, Sandbox
from tests.grader.conftest import needs_bwrap

pytestmark = pytest.mark.sandbox
SOURCE = """
import pandas as pd
seen = []
def bump():
    seen.append(1)
    return len(seen)
def boom():
    raise ValueError("no")
def fill(df):
    df["a"] = 0
    return df["a"].sum()
def big():
    return "x" * (2 << 20)
"""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    needs_bwrap()
    with Sandbox() as box:
        box.start()
        yield box


@pytest.fixture
def job(sandbox: Sandbox) -> Iterator[Job]:
    job = sandbox.open_job(Limits(wall_seconds=10, output_kb=1024), None, None)
    assert job.request({"op": "load", "source": SOURCE})["ok"] is True
    yield job
    job.finish(kill=True)


def test_batch_returns_values_and_outcomes_in_order(job: Job) -> None:
    sub = Submission(job, loaded=True)
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    first, second, filled = sub.batch([Call("bump"), Call("bump"), Call("fill", (frame,), full=True)])
    assert (first, second) == (1, 2)
    assert isinstance(filled, Outcome) and filled.value == 0
    assert filled.args[0]["a"].tolist() == [0, 0] and frame["a"].tolist() == [1.0, 2.0]
    assert sub.call("bump") == 3


def test_every_call_of_a_batch_runs_and_the_failure_is_reported(job: Job) -> None:
    sub = Submission(job, loaded=True)
    with pytest.raises(CandidateError, match="boom"):
        sub.batch([Call("bump"), Call("boom"), Call("bump")])
    assert sub.call("bump") == 3
    with pytest.raises(CandidateError):
        sub.batch([Call("_private"), Call("missing")])


def test_a_batch_over_the_output_cap_fails_as_a_whole(job: Job) -> None:
    sub = Submission(job, loaded=True)
    with pytest.raises(CandidateError):
        sub.batch([Call("bump"), Call("big")])
    assert sub.batch([]) == []
    with pytest.raises(ValueError):
        sub.batch([Call("bump")] * (MAX_BATCH + 1))


def test_batch_of_an_unloaded_submission_fails(job: Job) -> None:
    with pytest.raises(CandidateError):
        Submission(job, loaded=False).batch([Call("bump")])
