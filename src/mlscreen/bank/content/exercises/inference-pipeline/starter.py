"""Serve the support-ticket classifier: preprocess, infer, return label and confidence."""

from exercise_support import load_model


def predict_one(text: str) -> dict:
    """Return {"label": str, "confidence": float} for one ticket."""
    raise NotImplementedError


def predict(texts: list[str]) -> list[dict]:
    """Return one {"label", "confidence"} per ticket, in order."""
    raise NotImplementedError
