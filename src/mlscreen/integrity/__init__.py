"""Integrity evidence: session recordings and replay, similarity across submissions, integrity signals."""
