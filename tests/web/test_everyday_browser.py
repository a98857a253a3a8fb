"""Everyday use in a real Chromium: flash messages, scorecard drafts, the candidates list, Markdown, the
candidate's console and own input, narrow screens (390 px) and axe-core on every main page."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.accounts import open_session
from mlscreen.store.assessments import create_invite
from mlscreen.store.models import Candidate, OpeningStage, ScorecardDraft, User
from tests.conftest import require_service
from tests.web.conftest import World
from tests.web.served import served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "everyday"
AXE = Path(__file__).with_name("axe.min.js")
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
NARROW: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def site(world: World) -> Iterator[tuple[World, str]]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    with served(world.app) as base:
        yield world, base


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def signed_in(browser: Browser, world: World, base: str, who: str, **options: Any) -> BrowserContext:
    """A browser context with a session of `who` (made in the store: signing in is tested elsewhere)."""
    with world.db.session() as s:
        token = open_session(s, s.get_one(User, world.users[who])).token
    signed = world.app.state.cookies._signer.sign(token).decode("ascii")
    context = browser.new_context(**options)
    context.add_cookies([{"name": "mlscreen_session", "value": signed, "url": base}])
    return context


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def widens(page: Page) -> int:
    """Return by how many pixels the page is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def too_wide(page: Page) -> list[str]:
    """Return the innermost elements that reach past the viewport's right edge (what to fix)."""
    found = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
             .slice(0, 5)
             .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))"""
    )
    return list(found)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page; return its serious and critical violations."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .filter(v => v.impact === "serious" || v.impact === "critical")
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )
    return list(found)


def stage_of_kind(world: World, kind: str) -> int:
    with world.db.session() as s:
        query = select(OpeningStage.position).where(OpeningStage.opening_id == world.opening, OpeningStage.kind == kind)
        found = s.scalar(query)
    assert found is not None
    return int(found)


def knowledge_link(world: World) -> str:
    """Return the token of a new assessment link for the candidate's knowledge stage (written answers)."""
    position = stage_of_kind(world, "knowledge")
    with world.db.session() as s:
        made = create_invite(s, world.app.state.bank, s.get_one(Candidate, world.candidate), position=position)
        return made.token


def staff_pages(world: World) -> dict[str, str]:
    app = world.app
    c, o = world.candidate, world.opening
    screen = stage_of_kind(world, "recruiter_screen")
    return {
        "dashboard": app.url_path_for("dashboard"),
        "openings": app.url_path_for("openings"),
        "opening": app.url_path_for("opening_page", opening_id=str(o)),
        "candidates": app.url_path_for("candidates_page"),
        "candidate": app.url_path_for("candidate_page", candidate_id=str(c)),
        "kit": app.url_path_for("scorecard_form", candidate_id=str(c), position="2"),
        "prescreen": app.url_path_for("prescreen_form", candidate_id=str(c), position=str(screen)),
        "packet": app.url_path_for("packet_page", candidate_id=str(c)),
        "users": app.url_path_for("users_page"),
        "reports": app.url_path_for("reports_page", name="funnel"),
        "audit": app.url_path_for("audit_page"),
        "outbox": app.url_path_for("outbox_page"),
        "plan": app.url_path_for("plan_form"),
        "jobs": app.url_path_for("jobs_page"),
        "privacy": app.url_path_for("privacy_page"),
    }


