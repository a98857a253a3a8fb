"""Candidates' links are built from MLSCREEN_BASE_URL, never from the Host header a request brings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mlscreen.errors import UsageError
from mlscreen.web.app import create_app
from tests.web.conftest import World

BASE = "https://screening.example.org"


@pytest.fixture
def based_world(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("MLSCREEN_BASE_URL", BASE + "/")
    return make_world()


def test_api_links_ignore_a_forged_host_header(based_world: World) -> None:
    client = based_world.client("hm")
    made = client.http.post(
        f"/api/v1/candidates/{based_world.candidate}/invites",
        json={"position": 1},
        headers={"X-CSRF-Token": client.csrf, "Host": "attacker.example", "X-Forwarded-Host": "attacker.example"},
    )
    assert made.status_code == 201, made.text
    assert re.fullmatch(rf"{re.escape(BASE)}/assess/[A-Za-z0-9_-]+", made.json()["link"])


def test_page_links_ignore_a_forged_host_header(based_world: World) -> None:
    client = based_world.client("hm")
    page = client.form(
        f"/candidates/{based_world.candidate}/invites", {"position": "1"}, headers={"Host": "attacker.example"}
    )
    assert page.status_code == 200, page.text
    link = re.search(r'id="invite-link" value="([^"]+)"', page.text)
    assert link is not None and link.group(1).startswith(f"{BASE}/assess/")
    assert "attacker.example" not in page.text


def test_the_app_refuses_to_start_without_a_base_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MLSCREEN_BASE_URL")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    with pytest.raises(UsageError, match="MLSCREEN_BASE_URL is not set") as caught:
        create_app(workers=0)
    assert caught.value.hint is not None and "--demo" in caught.value.hint
    assert not (tmp_path / "mlscreen.db").exists()  # refused before anything was created


def test_serve_without_a_base_url_or_demo_refuses_with_a_hint(
    run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MLSCREEN_BASE_URL")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    result = run_cli("serve", "--port", "1")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "MLSCREEN_BASE_URL is not set" in result.stderr  # type: ignore[attr-defined]
    assert "MLSCREEN_BASE_URL=https://" in result.stderr  # type: ignore[attr-defined]


def test_a_bad_base_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_BASE_URL", "screening.example.org")
    with pytest.raises(UsageError, match="MLSCREEN_BASE_URL"):
        create_app(workers=0)
