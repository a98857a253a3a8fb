"""Logs: a request id on every line and response, an access log without tokens, tracebacks without data."""

from __future__ import annotations

import io
import logging
import re

import httpx
import pytest

from mlscreen.logs import FORMAT, RequestIdFilter, UtcFormatter
from tests.web.conftest import World
from tests.web.served import served


def test_an_unexpected_error_logs_where_but_never_what(world: World, caplog: pytest.LogCaptureFixture) -> None:
    with world.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE written_answers")
        conn.exec_driver_sql("DROP TABLE submissions")
    with caplog.at_level(logging.INFO), served(world.app) as base:
        response = httpx.get(f"{base}/assess/{world.token}/result?secret=query-value")
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    assert rid in response.text  # the person who saw the error can quote it
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # One record, from the application; the server logs nothing of its own (it used to log the whole traceback,
    # message included).
    assert [r.name for r in records] == ["mlscreen.web.errors"], [r.getMessage()[:200] for r in records]
    message = records[0].getMessage()
    assert "internal error on GET /assess/<token>/result" in message
    assert "OperationalError (message not logged)" in message
    assert re.search(r'File ".*/mlscreen/.*\.py", line \d+, in ', message)  # where it happened
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]  # the test's own client
    logged = "\n".join(r.getMessage() for r in ours)
    assert "no such table" not in logged and "written_answers" not in logged and "submissions" not in logged
    assert world.token not in logged and "query-value" not in logged
    assert getattr(records[0], "request_id", rid) == rid


def test_access_log_lines_carry_the_request_id_and_no_token(world: World) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(UtcFormatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    try:
        with served(world.app) as base:
            portal = httpx.get(f"{base}/assess/{world.token}?next=secret-in-query")
            missing = httpx.get(f"{base}/assess/{world.token}/no-such-page")
            health = httpx.get(f"{base}/healthz")
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    lines = stream.getvalue().splitlines()
    access = [ln for ln in lines if " mlscreen.access: " in ln]
    line_format = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO \[([0-9a-f]{16})\] mlscreen\.access: (.*)"
    parsed = [re.fullmatch(line_format, ln) for ln in access]
    assert all(parsed) and len(parsed) == 3, access
    ids = [m.group(1) for m in parsed if m]
    assert ids == [portal.headers["x-request-id"], missing.headers["x-request-id"], health.headers["x-request-id"]]
    rest = [m.group(2) for m in parsed if m]
    assert re.fullmatch(r"GET /assess/<token> 200 [\d.]+ms client=127\.0\.0\.1", rest[0])
    assert re.fullmatch(r"GET /assess/<token>/no-such-page 404 [\d.]+ms client=127\.0\.0\.1", rest[1])
    assert re.fullmatch(r"GET /healthz 200 [\d.]+ms client=127\.0\.0\.1", rest[2])
    everything = "\n".join(ln for ln in lines if " httpx: " not in ln)
    assert world.token not in everything and "secret-in-query" not in everything


def test_every_response_names_its_request(world: World) -> None:
    client = world.client(None, raise_server_exceptions=False)
    seen = set()
    for path in ("/login", "/healthz", "/static/app.css", "/no-such-page", "/api/v1/openings"):
        response = client.get(path)
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers.get("x-request-id", "")), path
        seen.add(response.headers["x-request-id"])
    assert len(seen) == 5
