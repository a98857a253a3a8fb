"""Validate and answer JSON prediction requests for the churn model."""

from exercise_support import load_model

MODEL = load_model()


def handle_request(body) -> dict:
    """Return the response to a prediction request (JSON text, bytes or a parsed dict)."""
    raise NotImplementedError
