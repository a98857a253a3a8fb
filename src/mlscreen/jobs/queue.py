"""The job-queue interface callers use, whatever backend runs the jobs (declared in `mlscreen.store.queue`)."""

from mlscreen.store.queue import Handler, JobQueue

__all__ = ["Handler", "JobQueue"]
