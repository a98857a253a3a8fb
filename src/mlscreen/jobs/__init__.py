"""Durable background jobs: one interface, a database-backed default and a Celery backend for many machines.

Import `mlscreen.jobs.queue.JobQueue`, `mlscreen.jobs.local.LocalQueue` or `mlscreen.jobs.celery_backend`
directly; this package imports nothing so that the command line stays fast.
"""
