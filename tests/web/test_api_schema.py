"""/openapi.json describes every operation's responses, and a wrong method is answered 405 with `Allow`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import World

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "422", "429"}


def _operations(world: World) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    document = world.client(None).get("/openapi.json").json()
    return [
        (method.upper(), path, operation, document)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _schema(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_describes_its_success_response(world: World) -> None:
    operations = _operations(world)
    assert len(operations) >= 21
    undescribed = []
    for method, path, operation, document in operations:
        ok = [code for code in operation["responses"] if code.startswith("2")]
        assert len(ok) == 1, (method, path, ok)
        if ok[0] == "204":
            assert "content" not in operation["responses"]["204"], (method, path)
            continue
        schema = _schema(document, operation["responses"][ok[0]])
        # A response of several kinds (one of the reports) is described when every kind is.
        variants = [
            _schema(document, {"content": {"application/json": {"schema": v}}}) for v in schema.get("oneOf", [])
        ]
        for one in variants or [schema]:
            if not (one.get("properties") or one.get("items") or one.get("additionalProperties")):
                undescribed.append(f"{method} {path}")
    assert undescribed == []


def test_every_api_operation_describes_its_errors_in_the_one_error_shape(world: World) -> None:
    for method, path, operation, document in _operations(world):
        if not path.startswith("/api/v1"):
            continue
        assert set(operation["responses"]) >= ERROR_STATUSES, (method, path)
        for status in ERROR_STATUSES:
            schema = _schema(document, operation["responses"][status])
            assert set(schema["properties"]) == {"error", "status", "hint", "errors"}, (method, path, status)


def test_response_bodies_match_their_models(world: World) -> None:
    client = world.client("admin")
    for path in (
        "/api/v1/me",
        "/api/v1/profiles",
        f"/api/v1/openings/{world.opening}",
        f"/api/v1/candidates/{world.candidate}",
        f"/api/v1/candidates/{world.candidate}/packet",
        "/api/v1/audit",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
    packet = client.get(f"/api/v1/candidates/{world.candidate}/packet").json()
    assert packet["recommendation"] == "insufficient_evidence" and packet["coverage"] == 0
    assert packet["answers"] == [
        {
            "id": world.answer,
            "question": "q",
            "advice": {"suggested_level": 2},
            "final_level": None,
            "attempt": 1,
            "attempt_reason": None,
        }
    ]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/openings", "GET, POST"),
        ("DELETE", "/api/v1/me", "GET"),
        ("GET", "/api/v1/session", "DELETE, POST"),
        ("POST", "/healthz", "GET"),
    ],
)
def test_a_wrong_method_is_405_with_allow(world: World, method: str, path: str, allowed: str) -> None:
    response = world.client("admin").api(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json() == {"error": "method not allowed", "status": 405}
