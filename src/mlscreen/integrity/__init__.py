"""Integrity evidence: session recordings and replay, similarity across submissions, integrity signals (a pure core:
plain data in and out)."""
