"""In a real Chromium: an opening renamed, closed, reopened and archived from its page; a CSV with everyday headers
imported; the audit log's stages numbered from 1; competencies named; static files fingerprinted, compressed and
cached, and no request of any page answered 404 (the icon included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web import test_everyday_browser as everyday
from tests.web.conftest import World

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# The served app, Chromium, signed-in contexts and screenshots, as the everyday-use browser tests have them.
site = everyday.site
browser = everyday.browser
signed_in = everyday.signed_in
shot = everyday.shot


@pytest.fixture
def failures() -> Iterator[list[str]]:
    found: list[str] = []
    yield found


def watch(page: Page, failures: list[str]) -> list[Response]:
    """Record every response of the page; answers of 400 and more are failures."""
    seen: list[Response] = []

    def on_response(response: Response) -> None:
        seen.append(response)
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    return seen


def test_an_opening_is_renamed_closed_reopened_and_archived_from_its_page(
    site: tuple[World, str], browser: Browser, failures: list[str], tmp_path: Path
) -> None:
    world, base = site
    page = signed_in(browser, world, base, "hm").new_page()
    responses = watch(page, failures)
    page.goto(f"{base}/openings/{world.opening}")
    page.get_by_text("Rename, close or archive").click()
    page.get_by_label("Title").fill("Senior ML Engineer, Payments")
    page.get_by_role("button", name="Rename").click()
    assert page.locator("h1").inner_text() == "Senior ML Engineer, Payments"
    page.get_by_text("Rename, close or archive").click()
    page.get_by_role("button", name="Close").click()
    assert "takes no new candidates" in page.locator("#opening-status").inner_text()
    assert page.get_by_role("heading", name="Add a candidate").count() == 0
    shot(page, "opening-closed")
    page.get_by_text("Rename, close or archive").click()
    page.get_by_role("button", name="Reopen").click()
    assert page.locator("#opening-status").count() == 0
    # A CSV as a spreadsheet writes it: capitalised, hyphenated, accented headers.
    csv = tmp_path / "people.csv"
    csv.write_text("Nom,Adresse e-mail\nLee Park,lee@example.net\n", encoding="utf-8")
    page.locator("input[type=file][name=file]").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    assert page.get_by_role("link", name="Lee Park").count() == 1
    page.get_by_text("Rename, close or archive").click()
    page.get_by_role("button", name="Archive").click()
    page.goto(f"{base}/openings")
    assert "Senior ML Engineer, Payments" not in page.content()
    page.get_by_role("link", name="Archived openings").click()
    assert page.get_by_role("link", name="Senior ML Engineer, Payments").count() == 1
    shot(page, "openings-archived")
    # Static files: fingerprinted, compressed, kept for a year; no 404 anywhere (the browser asks for the icon).
    scripts = [r for r in responses if "/static/htmx.min." in r.url]
    assert scripts, "no fingerprinted htmx was loaded"
    headers = scripts[0].all_headers()
    assert headers.get("content-encoding") == "gzip" and "immutable" in headers.get("cache-control", "")
    assert failures == []


def test_the_audit_log_numbers_stages_from_one_and_the_kit_names_competencies(
    site: tuple[World, str], browser: Browser, failures: list[str]
) -> None:
    world, base = site
    recruiter = signed_in(browser, world, base, "recruiter").new_page()
    recruiter.goto(f"{base}/candidates/{world.candidate}")
    recruiter.get_by_label("Move to").select_option(index=2)
    recruiter.get_by_role("button", name="Move", exact=True).click()
    admin = signed_in(browser, world, base, "admin").new_page()
    watch(admin, failures)
    admin.goto(f"{base}/admin/audit")
    assert "before: stage 1; after: stage 3" in admin.locator("table").inner_text()
    shot(admin, "audit-stages")
    kit = signed_in(browser, world, base, "interviewer").new_page()
    watch(kit, failures)
    kit.goto(f"{base}/candidates/{world.candidate}/stages/2/scorecard")
    legends = " ".join(kit.locator("legend").all_inner_texts())
    assert "ML knowledge" in legends or "Coding" in legends
    assert "ml knowledge" not in legends and "ownership communication" not in legends
    assert failures == []
