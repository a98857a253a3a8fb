"""The provided churn model of the predict-request-handler exercise, and sandbox-side functions (not secret)."""

import json

MODEL = {
    "version": "churn-2024-06",
    "intercept": -0.8,
    "coef": {"tenure_months": -0.045, "monthly_spend": 0.018, "support_tickets": 0.32},
    "plan_coef": {"basic": 0.0, "plus": -0.35, "pro": -0.9},
}


def load_model():
    """Return the model: version, intercept, a coefficient per numeric feature and one per plan."""
    return json.loads(json.dumps(MODEL))


def as_json(submission, body):
    """Return the candidate's response to `body` serialised as strict JSON text (fails on non-JSON types)."""
    return json.dumps(submission.handle_request(body), allow_nan=False)


def handle_bytes(submission, octets):
    """Call the candidate's handler with a bytes body built from a list of byte values."""
    return submission.handle_request(bytes(octets))
