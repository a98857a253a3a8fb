"""Grade a directory of submissions through a warm pool, with a progress bar and a JSON-lines report."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import Progress

from mlscreen.datafile import check_output, open_output
from mlscreen.errors import MlscreenError, SandboxUnavailableError, UsageError
from mlscreen.grader.pool import GraderPool
from mlscreen.grader.submission import read_submission


@dataclass
class BatchSummary:
    """Counts by status and the rate of a batch run."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Return submissions graded per second."""
        return self.total / self.seconds if self.seconds else 0.0


def max_workers() -> int:
    """Return how many submissions this machine can grade at once: one per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def grade_directory(
    directory: Path, *, exercise_id: str, workers: int | None = None, out: Path | None = None, isolated: bool = True
) -> BatchSummary:
    """Grade every `*.py` file in `directory`; returns the summary and writes one JSON line per file to `out`.

    `workers` defaults to 2 (1 on a single CPU). A file that cannot be read or graded (not UTF-8, NUL bytes,
    too large) is recorded with status "invalid" and its reason. Raises `UsageError` for `workers` outside
    1..`max_workers()` or an `out` that cannot be written (before any grading), `NotFoundError` for an unknown
    exercise and `SandboxUnavailableError` when no sandbox can start.
    """
    most = max_workers()
    workers = min(2, most) if workers is None else workers
    if not 1 <= workers <= most:
        raise UsageError(
            f"--workers {workers} is not between 1 and {most}",
            hint=f"each worker is a sandbox busy on one CPU; this machine runs at most {most} at once",
        )
    if out is not None:
        check_output(out)  # before the grading, whose results would otherwise be lost
    files = sorted(p for p in directory.glob("*.py") if p.is_file())
    summary = BatchSummary()
    lines: dict[Path, dict[str, Any]] = {}
    with GraderPool(workers=workers, isolated=isolated) as pool:
        pool.spec(exercise_id)  # an unknown exercise fails before any work
        pool.warm(exercise_id)
        started = time.perf_counter()

        def one(path: Path) -> dict[str, Any]:
            try:
                source = read_submission(path)
                return {"file": path.name, **pool.grade(source, exercise_id).to_json()}
            except SandboxUnavailableError:  # the machine's fault, not the file's: stop the batch
                raise
            except MlscreenError as exc:  # this file is unacceptable; the others are still graded
                return {"file": path.name, "status": "invalid", "error": exc.message}

        with Progress(transient=True) as progress, ThreadPoolExecutor(max_workers=workers) as executor:
            task = progress.add_task(f"grading {len(files)} submission(s)", total=len(files))
            futures = {executor.submit(one, path): path for path in files}
            for future in as_completed(futures):
                lines[futures[future]] = future.result()
                progress.advance(task)
        summary.seconds = time.perf_counter() - started
    for path in files:
        summary.total += 1
        summary.by_status[str(lines[path]["status"])] += 1
    if out is not None:
        with open_output(out) as handle:
            handle.write("".join(json.dumps(lines[p]) + "\n" for p in files))
    return summary
