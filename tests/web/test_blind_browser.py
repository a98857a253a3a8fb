"""Blind review in a real Chromium: the hiring manager turns it on, the interviewer sees a pseudonym, then a reveal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user
from mlscreen.store.blind import pseudonym
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.models import utcnow
from mlscreen.store.openings import add_member, create_opening
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.served import free_port, served
from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS, PASSWORD, csp_violations, sign_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NAME = "Wilhelmina Drax"


@pytest.fixture
def server(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int, str]]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'blind.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=0, key="blind-test-key", base_url=f"http://127.0.0.1:{port}")
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        iv = create_user(s, email="one@example.org", name="Ines One", role="interviewer", password=PASSWORD)
        opening = create_opening(s, bank, title="ML Engineer, Search", profile_id="ml-engineer", actor=hm)
        add_member(s, opening, iv.id)
        cand = add_candidate(s, opening, name=NAME, email="w.drax@example.net")
        assign_interviewer(s, cand, position=2, interviewer_id=iv.id, scheduled_at=utcnow() + timedelta(days=1))
        ids = (opening.id, cand.id)
    try:
        with served(app, port) as base:
            yield base, ids[0], pseudonym(ids[1], app.state.pseudonym_key)
    finally:
        db.dispose()


def test_blind_review_from_the_opening_page_to_the_reveal(server: tuple[str, int, str]) -> None:
    from playwright.sync_api import sync_playwright

    base, opening_id, alias = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        console = watch_console(browser)
        try:
            hm = sign_in(browser, base, "hm@example.org")
            hm.goto(f"{base}/openings/{opening_id}")
            hm.check("input[name=blind_review]")
            hm.click("#blind-review button:has-text('Save')")
            hm.wait_for_selector("#blind-review .notice:has-text('Blind review is on')")
            assert NAME in hm.inner_text("#candidates")  # the hiring manager still sees who it is

            interviewer = sign_in(browser, base, "one@example.org")
            assert alias in interviewer.inner_text("#upcoming") and NAME not in interviewer.content()
            interviewer.click(f"#upcoming a:has-text('{alias}')")
            interviewer.wait_for_selector("#blind-note")
            assert interviewer.inner_text("h1") == alias and "w.drax" not in interviewer.content()

            hm.click(f"#candidates a:has-text('{NAME}')")
            assert alias in hm.inner_text("#pseudonym")
            hm.fill("#reveal input[name=reason]", "before the offer call")
            hm.click("#reveal button")
            hm.wait_for_selector("#pseudonym:has-text('revealed')")

            interviewer.reload()
            assert interviewer.inner_text("h1") == NAME and "w.drax@example.net" in interviewer.content()
            assert csp_violations(console) == [], csp_violations(console)
        finally:
            browser.close()
