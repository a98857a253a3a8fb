"""Security headers on every response: pages, JSON, static files, redirects and errors alike."""

from __future__ import annotations

import httpx2

from mlscreen.web.headers import CONTENT_SECURITY_POLICY
from tests.web.conftest import World

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_hardened(response: httpx2.Response) -> None:
    csp = response.headers.get("content-security-policy", "")
    directives = {d.strip().partition(" ")[0]: d.strip().partition(" ")[2] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == "'self'", csp  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives.get("frame-ancestors") == "'none'", csp
    assert directives.get("default-src") == "'self'", csp
    assert "unsafe" not in directives.get("script-src", "") + directives.get("default-src", "")
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code, response.request.url)


def test_the_policy_has_no_inline_script() -> None:
    script = [d for d in CONTENT_SECURITY_POLICY.split(";") if d.strip().startswith(("script-src", "default-src"))]
    assert len(script) == 2 and all("unsafe" not in d for d in script)


CASES = [
    ("hm", "GET", "/", 200),
    ("hm", "GET", "/api/v1/openings", 200),
    (None, "GET", "/static/app.css", 200),
    (None, "GET", "/static/editor.js", 200),
    (None, "GET", "/healthz", 200),
    (None, "GET", "/", 303),
    ("hm", "GET", "/no-such-page", 404),
    ("hm", "GET", "/api/v1/no-such-thing", 404),
    ("hm", "POST", "/logout", 403),
    ("hm", "GET", "/openings/abc", 404),
]


def test_every_kind_of_response_is_hardened(world: World) -> None:
    for who, method, path, status in CASES:
        response = world.client(who).http.request(method, path)
        assert response.status_code == status, (method, path)
        assert_hardened(response)
    assert_hardened(world.client(None).get(f"/assess/{world.token}"))
    too_big = world.client("hm").http.post("/login", content=b"x" * (2 << 20), headers={"content-type": "text/plain"})
    assert too_big.status_code == 413
    assert_hardened(too_big)


def test_unexpected_errors_are_hardened(world: World) -> None:
    with world.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE submissions")
    response = world.client("hm", raise_server_exceptions=False).get(f"/candidates/{world.candidate}")
    assert response.status_code == 500
    assert_hardened(response)
