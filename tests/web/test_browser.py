"""A whole hiring loop in a real Chromium: role, candidate, graded code, two scorecards, packet, decision."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from mlscreen.bank import Bank, Exercise
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Invite, Submission, utcnow
from mlscreen.store.openings import create_opening
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.served import free_port, served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser test password"
REPLACE_ALL = (
    "code => { const v = window.mlscreenEditor;"
    " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: code}}); }"
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture
def server(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    db = Database(f"sqlite:///{tmp_path / 'browser.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=1, key="browser-test-key", base_url=f"http://127.0.0.1:{port}")
    with db.session() as s:
        create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        create_user(s, email="one@example.org", name="Ines One", role="interviewer", password=PASSWORD)
        create_user(s, email="two@example.org", name="Ivan Two", role="interviewer", password=PASSWORD)
    try:
        with served(app, port) as base:
            yield base
    finally:
        close_grader_pool()
        db.dispose()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(browser: Browser, base: str, email: str) -> Page:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Dashboard')")
    return page


def fill_scorecard(page: Page, level: str, recommendation: str) -> None:
    for fieldset in page.query_selector_all("fieldset.rating"):
        radio, evidence = (
            fieldset.query_selector(f"input[type=radio][value='{level}']"),
            fieldset.query_selector("textarea"),
        )
        assert radio is not None and evidence is not None
        radio.check()
        evidence.fill(f"Concrete evidence for level {level}.")
    page.check(f"input[name=recommendation][value={recommendation}]")


def watch_console(browser: object) -> list[str]:
    """Collect the console messages and page errors of every context the browser opens from now on."""
    seen: list[str] = []
    original = browser.new_context  # type: ignore[attr-defined]

    def new_context(*args: object, **kwargs: object) -> object:
        context = original(*args, **kwargs)
        context.on("console", lambda m: seen.append(f"{m.text} [{m.page.url if m.page else ''} {m.location}]"))
        context.on("weberror", lambda error: seen.append(f"page error: {error.error}"))
        return context

    browser.new_context = new_context  # type: ignore[attr-defined]
    return seen


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or m.startswith("page error")]


def test_whole_loop(server: str, bank: Bank) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        console = watch_console(browser)
        try:
            run_loop(browser, server, bank)
            # Every page of the loop (sign-in, dashboard, openings, candidate, portal with its editor, kit,
            # scorecards, packet) ran under the Content-Security-Policy without a violation or a script error.
            assert csp_violations(console) == [], csp_violations(console)
            # The policy is enforced, and the watch would see a breach: an inline script is refused.
            page = sign_in(browser, server, "hm@example.org")
            for path in ("/openings", "/plan"):
                page.goto(f"{server}{path}")
            assert csp_violations(console) == [], csp_violations(console)
            page.evaluate(
                "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                " document.body.appendChild(s); }"
            )
            page.wait_for_timeout(200)
            assert page.evaluate("() => window.ran") is None
            assert any("inline script" in m for m in csp_violations(console)), console
        finally:
            browser.close()


def run_loop(browser: Browser, base: str, bank: Bank) -> None:
    hm = sign_in(browser, base, "hm@example.org")
    shot(hm, "01-dashboard")
    # Open a role from a profile.
    hm.goto(f"{base}/openings/new")
    hm.fill("input[name=title]", "ML Engineer, Search")
    hm.select_option("select[name=profile_id]", "ml-engineer")
    hm.click("button:has-text('Open the role')")
    hm.wait_for_selector("h2:has-text('Loop')")
    opening_url = hm.url
    for name in ("Ines One", "Ivan Two"):
        hm.select_option("select[name=user_id]", label=f"{name} (interviewer)")
        hm.click("button:has-text('Give access')")
        hm.wait_for_load_state()
    shot(hm, "02-opening")
    # Add a candidate.
    hm.fill("input[name=name]", "Casey Candidate")
    hm.fill("input[name=email][maxlength='254']", "casey@example.net")
    hm.click("button:has-text('Add')")
    hm.wait_for_selector("h1:has-text('Casey Candidate')")
    candidate_url = hm.url
    # Send the coding assessment.
    hm.select_option("form[action$='/invites'] select[name=position]", label="Coding assessment")
    hm.click("button:has-text('Create link')")
    link = hm.input_value("#invite-link")
    assert "/assess/" in link
    # The candidate writes code in the editor and submits; the grade appears without a reload.
    candidate = browser.new_context().new_page()
    candidate.goto(link)
    # Opening the link shows what is recorded and automated; only Start starts the clock.
    assert "What is recorded" in candidate.inner_text("#start-page")
    assert candidate.query_selector("#timer") is None and candidate.query_selector(".cm-editor") is None
    shot(candidate, "03-portal-start")
    candidate.click("#start-assessment")
    candidate.wait_for_selector(".cm-editor")
    assert candidate.evaluate("() => typeof window.mlscreenEditor") == "object"
    assert re.match(r"\d+:\d\d", candidate.inner_text("#timer"))
    exercise = re.search(r"<h2>([^<]+)</h2>", candidate.content())
    assert exercise is not None
    exercise_id = next(e.id for e in bank.items(Exercise) if e.title == exercise.group(1))
    source = bank.exercise_source(exercise_id, "reference")
    candidate.evaluate(REPLACE_ALL, source)
    candidate.wait_for_selector("#saved:has-text('saved')", timeout=15000)
    shot(candidate, "03-portal-editor")
    # Submitting without the confirmation is refused and keeps the code; with it, the attempt ends.
    candidate.click("#submit-assessment")
    candidate.wait_for_selector("#confirm-error")
    assert candidate.evaluate("() => window.mlscreenEditor.state.doc.toString()") == source
    candidate.check("#confirm-submit")
    candidate.click("#submit-assessment")
    candidate.wait_for_selector("text=Your code was checked", timeout=90000)
    assert "checks passed" in candidate.inner_text("#result")
    shot(candidate, "04-portal-graded")
    # Move to the ML knowledge interview and assign both interviewers.
    hm.goto(candidate_url)
    hm.select_option("form[action$='/stage'] select[name=position]", label="ML knowledge and applied reasoning")
    hm.click("button:has-text('Move')")
    hm.wait_for_load_state()
    for name in ("Ines One", "Ivan Two"):
        hm.select_option(
            "form[action$='/assignments'] select[name=position]", label="ML knowledge and applied reasoning"
        )
        hm.select_option("select[name=interviewer_id]", label=f"{name} (interviewer)")
        hm.click("button:has-text('Assign')")
        hm.wait_for_load_state()
    assert "passed" in hm.inner_text(".submission")
    shot(hm, "05-candidate")
    # Interviewer one submits; interviewer two cannot see it until submitting theirs.
    one = sign_in(browser, base, "one@example.org")
    one.click("#pending a")
    one.wait_for_selector("h2:has-text('Interview kit')")
    shot(one, "06-kit-and-scorecard")
    fill_scorecard(one, "4", "strong_yes")
    # Evidence of only spaces: the browser itself refuses to send the form.
    blank = one.query_selector("fieldset.rating textarea")
    assert blank is not None
    blank.fill("   ")
    kit_url = one.url
    one.click("button:has-text('Submit scorecard')")
    assert blank.evaluate("t => t.validity.valid") is False and one.url == kit_url
    blank.fill("Concrete evidence for level 4.")
    one.click("button:has-text('Submit scorecard')")
    one.wait_for_selector("h1:has-text('Casey Candidate')")
    two = sign_in(browser, base, "two@example.org")
    two.goto(candidate_url)
    assert two.query_selector("[data-interviewer='Ines One']") is None
    assert "stay hidden" in two.inner_text("#hidden-note")
    shot(two, "07-hidden-until-submitted")
    two.goto(candidate_url + "/stages/2/scorecard")
    fill_scorecard(two, "1", "no")
    two.click("button:has-text('Submit scorecard')")
    two.wait_for_selector("[data-interviewer='Ines One']")
    # The hiring manager reads the packet and decides.
    hm.goto(candidate_url + "/packet")
    assert hm.inner_text("#mechanical")
    assert "recommendation" in hm.inner_text(".disagreements")
    shot(hm, "08-packet")
    hm.check("input[name=outcome][value=hire]")
    hm.fill("textarea[name=rationale]", "Strong coding and solid knowledge; the disagreement was discussed.")
    hm.click("button:has-text('Record decision')")
    hm.wait_for_selector("#decision")
    assert "hire" in hm.inner_text("#decision")
    shot(hm, "09-decision")
    hm.goto(opening_url)
    assert "hired" in hm.inner_text("#candidates")


class Clock:
    """A server clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_time_up_in_the_portal(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'deadline.db'}")
    clock = Clock(utcnow())
    app = create_app(db=db, bank=bank, workers=0, key="browser-test-key", clock=clock)
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        token = create_invite(s, bank, add_candidate(s, opening, name="C", email="c@example.net"), position=1).token
    try:
        with served(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/assess/{token}")
            page.click("#start-assessment")
            page.wait_for_selector(".cm-editor")
            page.evaluate(REPLACE_ALL, "kept = True\n")
            page.wait_for_selector("#saved:has-text('saved')", timeout=15000)
            with db.session() as s:
                invite = s.scalar(select(Invite))
                assert invite is not None and invite.started_at is not None
                clock.now = invite.started_at + timedelta(minutes=invite.minutes) + app.state.grace
            page.evaluate(REPLACE_ALL, "too_late = True\n")  # the autosave is refused; the page reloads
            page.wait_for_selector("#time-up", timeout=15000)
            assert "Time is up" in page.inner_text("#time-up")
            assert page.query_selector("#assessment") is None
            shot(page, "05-portal-time-up")
            browser.close()
        with db.session() as s:
            assert [sub.source for sub in s.scalars(select(Submission))] == ["kept = True\n"]
    finally:
        db.dispose()
