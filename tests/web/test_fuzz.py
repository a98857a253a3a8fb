"""The JSON API fuzzed from its own OpenAPI document against a local server: no input makes it fail with a 5xx,
and every response (status, content type and body) is one the document describes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from mlscreen.bank import Bank
from mlscreen.store.accounts import open_session
from mlscreen.store.models import User
from tests.web.conftest import World
from tests.web.served import served

EXAMPLES_PER_OPERATION = 25
# Signing out would end the session the fuzzer authenticates with.
SKIP = {("DELETE", "/api/v1/session")}


@pytest.fixture
def live(world: World) -> Iterator[str]:
    with served(world.app) as base:
        yield base


@pytest.mark.slow
def test_api_never_answers_5xx(world: World, live: str, bank: Bank, tmp_path: Path) -> None:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.core.result import Ok
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    with world.db.session() as s:
        token = open_session(s, s.get_one(User, world.users["admin"])).token
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live}/openapi.json")
    failures: list[str] = []
    undescribed: list[str] = []
    calls: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=headers, timeout=30)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except (Failure, FailureGroup) as exc:
                undescribed.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {str(exc)[:600]}")

        run()
    assert operations >= 20 and len(calls) >= 5 * operations
    assert any(code < 300 for code in calls), "the fuzzer never got past validation"
    assert failures == []
    assert undescribed == []
