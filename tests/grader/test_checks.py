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
def check_positive(x):
    assert x > 0, "not positive"
    return x
class Sneaky(Exception):
    pass
Sneaky.__module__ = "builtins"
Sneaky.__name__ = "ValueError<script>"
def sneaky():
    raise Sneaky()
class MyError(KeyError):
    pass
def mine():
    raise MyError("k")
def unencodable():
    return object()
def quadratic(n):
    return sum(i * j for i in range(n) for j in range(n))
def linear(n):
    return sum(range(n))
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


def test_raises_names_the_builtin_exception_kinds(job: Job) -> None:
    sub = Submission(job, loaded=True)
    assert sub.raises("boom") == {"ValueError", "Exception", "BaseException"}
    assert "AssertionError" in sub.raises("check_positive", -1)
    assert "ValueError" not in sub.raises("check_positive", -1)
    assert sub.raises("check_positive", 2) == frozenset()  # returned normally
    assert sub.raises("mine") >= {"KeyError", "LookupError"}  # a subclass counts as its built-in bases
    assert sub.raises("sneaky") == {"Exception", "BaseException"}  # a forged name is not believed
    with pytest.raises(CandidateError):
        sub.raises("no_such_function")
    with pytest.raises(CandidateError):  # a value that cannot cross the boundary is not something the call raised
        sub.raises("unencodable")
    with pytest.raises(CandidateError) as caught:
        sub.call("boom")
    assert "ValueError" in caught.value.raised


def test_growth_tells_quadratic_from_linear_work(job: Job) -> None:
    sub = Submission(job, loaded=True)
    quadratic = sub.growth(Call("quadratic", (300,)), Call("quadratic", (1200,)))
    linear = sub.growth(Call("linear", (200_000,)), Call("linear", (800_000,)))
    assert quadratic.large_value == sum(range(1200)) ** 2 and linear.small_value == sum(range(200_000))
    assert quadratic.ratio > 8 > linear.ratio
