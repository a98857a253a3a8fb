"""The e-mail loop in a real Chromium: a recruiter invites, the candidate opens the link from the e-mail the SMTP
server received, starts, submits, and the confirmation arrives at the server."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlscreen.bank import Bank
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.openings import add_member, create_opening
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.mail.conftest import SmtpServer, smtp_server
from tests.web.served import free_port, served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["smtp_server"]
pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser-mail"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
PASSWORD = "browser mail test password"
CANDIDATE = "casey@example.net"


@pytest.fixture
def server(bank: Bank, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the app for real, its mail going to the test's SMTP server; a recruiter with one candidate."""
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url(auth=True))
    monkeypatch.setenv("MLSCREEN_MAIL_FROM", "Hiring <hiring@example.org>")
    db = Database(f"sqlite:///{tmp_path / 'mail-browser.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=1, key="browser-mail-key", base_url=f"http://127.0.0.1:{port}")
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        recruiter = create_user(s, email="rita@example.org", name="Rita Recruiter", role="recruiter", password=PASSWORD)
        opening = create_opening(s, bank, title="ML Engineer, Ranking", profile_id="ml-engineer", actor=hm)
        add_member(s, opening, recruiter.id)
        add_candidate(s, opening, name="Casey Candidate", email=CANDIDATE)
    try:
        with served(app, port) as base:
            yield base
    finally:
        close_grader_pool()
        db.dispose()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_message(box: SmtpServer, found: Callable[[EmailMessage], bool], *, seconds: float = 90) -> EmailMessage:
    """Return the first message the SMTP server received that `found` accepts, waiting for the outbox's job."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in list(box.received):
            if found(message):
                return message
        time.sleep(0.2)
    raise AssertionError(f"no such message arrived; received: {[str(m['Subject']) for m in box.received]}")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def sign_in(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Dashboard')")
    return page


def test_invite_open_the_emailed_link_start_submit_and_receive_the_confirmation(
    server: str, smtp_server: SmtpServer
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            run(browser, server, smtp_server)
        finally:
            browser.close()


def run(browser: Browser, base: str, box: SmtpServer) -> None:
    recruiter = sign_in(browser, base, "rita@example.org")
    recruiter.click("a:has-text('Openings')")
    recruiter.click("a:has-text('ML Engineer, Ranking')")
    recruiter.click("a:has-text('Casey Candidate')")
    recruiter.wait_for_selector("h1:has-text('Casey Candidate')")
    recruiter.select_option("form[action$='/invites'] select[name=position]", label="Coding assessment")
    recruiter.click("button:has-text('Create link')")
    recruiter.wait_for_selector("#invite-link")
    shot(recruiter, "01-recruiter-invited")

    invitation = wait_for_message(box, lambda m: str(m["To"]) == CANDIDATE)
    assert str(invitation["From"]) == "Hiring <hiring@example.org>"
    body = text_of(invitation)
    assert "What is recorded" in body and "What is automated" in body
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1 and links[0].startswith(f"{base}/assess/")
    assert links[0] == recruiter.input_value("#invite-link")  # the e-mail carries the link the page showed once

    candidate = browser.new_context().new_page()
    candidate.goto(links[0])
    assert "What is recorded" in candidate.inner_text("#start-page")
    shot(candidate, "02-candidate-opened-the-emailed-link")
    candidate.click("#start-assessment")
    candidate.wait_for_selector(".cm-editor")
    shot(candidate, "03-candidate-started")
    candidate.check("#confirm-submit")
    candidate.click("#submit-assessment")
    candidate.wait_for_selector("text=your work was submitted", timeout=60000)
    shot(candidate, "04-candidate-submitted")

    confirmation = wait_for_message(box, lambda m: str(m["To"]) == CANDIDATE and m is not invitation)
    assert confirmation["Message-ID"] != invitation["Message-ID"]
    assert "has arrived" in text_of(confirmation)
    assert "we received your" in str(confirmation["Subject"])
    assert [str(m["To"]) for m in box.received].count(CANDIDATE) == 2  # each message once
    account(browser, recruiter, base)


def account(browser: Browser, page: Page, base: str) -> None:
    """The account page, reached from the name in the header: a zone, then a feed address that opens signed out."""
    page.click("header a.who")
    page.wait_for_selector("h1:has-text('Your account')")
    page.fill("input[name=timezone]", "Europe/Pariss")
    page.click("form[action$='/timezone'] button")
    assert "unknown time zone" in page.inner_text("[role=alert]")
    page.fill("input[name=timezone]", "Europe/Paris")
    page.click("form[action$='/timezone'] button")
    page.wait_for_selector("#current-zone:has-text('Europe/Paris')")
    page.click("button:has-text('Make a feed address')")
    address = page.input_value("#feed-url")
    shot(page, "05-account-zone-and-feed")
    feed = browser.new_context().request.get(address)  # a calendar app: no session
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text()
