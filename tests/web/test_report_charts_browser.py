"""The reports pages draw every chart interactively (vega-embed under the strict CSP) in a real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user
from mlscreen.store.db import Database
from mlscreen.store.history import seed_history
from mlscreen.store.migrate import upgrade
from mlscreen.store.reports import REPORTS
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.served import free_port, served
from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS, PASSWORD, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'charts.db'}")
    upgrade(db)
    with db.session() as s:
        admin = create_user(s, email="admin@example.org", name="Ada Admin", role="admin", password=PASSWORD)
        seed_history(s, bank, actor_id=admin.id, candidates=60)
    app = create_app(db=db, bank=bank, workers=0, key="charts-test-key")
    try:
        with served(app, free_port()) as base:
            yield base
    finally:
        db.dispose()


def test_every_report_chart_is_drawn_interactively_without_console_errors(server: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            context = browser.new_context()
            context.on(
                "console",
                lambda m: (
                    problems.append(f"{m.text} {m.location.get('url')}") if m.type in ("error", "warning") else None
                ),
            )
            context.on("weberror", lambda error: problems.append(f"page error: {error.error}"))
            page = context.new_page()
            page.goto(f"{server}/")
            page.fill("input[name=email]", "admin@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("h1:has-text('Dashboard')")
            for name in REPORTS:
                page.goto(f"{server}/admin/reports/{name}")
                page.wait_for_selector("figure.chart.interactive .chart-interactive svg", timeout=20_000)
                marks = page.locator(".chart-interactive svg .mark-symbol path, .chart-interactive svg .mark-rect path")
                assert marks.count() > 0, f"{name}: the chart has no marks"
                assert not page.locator(".chart-static").is_visible()  # the static SVG stays for print only
                shot(page, f"report-{name}")
            page.emulate_media(media="print")
            assert page.locator(".chart-static").is_visible()  # printed, the static SVG is what shows
        finally:
            browser.close()
    assert [m for m in problems if not m.endswith("/favicon.ico")] == []  # the browser's own guess, not the page's
