"""Similar submissions in a real Chromium: the job runs, the page shows both codes with the shared lines marked."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlscreen.bank import Bank, Exercise
from mlscreen.integrity.variants import disguises
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.openings import create_opening
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.served import free_port, served
from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS, PASSWORD, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]


@pytest.fixture
def server(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """Serve an opening whose two candidates submitted the same code, disguised; yield (address, opening id)."""
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'browser.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=1, key="browser-test-key", base_url=f"http://127.0.0.1:{port}")
    try:
        with served(app, port) as base:
            with db.session() as s:
                hm = create_user(
                    s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD
                )
                opening = create_opening(s, bank, title="ML engineer", profile_id="ml-engineer", actor=hm)
                s.flush()
                exercises = {e.id for e in bank.items(Exercise)}
                coding = next(i for i, st in enumerate(opening.stages) if set(st.question_ids) & exercises)
                for n, name in enumerate(("Ada Original", "Bo Copy")):
                    cand = add_candidate(s, opening, name=name, email=f"c{n}@example.org")
                    s.flush()
                    invite = create_invite(s, bank, cand, position=coding).invite
                    exercise = invite.exercise_id
                    assert exercise is not None
                    reference = bank.sidecar(exercise, bank.get(exercise, Exercise).reference).read_text()
                    code = reference if n == 0 else disguises(reference, seed=4)["L3-reordered"]
                    start(invite)
                    submit(s, app.state.queue, invite, code=code, answers={}, confirmed=True)
                opening_id = opening.id
            yield base, opening_id
    finally:
        close_grader_pool()
        db.dispose()


def test_a_manager_reads_a_similar_pair_side_by_side(server: tuple[str, int]) -> None:
    from playwright.sync_api import sync_playwright

    base, opening_id = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = sign_in(browser, base, "hm@example.org")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/openings/{opening_id}")
        page.click("a:has-text('Similar submissions')")
        deadline = time.monotonic() + 60
        while page.locator(".similar-item").count() < 3 and time.monotonic() < deadline:  # the jobs run meanwhile
            time.sleep(0.5)
            page.reload()
        # Bo's copy ~ Ada's original, and each of them ~ the exercise's reference.
        assert page.locator(".similar-item").count() == 3
        pair = page.locator(".similar-item", has_text="Bo Copy").filter(has_text="Ada Original")
        pair.locator("summary").click()
        shared = pair.locator(".side-by-side .code-lines span.shared")
        assert shared.count() > 5 and shared.first.is_visible()
        colour = shared.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(255, 241, 184)"  # the stylesheet applies: no inline style needed under the CSP
        assert "Advice, not a verdict" in page.content()
        shot(page, "similar-submissions")
        assert not errors, errors
        browser.close()
