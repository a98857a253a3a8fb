"""Churn prediction endpoint."""

import json
import math

from exercise_support import load_model

MODEL = load_model()
REQUIRED = ("tenure_months", "monthly_spend")
OPTIONAL = ("support_tickets", "plan")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, field, code, message):
        self.items.append({"field": field, "code": code, "message": message})


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _finite(x):
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer too large for a float
        return False


def _parse(body, problems):
    if isinstance(body, dict):
        return body
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            problems.add("", "invalid_json", "the body is not UTF-8")
            return None
    if not isinstance(body, str):
        problems.add("", "type", "the body must be a JSON object")
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # nesting too deep is malformed too
        problems.add("", "invalid_json", "the body is not valid JSON")
        return None
    if not isinstance(parsed, dict):
        problems.add("", "type", "the body must be a JSON object")
        return None
    return parsed


def _instance(i, inst, problems):
    path = f"instances[{i}]"
    if not isinstance(inst, dict):
        problems.add(path, "type", f"{path} must be an object")
        return
    for name in inst:
        if name not in REQUIRED and name not in OPTIONAL:
            problems.add(f"{path}.{name}", "unknown", f"{name} is not a feature")
    for name in REQUIRED:
        if name not in inst:
            problems.add(f"{path}.{name}", "missing", f"{name} is required")
        elif not _number(inst[name]):
            problems.add(f"{path}.{name}", "type", f"{name} must be a number")
        elif not _finite(inst[name]) or inst[name] < 0:
            problems.add(f"{path}.{name}", "range", f"{name} must be a finite number >= 0")
    if "support_tickets" in inst:
        tickets = inst["support_tickets"]
        if not _number(tickets) or (isinstance(tickets, float) and not tickets.is_integer()):
            problems.add(f"{path}.support_tickets", "type", "support_tickets must be a whole number")
        elif not _finite(tickets) or tickets < 0:
            problems.add(f"{path}.support_tickets", "range", "support_tickets must be >= 0")
    if "plan" in inst:
        if not isinstance(inst["plan"], str):
            problems.add(f"{path}.plan", "type", "plan must be a string")
        elif inst["plan"] not in MODEL["plan_coef"]:
            problems.add(f"{path}.plan", "enum", f"plan must be one of {sorted(MODEL['plan_coef'])}")


def _check(req, problems):
    for key in req:
        if key not in ("request_id", "instances", "threshold"):
            problems.add(str(key), "unknown", f"unknown field {key}")
    if "request_id" in req and not isinstance(req["request_id"], str):
        problems.add("request_id", "type", "request_id must be a string")
    if "threshold" in req:
        t = req["threshold"]
        if not _number(t):
            problems.add("threshold", "type", "threshold must be a number")
        elif not _finite(t) or not (0 <= t <= 1):
            problems.add("threshold", "range", "threshold must be between 0 and 1")
    if "instances" not in req:
        problems.add("instances", "missing", "instances is required")
    elif not isinstance(req["instances"], list):
        problems.add("instances", "type", "instances must be a list")
    elif len(req["instances"]) == 0:
        problems.add("instances", "empty", "send at least one instance")
    elif len(req["instances"]) > 100:
        problems.add("instances", "too_many", "send at most 100 instances")
    else:
        for i, inst in enumerate(req["instances"]):
            _instance(i, inst, problems)


def _predict(inst, threshold):
    z = MODEL["intercept"] + MODEL["plan_coef"][inst.get("plan", "basic")]
    for name, w in MODEL["coef"].items():
        z += w * inst.get(name, 0)
    score = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return {"score": float(score), "label": 1 if score >= threshold else 0}


def handle_request(body):
    problems = Problems()
    req = _parse(body, problems)
    rid = None
    if req is not None:
        rid = req.get("request_id") if isinstance(req.get("request_id"), str) else None
        _check(req, problems)
    if problems.items:
        return {"ok": False, "request_id": rid, "errors": problems.items}
    threshold = float(req.get("threshold", 0.5))
    return {
        "ok": True,
        "request_id": rid,
        "model_version": MODEL["version"],
        "predictions": [_predict(inst, threshold) for inst in req["instances"]],
    }
