import json
import math

from exercise_support import load_model

MODEL = load_model()
FEATURES = {"tenure_months": "required", "monthly_spend": "required", "support_tickets": "integer", "plan": "plan"}


def err(field, code, message):
    return {"field": field, "code": code, "message": message}


def is_num(v):
    return type(v) in (int, float)


def decode(body):
    """Return (request or None, errors)."""
    if isinstance(body, dict):
        return body, []
    text = body
    if isinstance(body, (bytes, bytearray)):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, [err("", "invalid_json", "body must be UTF-8 encoded JSON")]
    if not isinstance(text, str):
        return None, [err("", "type", "body must be JSON text or an object")]
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None, [err("", "invalid_json", "body is not JSON")]
    if not isinstance(value, dict):
        return None, [err("", "type", "body must be a JSON object")]
    return value, []


def check_value(where, kind, value):
    if kind == "plan":
        if not isinstance(value, str):
            return [err(where, "type", "expected a plan name")]
        if value not in MODEL["plan_coef"]:
            return [err(where, "enum", "unknown plan; use one of " + ", ".join(sorted(MODEL["plan_coef"])))]
        return []
    if not is_num(value):
        return [err(where, "type", "expected a number")]
    try:
        as_float = float(value)
    except OverflowError:
        return [err(where, "range", "the number is too large")]
    if kind == "integer" and math.isfinite(as_float) and as_float != math.floor(as_float):
        return [err(where, "type", "expected an integer")]
    if not math.isfinite(as_float) or as_float < 0:
        return [err(where, "range", "expected a finite number >= 0")]
    return []


def check_instances(instances):
    if not isinstance(instances, list):
        return [err("instances", "type", "instances must be an array")]
    if not instances:
        return [err("instances", "empty", "instances is empty")]
    if len(instances) > 100:
        return [err("instances", "too_many", "at most 100 instances per request")]
    out = []
    for n, row in enumerate(instances):
        where = "instances[%d]" % n
        if not isinstance(row, dict):
            out.append(err(where, "type", "each instance must be an object"))
            continue
        out += [err(f"{where}.{k}", "unknown", "unknown feature") for k in row if k not in FEATURES]
        for k, kind in FEATURES.items():
            if k in row:
                out += check_value(f"{where}.{k}", kind, row[k])
            elif kind == "required":
                out.append(err(f"{where}.{k}", "missing", "required feature"))
    return out


def validate(req):
    out = [err(str(k), "unknown", "unknown field") for k in req if k not in ("request_id", "instances", "threshold")]
    if "request_id" in req and not isinstance(req["request_id"], str):
        out.append(err("request_id", "type", "request_id must be text"))
    if "instances" in req:
        out += check_instances(req["instances"])
    else:
        out.append(err("instances", "missing", "instances is required"))
    if "threshold" in req:
        t = req["threshold"]
        if not is_num(t):
            out.append(err("threshold", "type", "threshold must be a number"))
        elif not 0 <= t <= 1:
            out.append(err("threshold", "range", "threshold must lie in [0, 1]"))
    return out


def sigmoid(z):
    if z < 0:
        e = math.exp(z)
        return e / (1 + e)
    return 1 / (1 + math.exp(-z))


def handle_request(body):
    req, errors = decode(body)
    request_id = req.get("request_id") if req is not None else None
    if not isinstance(request_id, str):
        request_id = None
    if req is not None:
        errors = validate(req)
    if errors:
        return {"ok": False, "request_id": request_id, "errors": errors}
    cut = req.get("threshold", 0.5)
    predictions = []
    for row in req["instances"]:
        z = MODEL["intercept"] + MODEL["plan_coef"][row.get("plan", "basic")]
        z += sum(MODEL["coef"][k] * row.get(k, 0) for k in MODEL["coef"])
        s = sigmoid(z)
        predictions.append({"score": s, "label": int(s >= cut)})
    return {"ok": True, "request_id": request_id, "model_version": MODEL["version"], "predictions": predictions}
