"""The warm pool: sandboxes per import set, bounded parallelism, and submissions that import more than expected."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.errors import UsageError
from mlscreen.grader import GraderPool
from mlscreen.grader.exercise import LIGHT_PREIMPORTS
from tests.grader.conftest import needs_bwrap

pytestmark = pytest.mark.sandbox
REFERENCE = (PACKAGED_BANK / "exercises" / "data-cleaning" / "reference.py").read_text(encoding="utf-8")


def test_light_exercise_runs_in_light_sandboxes_within_the_worker_bound() -> None:
    needs_bwrap()
    with GraderPool(workers=2, with_signals=False) as pool:
        pool.warm("data-cleaning")
        with ThreadPoolExecutor(max_workers=4) as executor:
            results = list(executor.map(lambda _: pool.grade(REFERENCE, "data-cleaning"), range(6)))
        assert {r.status for r in results} == {"passed"}
        assert [s.preimports for s in pool._all] == [LIGHT_PREIMPORTS] * 2
    with pytest.raises(UsageError):
        pool.grade(REFERENCE, "data-cleaning")


def test_submission_importing_a_library_the_server_did_not_still_passes(pool: GraderPool) -> None:
    source = "from sklearn.impute import SimpleImputer  # imported by the job itself\n" + REFERENCE
    result = pool.grade(source, "data-cleaning")
    assert result.status == "passed", result.tests


def test_sandboxes_outlive_the_thread_that_started_them() -> None:
    # bwrap --die-with-parent follows the starting *thread*: a sandbox warmed up from a worker thread must not
    # die when that thread ends.
    needs_bwrap()
    with GraderPool(workers=1, with_signals=False) as pool:
        starter = threading.Thread(target=pool.warm, args=("data-cleaning",))
        starter.start()
        starter.join()
        time.sleep(0.5)
        (box,) = pool._all
        assert box.alive and box._process is not None
        pid = box._process.pid
        assert pool.grade(REFERENCE, "data-cleaning").status == "passed"
        assert box._process.pid == pid  # graded without a restart


def test_a_forked_process_can_start_sandboxes() -> None:
    # A pre-forking server forks after the parent started a sandbox; the child starts its own.
    needs_bwrap()
    import os
    import signal

    with GraderPool(workers=1, with_signals=False) as pool:
        pool.warm("data-cleaning")
        pid = os.fork()
        if pid == 0:
            signal.alarm(60)  # a regression hangs the child: end it rather than the test run
            code = 1
            try:
                with GraderPool(workers=1, with_signals=False) as child_pool:
                    code = 0 if child_pool.grade(REFERENCE, "data-cleaning").status == "passed" else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
