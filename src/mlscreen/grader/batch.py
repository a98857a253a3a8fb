"""Grade a directory of submissions through a warm pool, with a progress bar and a JSON-lines report."""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import Progress

from mlscreen.errors import MlscreenError
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


def grade_directory(
    directory: Path, *, exercise_id: str, workers: int = 2, out: Path | None = None, isolated: bool = True
) -> BatchSummary:
    """Grade every `*.py` file in `directory`; returns the summary and writes one JSON line per file to `out`.

    A file that cannot be read is recorded with status "invalid". Raises `NotFoundError` for an unknown
    exercise and `SandboxUnavailableError` when no sandbox can start.
    """
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
            except MlscreenError as exc:
                return {"file": path.name, "status": "invalid", "error": exc.message}
            return {"file": path.name, **pool.grade(source, exercise_id).to_json()}

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
        out.write_text("".join(json.dumps(lines[p]) + "\n" for p in files), encoding="utf-8")
    return summary
