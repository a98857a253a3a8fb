"""In Chromium: a candidate types, pastes from outside, leaves and comes back, runs the examples and submits; the
staff replay shows each of those events and ends exactly at the submitted code.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.integrity.replay import replay, same_code
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Invite, Recording, Submission
from mlscreen.store.openings import create_opening
from mlscreen.store.recordings import events_of
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.served import free_port, served

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "replay"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "replay test password 42"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture
def site(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'replay.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=0, key="replay-test-key", base_url=f"http://127.0.0.1:{port}")
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        s.flush()
        person = add_candidate(s, opening, name="Casey Candidate", email="casey@example.net")
        s.flush()
        position = next(st.position for st in opening.stages if st.kind == "coding")
        made = create_invite(s, bank, person, position=position, actor=hm)
        ids = {"candidate": person.id, "invite": made.invite.id, "token": made.token}
        exercise = made.invite.exercise_id
    assert exercise is not None
    try:
        with served(app, port) as base:
            yield {"base": base, "db": db, "exercise": exercise, **ids}
    finally:
        close_grader_pool()
        db.dispose()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def candidate_session(browser: Any, site: dict[str, Any], pasted: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["base"])
    page = context.new_page()
    page.goto(f"{site['base']}/assess/{site['token']}")
    assert "How your code was written" in page.inner_text("#recording-notice")
    page.click("#start-assessment")
    page.wait_for_selector(".cm-editor")
    # Headless Chromium tells every tab it has the focus; without that emulation, switching tabs blurs the page
    # as a desktop browser does (headless tabs always report themselves visible, so the blur is what is seen).
    context.new_cdp_session(page).send("Emulation.setFocusEmulationEnabled", {"enabled": False})
    # Type at the end of the starter code.
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nimport numpy as np\n")
    # Copy a line inside the editor and paste it: a paste, but not from outside.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.press("Control+C")
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+V")
    page.keyboard.press("Enter")
    # Another tab puts text on the clipboard (text from outside the editor), then the candidate comes back.
    other = context.new_page()
    other.goto(f"{site['base']}/login")
    other.bring_to_front()
    other.evaluate("text => navigator.clipboard.writeText(text)", pasted)
    page.wait_for_timeout(300)
    page.bring_to_front()
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+V")
    page.wait_for_function("() => window.mlscreenEditor.state.doc.toString().includes('pasted-from-notes')")
    # Run the examples; the run and its outcome are recorded.
    page.click("#run-examples")
    page.wait_for_selector(".examples-summary, #examples .error", timeout=60000)
    page.wait_for_function("() => window.mlscreenRecorder.pending.some(e => e.k === 'run')")
    page.keyboard.type("\n# done\n")
    page.wait_for_selector("#saved:has-text('saved')", timeout=15000)
    shot(page, "01-candidate-editor")
    page.check("#confirm-submit")
    page.click("#submit-assessment")
    page.wait_for_selector("text=your work was submitted")
    shot(page, "02-candidate-submitted")
    context.close()


def staff_replay(browser: Any, site: dict[str, Any], submitted: str) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{site['base']}/login")
    page.fill("input[name=email]", "hm@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Dashboard')")
    page.goto(f"{site['base']}/candidates/{site['candidate']}")
    assert "Pasted from outside the editor" in page.inner_text(f"#integrity-{site['submission']}")
    shot(page, "03-candidate-signals")
    page.click(f"#integrity-{site['submission']} a.replay-link")
    page.wait_for_selector("#replay-timeline li")
    kinds = set(page.eval_on_selector_all("#replay-timeline li", "items => items.map(li => li.dataset.kind)"))
    assert {"load", "paste", "paste-outside", "away", "back", "run", "submit"} <= kinds, kinds
    shot(page, "04-replay-start")
    # Jump to the paste: the code there holds the pasted text; then play to the end at 16x.
    page.click("#replay-timeline li[data-kind=paste-outside] button")
    assert pasted_marker(page)
    page.select_option("#replay-speed", "16")
    page.click("#replay-timeline li[data-kind=submit] button")
    page.wait_for_selector("#replay-end:not([hidden])")
    assert page.inner_text("#replay-end") == "End of the recording: this is exactly the submitted code."
    assert page.evaluate("() => document.getElementById('replay-code').textContent") == submitted.replace("\r\n", "\n")
    shot(page, "05-replay-end")
    # The scrubber back at the start shows the starter code, and Play runs forward again.
    page.eval_on_selector("#replay-scrubber", "s => { s.value = '0'; s.dispatchEvent(new Event('input')); }")
    assert "import numpy as np" not in page.inner_text("#replay-code") and not pasted_marker(page)
    page.click("#replay-play")
    page.wait_for_selector("#replay-end:not([hidden])", timeout=60000)
    page.context.close()


def pasted_marker(page: Any) -> bool:
    return "pasted-from-notes" in str(page.evaluate("() => document.getElementById('replay-code').textContent"))


def test_replay_of_a_real_session(site: dict[str, Any], bank: Bank) -> None:
    from playwright.sync_api import sync_playwright

    pasted = bank.exercise_source(site["exercise"], "reference") + "\n# pasted-from-notes\n"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            candidate_session(browser, site, pasted)
            with site["db"].session() as s:
                submission = s.scalars(select(Submission)).one()
                invite = s.get_one(Invite, site["invite"])
                rec = s.scalars(select(Recording).where(Recording.invite_id == invite.id)).one()
                events = events_of(s, rec)
                site["submission"] = submission.id
                submitted = submission.source
            # The server-side replay of the browser's recording gives exactly the submitted code.
            assert same_code(replay(events), submitted)
            assert [e["s"] for e in events] == list(range(1, len(events) + 1))
            staff_replay(browser, site, submitted)
        finally:
            browser.close()
