"""Durable background jobs: one interface, a database-backed default and a Celery backend for many machines."""

from mlscreen.jobs.local import LocalQueue
from mlscreen.jobs.queue import Handler, JobQueue

__all__ = ["Handler", "JobQueue", "LocalQueue"]
