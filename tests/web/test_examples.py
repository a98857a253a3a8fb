"""The portal's "Run examples": visible examples run in the real sandbox, refused after the deadline, rate-limited."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.errors import RateLimitError
from mlscreen.grader.pool import MAX_SOURCE_BYTES as MAX_SOURCE
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import token_hash
from mlscreen.store.models import Invite, utcnow
from mlscreen.web.routes.examples import RunLimiter
from tests.conftest import require_service
from tests.web.conftest import World


@pytest.fixture
def sandboxed(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    yield make_world()
    close_grader_pool()


def opened(world: World, client: TestClient) -> tuple[str, str]:
    """Open the world's assessment link and start it; return its CSRF token and exercise id."""
    csrf = str(world.app.state.cookies.portal_csrf(token_hash(world.token)))
    assert client.post(f"/assess/{world.token}/start", data={"csrf_token": csrf}).status_code == 200
    assert client.get(f"/assess/{world.token}").status_code == 200
    with world.db.session() as s:
        invite = s.scalar(select(Invite).where(Invite.token_hash == token_hash(world.token)))
        assert invite is not None and invite.exercise_id is not None
        exercise = invite.exercise_id
    return str(world.app.state.cookies.portal_csrf(token_hash(world.token))), exercise


def run(client: TestClient, world: World, csrf: str, code: str) -> tuple[int, str]:
    response = client.post(f"/assess/{world.token}/examples", data={"csrf_token": csrf, "code": code})
    return response.status_code, response.text


@pytest.mark.sandbox
@pytest.mark.slow
def test_examples_run_in_the_sandbox_and_results_are_escaped(sandboxed: World) -> None:
    world = sandboxed
    bank = world.app.state.bank
    client = TestClient(world.app)
    csrf, exercise = opened(world, client)
    page = client.get(f"/assess/{world.token}").text
    assert 'id="run-examples"' in page and f'hx-post="/assess/{world.token}/examples"' in page
    count = len(bank.get(exercise).visible_examples)
    assert count > 0

    status, text = run(client, world, csrf, bank.exercise_source(exercise, "reference"))
    assert status == 200, text
    assert f"{count} of {count} examples match" in text

    noisy = 'print("<script>alert(1)</script>")\n' + bank.exercise_source(exercise, "starter")
    status, text = run(client, world, csrf, noisy)
    assert status == 200, text
    assert "✗ differs" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    status, text = run(client, world, csrf, "def broken(:\n")
    assert status == 200 and f"0 of {count} examples match" in text

    world.app.state.example_runs = RunLimiter(per_window=1)
    assert run(client, world, csrf, "x = 1\n")[0] == 200
    status, text = run(client, world, csrf, "x = 1\n")
    assert status == 429 and "times a minute" in text


def test_refused_without_csrf_without_code_and_after_the_deadline(world: World) -> None:
    client = TestClient(world.app)
    csrf, _ = opened(world, client)
    assert client.post(f"/assess/{world.token}/examples", data={"code": "x = 1\n"}).status_code == 403
    status, text = run(client, world, csrf, "   \n")
    assert status == 422 and "no code to run" in text
    with world.db.session() as s:
        invite = s.scalar(select(Invite).where(Invite.token_hash == token_hash(world.token)))
        assert invite is not None and invite.started_at is not None
        invite.started_at = utcnow() - timedelta(minutes=invite.minutes) - world.app.state.grace - timedelta(seconds=5)
    status, text = run(client, world, csrf, "x = 1\n")
    assert status == 409 and "time is up" in text


def test_code_over_the_submission_limit_is_refused_by_run_autosave_and_submit_alike(world: World) -> None:
    client = TestClient(world.app)
    csrf, _ = opened(world, client)
    big = "x = 1\n" + "#" * MAX_SOURCE
    answers = []
    for action in ("examples", "draft", "submit"):
        response = client.post(f"/assess/{world.token}/{action}", data={"csrf_token": csrf, "code": big})
        answers.append((response.status_code, f"larger than {MAX_SOURCE // 1000} kB" in response.text))
    assert answers == [(413, True)] * 3
    with world.db.session() as s:
        invite = s.scalar(select(Invite).where(Invite.token_hash == token_hash(world.token)))
        assert invite is not None and invite.submitted_at is None and invite.draft_code is None


def test_the_limiter_allows_one_run_at_a_time_and_a_few_a_minute() -> None:
    limiter = RunLimiter(per_window=2, window=60)
    limiter.acquire(1)
    with pytest.raises(RateLimitError, match="still running"):
        limiter.acquire(1)
    limiter.acquire(2)  # another candidate is not held up
    limiter.release(1)
    limiter.acquire(1)
    limiter.release(1)
    with pytest.raises(RateLimitError, match="2 times a minute"):
        limiter.acquire(1)
