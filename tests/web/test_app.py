"""Sign-in, cookies, CSRF, limits and the error handler."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from mlscreen.web.security import SESSION_COOKIE
from tests.web.conftest import PASSWORD, World


def sign_in(client: TestClient, email: str, password: str) -> object:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})


def test_sign_in_sets_a_hardened_cookie_and_sign_out_ends_it(world: World) -> None:
    client = TestClient(world.app, follow_redirects=False)
    assert client.get("/").headers["location"] == "/login?next=/"
    response = sign_in(client, "hm@example.org", PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Dashboard" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    assert client.post("/logout").status_code == 403  # no CSRF token: refused
    assert client.post("/logout", data={"csrf_token": csrf.group(1)}).status_code == 303
    assert client.get("/").status_code == 303


def test_secure_cookies_can_be_required(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_SECURE_COOKIES", "1")
    world = make_world()
    response = TestClient(world.app).post("/api/v1/session", json={"email": "hm@example.org", "password": PASSWORD})
    assert "Secure" in response.headers["set-cookie"]


def test_sign_in_without_the_form_token_is_refused(world: World) -> None:
    client = TestClient(world.app)
    response = client.post("/login", data={"email": "hm@example.org", "password": PASSWORD})
    assert response.status_code == 403 and "sign-in form expired" in response.text


def test_sign_in_is_rate_limited_over_http(world: World) -> None:
    client = TestClient(world.app)
    for _ in range(5):
        assert sign_in(client, "hm@example.org", "wrong password!").status_code == 401  # type: ignore[attr-defined]
    blocked = sign_in(client, "hm@example.org", PASSWORD)
    assert blocked.status_code == 429 and "too many failed sign-ins" in blocked.text  # type: ignore[attr-defined]


def test_cookie_api_writes_need_the_csrf_header_and_bearer_ones_do_not(world: World) -> None:
    client = TestClient(world.app)
    session = client.post("/api/v1/session", json={"email": "hm@example.org", "password": PASSWORD}).json()
    body = {"title": "Role", "profile_id": "ml-engineer"}
    refused = client.post("/api/v1/openings", json=body)
    assert refused.status_code == 403 and refused.json()["error"].startswith("the form's security token")
    assert (
        client.post("/api/v1/openings", json=body, headers={"X-CSRF-Token": session["csrf_token"]}).status_code == 201
    )
    bearer = TestClient(world.app)
    made = bearer.post("/api/v1/openings", json=body, headers={"Authorization": f"Bearer {session['token']}"})
    assert made.status_code == 201
    assert bearer.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_errors_are_clear_json_or_html_without_tracebacks(world: World) -> None:
    hm = world.client("hm")
    missing = hm.api("GET", "/api/v1/candidates/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "no such candidate"
    invalid = hm.api("POST", "/api/v1/openings", {"title": "", "profile_id": "ml-engineer", "extra": 1})
    assert invalid.status_code == 422
    assert any("title" in e for e in invalid.json()["errors"]) and any("extra" in e for e in invalid.json()["errors"])
    unknown = hm.api("POST", "/api/v1/openings", {"title": "T", "profile_id": "no-such-profile"})
    assert unknown.status_code == 404 and "hint" in unknown.json()
    page = hm.get("/candidates/999999")
    assert page.status_code == 404 and "<html" in page.text and "Traceback" not in page.text


def test_oversized_bodies_are_refused_and_nothing_is_written(world: World) -> None:
    rec = world.client("recruiter")
    big = b"name,email\n" + b"x" * (1100 * 1024)
    response = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", big, "text/csv")})
    assert response.status_code == 413
    assert len(rec.api("GET", f"/api/v1/openings/{world.opening}/candidates").json()) == 1


def test_healthz(make_world: Callable[..., World]) -> None:
    world = make_world(workers=1)
    with TestClient(world.app) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json() == {"ok": True, "database": True, "workers": True}
    # Once the workers have stopped, the check says so.
    stopped = TestClient(world.app).get("/healthz")
    assert stopped.status_code == 503 and stopped.json()["workers"] is False


def test_an_unexpected_failure_is_a_plain_500_and_logs_no_token(world: World, caplog: pytest.LogCaptureFixture) -> None:
    with world.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE written_answers")
        conn.exec_driver_sql("DROP TABLE submissions")
    page = world.client("hm", raise_server_exceptions=False).get(f"/candidates/{world.candidate}")
    assert page.status_code == 500
    assert "something went wrong on our side" in page.text and "Traceback" not in page.text
    assert "written_answers" not in page.text
    response = TestClient(world.app, raise_server_exceptions=False).get(f"/assess/{world.token}")
    assert response.status_code == 500
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/assess/<token>" in logged and world.token not in logged
