import json
import math

from exercise_support import load_model

MODEL = load_model()
MAX_INSTANCES = 100
TOP_LEVEL = {"request_id", "instances", "threshold"}
NUMBERS = {"tenure_months": (True, float), "monthly_spend": (True, float), "support_tickets": (False, int)}
PLANS = tuple(MODEL["plan_coef"])


def _error(field: str, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_instance(index: int, instance, errors: list[dict]) -> None:
    where = f"instances[{index}]"
    if not isinstance(instance, dict):
        errors.append(_error(where, "type", f"{where} must be an object of features"))
        return
    for name, (required, kind) in NUMBERS.items():
        field = f"{where}.{name}"
        if name not in instance:
            if required:
                errors.append(_error(field, "missing", f"{field} is required"))
            continue
        value = instance[name]
        if not _is_number(value) or (kind is int and not isinstance(value, int)):
            errors.append(_error(field, "type", f"{field} must be {'an integer' if kind is int else 'a number'}"))
        elif not math.isfinite(value) or value < 0:
            errors.append(_error(field, "range", f"{field} must be a finite number >= 0"))
    if "plan" in instance and instance["plan"] not in PLANS:
        errors.append(_error(f"{where}.plan", "enum", f"{where}.plan must be one of {', '.join(PLANS)}"))
    for key in instance:
        if key not in NUMBERS and key != "plan":
            errors.append(_error(f"{where}.{key}", "unknown", f"{where}.{key} is not a feature of this model"))


def _validate(request) -> list[dict]:
    if not isinstance(request, dict):
        return [_error("", "type", "the request must be a JSON object")]
    errors = [_error(str(key), "unknown", f"unknown field {key!r}") for key in request if key not in TOP_LEVEL]
    if "request_id" in request and not isinstance(request["request_id"], str):
        errors.append(_error("request_id", "type", "request_id must be a string"))
    if "threshold" in request:
        threshold = request["threshold"]
        if not _is_number(threshold):
            errors.append(_error("threshold", "type", "threshold must be a number"))
        elif not 0 <= threshold <= 1:
            errors.append(_error("threshold", "range", "threshold must be between 0 and 1"))
    instances = request.get("instances")
    if "instances" not in request:
        errors.append(_error("instances", "missing", "instances is required"))
    elif not isinstance(instances, list):
        errors.append(_error("instances", "type", "instances must be a list of objects"))
    elif not instances:
        errors.append(_error("instances", "empty", "instances must hold at least one instance"))
    elif len(instances) > MAX_INSTANCES:
        errors.append(_error("instances", "too_many", f"instances holds more than {MAX_INSTANCES} instances"))
    else:
        index = 0
        while index < len(instances):
            _check_instance(index, instances[index], errors)
            index += 1
    return errors


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    small = math.exp(z)
    return small / (1.0 + small)


def _score(instance):
    features = {"support_tickets": 0, **instance}
    z = MODEL["intercept"] + MODEL["plan_coef"][instance.get("plan", "basic")]
    for name, weight in MODEL["coef"].items():
        z += weight * features[name]
    return _sigmoid(z)


def handle_request(body) -> dict:
    request = body
    if isinstance(body, str | bytes | bytearray):
        try:
            request = json.loads(body)
        except (ValueError, RecursionError):
            return {"ok": False, "request_id": None,
                    "errors": [_error("", "invalid_json", "the body is not valid UTF-8 JSON")]}
    elif not isinstance(body, dict):
        return {"ok": False, "request_id": None, "errors": [_error("", "type", "the request must be a JSON object")]}
    request_id = request.get("request_id") if isinstance(request, dict) else None
    request_id = request_id if isinstance(request_id, str) else None
    errors = _validate(request)
    if errors:
        return {"ok": False, "request_id": request_id, "errors": errors}
    threshold = float(request.get("threshold", 0.5))
    predictions = []
    for instance in request["instances"]:
        s = _score(instance)
        predictions.append({"score": s, "label": int(s >= threshold)})
    return {"ok": True, "request_id": request_id, "model_version": MODEL["version"], "predictions": predictions}
