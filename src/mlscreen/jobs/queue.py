"""The job-queue interface callers use, whatever backend runs the jobs (declared in `mlscreen.store.queue`)."""

from mlscreen.store.queue import Handler, JobQueue

__all__ = ["Handler", "JobQueue", "WorkerUnfit"]


class WorkerUnfit(Exception):
    """A handler found that this process cannot run its kind of job (no sandbox): not the job's fault.

    The job goes back to the queue without using an attempt, and this process stops claiming jobs of that kind.
    """
