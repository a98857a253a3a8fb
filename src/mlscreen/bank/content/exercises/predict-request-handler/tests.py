"""Hidden tests of the predict-request-handler exercise; expected scores come from the same model, built here."""

import json
import math

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mlscreen.grader import check, load_sibling

harness = load_sibling(__file__, "harness.py")
MODEL = harness.load_model()
PROPERTY = settings(
    max_examples=25, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _score(instance):
    z = MODEL["intercept"] + MODEL["plan_coef"][instance.get("plan", "basic")]
    z += sum(w * instance.get(name, 0) for name, w in MODEL["coef"].items())
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    small = math.exp(z)  # never overflows for very negative z
    return small / (1 + small)


def _instances():
    return [
        {"tenure_months": 3, "monthly_spend": 80.5, "plan": "basic", "support_tickets": 4},
        {"tenure_months": 48, "monthly_spend": 20.0, "plan": "pro", "support_tickets": 0},
        {"tenure_months": 12.5, "monthly_spend": 55, "plan": "plus", "support_tickets": 1},
        {"tenure_months": 0, "monthly_spend": 0, "plan": "basic", "support_tickets": 9},
    ]


def _ok(response, instances, threshold=0.5, request_id=None):
    assert isinstance(response, dict) and response.get("ok") is True
    assert response.get("request_id") == request_id
    assert response.get("model_version") == MODEL["version"]
    predictions = response.get("predictions")
    assert isinstance(predictions, list) and len(predictions) == len(instances)
    for prediction, instance in zip(predictions, instances):
        expected = _score(instance)
        assert isinstance(prediction, dict)
        score, label = prediction.get("score"), prediction.get("label")
        assert isinstance(score, float) and abs(score - expected) <= 1e-9
        assert type(label) is int and label == int(expected >= threshold)


def _errors(response):
    assert isinstance(response, dict) and response.get("ok") is False
    assert not response.get("predictions")
    errors = response.get("errors")
    assert isinstance(errors, list) and errors
    for error in errors:
        assert isinstance(error, dict) and isinstance(error.get("field"), str) and isinstance(error.get("code"), str)
        assert isinstance(error.get("message"), str) and error["message"].strip()
    return {(e["field"], e["code"]) for e in errors}


def _request(instances, **extra):
    return json.dumps({"instances": instances, **extra})


@check(id="valid-request", kind="core", message="A valid request must get ok=true, the request_id back, the model "
       "version and one {score, label} per instance in order, where score is the model's probability.")
def valid_request(sub):
    instances = _instances()
    _ok(sub.call("handle_request", _request(instances, request_id="req-17")), instances, request_id="req-17")


@check(id="parsed-and-bytes-bodies", kind="core", message="The body may be JSON text, UTF-8 bytes or an "
       "already-parsed dict; all three must give the same answer.")
def parsed_and_bytes_bodies(sub):
    instances = _instances()
    text = _request(instances)
    _ok(sub.harness("handle_bytes", list(text.encode())), instances)
    _ok(sub.call("handle_request", json.loads(text)), instances)


@check(id="defaults-applied", kind="core", message="Optional values take their defaults: plan 'basic', "
       "support_tickets 0, threshold 0.5, request_id null.")
def defaults_applied(sub):
    instances = [{"tenure_months": 2, "monthly_spend": 70}, {"tenure_months": 30, "monthly_spend": 10.0}]
    _ok(sub.call("handle_request", _request(instances)), instances)


@check(id="threshold-used", kind="core", message="The label must be 1 when the score is at least the request's "
       "threshold.")
def threshold_used(sub):
    instances = _instances()
    for threshold in (0.05, 0.3, 0.9, 0, 1):
        _ok(sub.call("handle_request", _request(instances, threshold=threshold)), instances, threshold)


@check(id="extreme-values", kind="edge", message="Very large valid values must still get a score in [0, 1] "
       "without raising (even where the probability rounds to exactly 0 or 1), and a score equal to the threshold "
       "is labelled 1.")
def extreme_values(sub):
    instances = [{"tenure_months": 1e6, "monthly_spend": 0}, {"tenure_months": 0, "monthly_spend": 1e6}]
    for threshold in (0, 1):
        _ok(sub.call("handle_request", _request(instances, threshold=threshold)), instances, threshold)


@check(id="non-object-body", kind="edge", message="A parsed body that is not an object (a list, a number) gets "
       "one error with code 'type' on the field \"\".")
def non_object_body(sub):
    for body in ([1, 2], 42):
        assert _errors(sub.call("handle_request", body)) == {("", "type")}


@check(id="missing-fields", kind="edge", message="Missing required values must be reported, one error per missing "
       "field, with the field's path (e.g. instances[1].monthly_spend) and code 'missing'.")
def missing_fields(sub):
    body = _request([{"tenure_months": 1, "monthly_spend": 2}, {"tenure_months": 5}, {}])
    assert _errors(sub.call("handle_request", body)) == {
        ("instances[1].monthly_spend", "missing"), ("instances[2].tenure_months", "missing"),
        ("instances[2].monthly_spend", "missing"),
    }
    assert _errors(sub.call("handle_request", json.dumps({"request_id": "r"}))) == {("instances", "missing")}


@check(id="wrong-types", kind="edge", message="Values of the wrong type (text for numbers, booleans, null, a "
       "fractional ticket count) must be reported with code 'type'; booleans are not numbers.")
def wrong_types(sub):
    body = _request(
        [
            {"tenure_months": "12", "monthly_spend": True},
            {"tenure_months": None, "monthly_spend": 3, "support_tickets": 1.5},
            {"tenure_months": 1, "monthly_spend": [3]},
            "not an object",
        ],
        threshold="high",
        request_id=42,
    )
    assert _errors(sub.call("handle_request", body)) == {
        ("instances[0].tenure_months", "type"), ("instances[0].monthly_spend", "type"),
        ("instances[1].tenure_months", "type"), ("instances[1].support_tickets", "type"),
        ("instances[2].monthly_spend", "type"), ("instances[3]", "type"), ("threshold", "type"),
        ("request_id", "type"),
    }


@check(id="out-of-range", kind="edge", message="Negative or non-finite numbers and a threshold outside [0, 1] must "
       "be reported with code 'range'.")
def out_of_range(sub):
    body = '{"instances": [{"tenure_months": -1, "monthly_spend": NaN}, {"tenure_months": 1e400, ' \
           '"monthly_spend": 1, "support_tickets": -2}], "threshold": 1.5}'
    assert _errors(sub.call("handle_request", body)) == {
        ("instances[0].tenure_months", "range"), ("instances[0].monthly_spend", "range"),
        ("instances[1].tenure_months", "range"), ("instances[1].support_tickets", "range"), ("threshold", "range"),
    }


@check(id="enum-and-unknown", kind="edge", message="A plan outside the model's plans is code 'enum'; unknown "
       "features and unknown top-level fields are code 'unknown' (typos must not be silently ignored).")
def enum_and_unknown(sub):
    body = _request([{"tenure_months": 1, "monthly_spend": 2, "plan": "Gold", "tenure": 3}], treshold=0.4)
    assert _errors(sub.call("handle_request", body)) == {
        ("instances[0].plan", "enum"), ("instances[0].tenure", "unknown"), ("treshold", "unknown"),
    }


@check(id="instances-shape", kind="edge", message="instances must be a non-empty list of at most 100 objects: "
       "codes 'type', 'empty' and 'too_many'.")
def instances_shape(sub):
    one = {"tenure_months": 1, "monthly_spend": 1}
    assert _errors(sub.call("handle_request", json.dumps({"instances": one}))) == {("instances", "type")}
    assert _errors(sub.call("handle_request", _request([]))) == {("instances", "empty")}
    assert _errors(sub.call("handle_request", _request([one] * 101))) == {("instances", "too_many")}
    _ok(sub.call("handle_request", _request([one] * 100)), [one] * 100)


@check(id="invalid-json", kind="edge", message="A body that is not JSON (or not UTF-8) gets code 'invalid_json' on "
       "field ''; JSON that is not an object gets code 'type' on field ''.")
def invalid_json(sub):
    for body in ("{instances: [}", "", "{\"instances\": [1,"):
        assert _errors(sub.call("handle_request", body)) == {("", "invalid_json")}
    assert _errors(sub.harness("handle_bytes", [0xFF, 0xFE, ord("{")])) == {("", "invalid_json")}
    for body in ("[1, 2]", "42", "null", '"text"'):
        assert _errors(sub.call("handle_request", body)) == {("", "type")}


@check(id="malformed-never-raises", kind="behaviour", message="handle_request must never raise: any malformed "
       "input gets an error response with ok=false.")
def malformed_never_raises(sub):
    bodies = [None, 42, 3.5, [], ["instances"], "{" * 5000 + "}" * 5000, "[" * 100_000, {"instances": [None]},
              {"instances": [[1, 2]]}, {"instances": "all"}, {"instances": [{"tenure_months": {}}]},
              {"instances": [{"plan": ["pro"], "tenure_months": 1, "monthly_spend": 1}]}, {1: 2}]
    for body in bodies:
        response = sub.call("handle_request", body)
        assert isinstance(response, dict) and response.get("ok") is False
    response = sub.harness("handle_bytes", [])
    assert isinstance(response, dict) and response.get("ok") is False


@check(id="idempotent-and-pure", kind="behaviour", message="The same request must always get the same response, "
       "and a parsed request must not be modified (no defaults written into it, no ids invented).")
def idempotent_and_pure(sub):
    request = {"instances": [{"tenure_months": 2, "monthly_spend": 70}, {"tenure_months": 9, "monthly_spend": 5}]}
    first = sub.call_full("handle_request", request)
    assert first.args[0] == request
    second = sub.call("handle_request", json.dumps(request))
    assert first.value == second and first.value == sub.call("handle_request", json.dumps(request))


@check(id="response-is-json", kind="behaviour", message="Responses must be plain JSON: Python str, int, float, "
       "bool, list, dict and None only (no NumPy scalars, no NaN), labels as integers 0/1.")
def response_is_json(sub):
    instances = _instances()
    for body in (_request(instances), _request([{"tenure_months": -1}]), "oops"):
        text = sub.harness("as_json", body)
        assert isinstance(text, str)
        response = json.loads(text)
        assert isinstance(response, dict) and isinstance(response.get("ok"), bool)
    _ok(json.loads(sub.harness("as_json", _request(instances))), instances)


@check(id="random-requests", kind="property", message="For any batch of valid instances and threshold, the "
       "response must hold each instance's score and thresholded label, in order.")
def random_requests(sub):
    number = st.one_of(st.integers(0, 500), st.floats(0, 500, allow_nan=False, allow_infinity=False))
    instance = st.fixed_dictionaries(
        {"tenure_months": number, "monthly_spend": number},
        optional={"plan": st.sampled_from(list(MODEL["plan_coef"])), "support_tickets": st.integers(0, 20)},
    )

    @PROPERTY
    @given(st.lists(instance, min_size=1, max_size=20), st.floats(0, 1))
    def holds(instances, threshold):
        _ok(sub.call("handle_request", _request(instances, threshold=threshold)), instances, threshold)

    holds()