def check_page(page: Page, name: str) -> list[str]:
    problems = [f"{name}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in serious_violations(page)]
    extra = widens(page)
    if extra > 0:
        problems.append(f"{name}: {extra} px wider than 390 px, at {too_wide(page)}")
    shot(page, f"narrow-{name}")
    return problems


def test_every_main_page_fits_390_px_and_passes_axe(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    problems: list[str] = []
    context = signed_in(browser, world, base, "admin", viewport=NARROW, bypass_csp=True)  # axe is injected
    page = context.new_page()
    for name, path in staff_pages(world).items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (name, response.status if response else None)
        problems += check_page(page, name)
    context.close()
    candidate = browser.new_context(viewport=NARROW, bypass_csp=True)
    page = candidate.new_page()
    page.goto(f"{base}/assess/{world.token}")
    problems += check_page(page, "portal-start")
    page.click("#start-assessment")
    page.wait_for_selector("#assessment")
    page.wait_for_function("() => window.mlscreenEditor !== undefined")
    problems += check_page(page, "portal-assessment")
    knowledge = knowledge_link(world)
    page.goto(f"{base}/assess/{knowledge}")
    page.click("#start-assessment")
    page.wait_for_selector("textarea[name^='answer:']")
    problems += check_page(page, "portal-knowledge")
    candidate.close()
    assert problems == [], "\n".join(problems)


def test_a_flash_message_is_shown_once_and_announced(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    page = signed_in(browser, world, base, "hm").new_page()
    page.goto(f"{base}/openings/{world.opening}")
    page.fill("input[name=name]", "Flash Person")
    page.fill("input[name=email]", "flash@example.net")
    page.click("form:has(input[name=name]) button[type=submit]")
    flash = page.locator("#flash")
    assert flash.inner_text() == "Candidate added."
    assert page.locator(".flash-area").get_attribute("role") == "status"
    shot(page, "flash")
    page.reload()
    assert page.locator("#flash").count() == 0


def test_a_closed_tab_loses_no_scorecard_notes(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    context = signed_in(browser, world, base, "interviewer")
    page = context.new_page()
    kit = f"{base}/candidates/{world.candidate}/stages/2/scorecard"
    page.goto(kit)
    page.fill("textarea[name=notes]", "Strong on leakage; asked about time splits.")
    page.locator("input[name=recommendation][value=yes]").check()
    page.wait_for_function("() => document.getElementById('draft-status').textContent.startsWith('Draft saved')")
    page.close()  # the tab closes
    again = context.new_page()
    again.goto(kit)
    assert again.input_value("textarea[name=notes]") == "Strong on leakage; asked about time splits."
    assert again.locator("input[name=recommendation][value=yes]").is_checked()
    assert "restored" in again.inner_text("#draft-status")
    shot(again, "draft-restored")
    other = signed_in(browser, world, base, "interviewer2").new_page()
    other.goto(kit)
    assert other.input_value("textarea[name=notes]") == ""
    admin = signed_in(browser, world, base, "admin").new_page()
    for path in (kit, f"{base}/candidates/{world.candidate}", f"{base}/api/v1/candidates/{world.candidate}/scorecards"):
        admin.goto(path)
        assert "time splits" not in admin.content()


def test_typing_then_closing_at_once_is_saved_on_the_way_out(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    context = signed_in(browser, world, base, "interviewer")
    page = context.new_page()
    page.goto(f"{base}/candidates/{world.candidate}/stages/2/scorecard")
    page.fill("textarea[name=notes]", "Typed just before closing.")
    page.close(run_before_unload=True)  # no pause for the autosave: the page saves as it goes
    for _ in range(50):
        with world.db.session() as s:
            draft = s.scalars(select(ScorecardDraft)).first()
            if draft is not None:
                assert draft.fields["notes"] == ["Typed just before closing."]
                return
        time.sleep(0.1)
    raise AssertionError("the draft was not saved when the tab closed")


def test_the_candidates_list_filters_and_acts_in_bulk(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    page = signed_in(browser, world, base, "hm").new_page()
    for n in range(3):
        page.goto(f"{base}/openings/{world.opening}")
        page.fill("input[name=name]", f"Bulk {n}")
        page.fill("input[name=email]", f"bulk{n}@example.net")
        page.click("form:has(input[name=name]) button[type=submit]")
    page.goto(f"{base}/candidates")
    page.fill("input[name=q]", "bulk")
    page.select_option("select[name=sort]", "name")
    page.click("form.filters button[type=submit]")
    assert page.locator("#candidate-count").inner_text().startswith("3 candidate(s)")
    page.check("input[aria-label='Select Bulk 0']")
    page.check("input[aria-label='Select Bulk 1']")
    page.select_option("select[name=action]", "reject")
    page.fill("input[name=reason]", "the role is filled")
    page.click("fieldset.bulk button[type=submit]")
    assert page.locator("#flash").inner_text() == "2 candidate(s) rejected."
    assert "q=bulk" in page.url
    page.select_option("form.filters select[name=status]", "rejected")
    page.click("form.filters button[type=submit]")
    assert page.locator("#candidate-count").inner_text().startswith("2 candidate(s)")
    shot(page, "candidates-list")


def test_profile_fields_and_a_private_cv(site: tuple[World, str], browser: Browser, tmp_path: Path) -> None:
    world, base = site
    page = signed_in(browser, world, base, "recruiter").new_page()
    page.goto(f"{base}/candidates/{world.candidate}")
    assert page.inner_text("#profile").count("cand.a@example.net") == 1
    page.click("#profile summary")
    page.fill("input[name=linkedin_url]", "https://evil.example/in/cand")
    page.click("#profile-form button[type=submit]")
    assert "not a LinkedIn profile address" in page.inner_text(".error")
    page.fill("input[name=linkedin_url]", "https://www.linkedin.com/in/cand-a")
    page.fill("input[name=github_url]", "github.com/cand-a")
    page.fill("input[name=source]", "referral")
    page.click("#profile-form button[type=submit]")
    assert page.inner_text("#flash") == "Profile saved."
    assert "https://github.com/cand-a" in page.inner_text("#profile")
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.click("#profile summary")
    page.set_input_files("#cv-form input[type=file]", str(fake))
    page.click("#cv-form button[type=submit]")
    assert "not a PDF" in page.inner_text(".error")
    real = tmp_path / "Cand A CV.pdf"
    real.write_bytes(b"%PDF-1.4\n% a CV\n")
    page.click("#profile summary")
    page.set_input_files("#cv-form input[type=file]", str(real))
    page.click("#cv-form button[type=submit]")
    assert page.inner_text("#flash") == "CV uploaded."
    with page.expect_download() as caught:
        page.click("#cv-link")
    assert Path(caught.value.path()).read_bytes() == real.read_bytes()
    shot(page, "candidate-profile")
    outsider = signed_in(browser, world, base, "interviewer_unassigned").new_page()
    answer = outsider.goto(f"{base}/candidates/{world.candidate}/cv")
    assert answer is not None and answer.status == 404


def test_markdown_prompts_in_the_kit(site: tuple[World, str], browser: Browser) -> None:
    world, base = site
    page = signed_in(browser, world, base, "interviewer").new_page()
    page.goto(f"{base}/candidates/{world.candidate}/stages/2/scorecard")
    assert page.locator(".kit .md").count() > 0
    assert "`" not in page.locator(".kit .md").first.inner_text()
    shot(page, "kit-markdown")


@pytest.mark.sandbox
def test_console_and_own_input_in_the_portal_at_390_px(site: tuple[World, str], browser: Browser) -> None:
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    world, base = site
    page = browser.new_context(viewport=NARROW).new_page()
    try:
        page.goto(f"{base}/assess/{world.token}")
        page.click("#start-assessment")
        page.wait_for_function("() => window.mlscreenEditor !== undefined")
        prompt = page.locator(".prompt.md")
        assert "`" not in prompt.inner_text()  # Markdown rendered, not shown raw
        assert page.get_attribute(".cm-content", "aria-label") == "Your code (Python)"
        with world.db.session() as s:
            from mlscreen.store.models import Invite

            exercise = s.scalars(select(Invite.exercise_id).where(Invite.id == world.invite)).one()
        bank = world.app.state.bank
        entry = bank.get(exercise).entrypoints[0]
        code = bank.exercise_source(exercise, "reference") + f"\nprint('loaded {entry}')\n"
        page.evaluate(
            "code => { const v = window.mlscreenEditor;"
            " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: code}}); }",
            code,
        )
        page.click("#run-examples")
        page.wait_for_selector("table.examples")
        assert "loaded" in page.inner_text(".console")
        assert widens(page) <= 0, "the examples table widens the page"
        shot(page, "portal-examples-390")
        page.fill("input[name=try_args]", "__import__('os')")
        page.click("#run-mine")
        page.wait_for_selector("#examples .error")
        assert "only literal values" in page.inner_text("#examples")
        page.fill("input[name=try_args]", json.dumps("not a frame"))
        page.click("#run-mine")
        page.wait_for_selector("#try-console")
        assert f"{entry}(" in page.inner_text("#try-result")
        assert "loaded" in page.inner_text("#try-console")
        assert widens(page) <= 0
        shot(page, "portal-own-input-390")
    finally:
        close_grader_pool()
