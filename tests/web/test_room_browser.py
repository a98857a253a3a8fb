"""Whole live interviews in two real Chromium contexts (interviewer and candidate): a coding interview with
simultaneous edits, a run seen on both sides, a server restart, the end and its record; and a design interview
with the interviewer's private checklist. The candidate's websocket frames never carry the notes or the kit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlscreen.bank import Bank
from mlscreen.jobs.adapters import close_grader_pool
from mlscreen.store.db import Database
from mlscreen.web.app import create_app
from tests.conftest import require_service
from tests.web.roomutil import CODING, DESIGN, PASSWORD, seed
from tests.web.served import free_port, served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
KEY = "room-browser-key"
NOTE = "zz-private: hesitant on complexity"
CODE_OF = "() => window.mlscreenRoom.text.toString()"
DRAW_BOX = """() => window.mlscreenRoom.board.updateScene({elements: [{
  id: "box1", type: "rectangle", x: 100, y: 80, width: 160, height: 90, angle: 0, strokeColor: "#1e1e1e",
  backgroundColor: "transparent", fillStyle: "solid", strokeWidth: 2, strokeStyle: "solid", roughness: 1,
  opacity: 100, groupIds: [], frameId: null, roundness: null, seed: 1, version: 2, versionNonce: 2,
  isDeleted: false, boundElements: null, updated: 1, link: null, locked: false}]})"""


class Server:
    """A served application that the test can restart on the same port and database."""

    def __init__(self, bank: Bank, db: Database, port: int) -> None:
        self.bank, self.db, self.port = bank, db, port
        self.base = f"http://127.0.0.1:{port}"
        self.stack = ExitStack()

    def start(self) -> None:
        app = create_app(db=self.db, bank=self.bank, workers=1, key=KEY, base_url=self.base)
        self.stack.enter_context(served(app, self.port))

    def stop(self) -> None:
        self.stack.close()
        self.stack = ExitStack()


@pytest.fixture
def server(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, int]]:
    require_service("chromium", Path(CHROMIUM).exists(), "install it with `apt-get install chromium`")
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    db = Database(f"sqlite:///{tmp_path / 'rooms.db'}")
    running = Server(bank, db, free_port())
    running.start()
    candidate, _, _ = seed(db, bank, KEY, room=False)
    try:
        yield running, candidate
    finally:
        running.stop()
        close_grader_pool()
        db.dispose()


def sign_in(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Dashboard')")
    return page


def join(browser: Browser, link: str, frames: list[str]) -> Page:
    """Open the candidate's link in a context of its own, keeping every websocket frame it receives."""
    page = browser.new_context().new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(repr(payload))))
    page.goto(link)
    page.wait_for_selector("#room-status:has-text('Connected')")
    return page


def open_room_page(page: Page, base: str, candidate: int, position: int) -> str:
    """From the stage's kit, open its live room; return the candidate's link shown once."""
    page.goto(f"{base}/candidates/{candidate}/stages/{position}/scorecard")
    page.click("#live-room")
    page.click("#open-room")
    link = page.inner_text("#room-link code").strip()
    page.wait_for_selector("#room-status:has-text('Connected')")
    return link


def type_in(page: Page, text: str) -> None:
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def converged(one: Page, other: Page, expected: str | None = None) -> str:
    for _ in range(100):
        a, b = one.evaluate(CODE_OF), other.evaluate(CODE_OF)
        if a == b and (expected is None or expected in a):
            return str(a)
        one.wait_for_timeout(100)
    raise AssertionError(f"the pads did not converge: {a!r} != {b!r}")


def test_a_live_coding_interview_end_to_end(server: tuple[Server, int]) -> None:
    from playwright.sync_api import sync_playwright

    running, candidate = server
    base = running.base
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            staff = sign_in(browser, base, "one@example.org")
            link = open_room_page(staff, base, candidate, CODING)
            frames: list[str] = []
            cand = join(browser, link, frames)
            assert "What is recorded" in cand.content()
            # Both type at once, interleaved keystroke by keystroke.
            type_in(staff, "\n")
            for a, b in zip("x = 1 # staff", "print(42) # cand", strict=False):
                staff.keyboard.type(a)
                cand.click(".cm-content") if not cand.evaluate(
                    "() => document.activeElement.closest('.cm-editor') !== null"
                ) else None
                cand.keyboard.type(b)
            code = converged(staff, cand)
            assert sorted(code.replace("\n", "")) == sorted("x = 1 # staff" + "print(42) # cand"[:13])
            # Presence: each sees the other, by the name the server gave them.
            staff.wait_for_selector("#presence:has-text('Candidate (candidate)')")
            cand.wait_for_selector("#presence:has-text('Ines One (interviewer)')")
            # The interviewer's private notes are saved; the candidate never receives them, nor the kit.
            staff.fill("textarea[name=notes]", NOTE)
            staff.click("#room-notes button[type=submit]")
            staff.wait_for_selector("#room-status:has-text('Connected')")
            assert NOTE in staff.content()
            # A run from the candidate's side: the console shows it on both sides.
            cand.evaluate(
                "() => { const v = window.mlscreenRoom.view;"
                " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: 'print(6 * 7)\\n'}}); }"
            )
            converged(staff, cand, "print(6 * 7)")
            cand.click("#room-run")
            for page in (staff, cand):
                page.wait_for_selector("#console:has-text('42')", timeout=60_000)
            # The server restarts: both pages reconnect to the same document and keep editing it.
            running.stop()
            cand.wait_for_selector("#room-status:has-text('reconnecting')")
            running.start()
            for page in (staff, cand):
                page.wait_for_selector("#room-status:has-text('Connected')", timeout=20_000)
                assert "42" in page.inner_text("#console")  # the console history came back with the room
            type_in(staff, "# after the restart\n")
            final = converged(staff, cand, "# after the restart")
            assert final.startswith("print(6 * 7)\n")
            seen = "".join(frames)
            assert NOTE not in seen and "Interview kit" not in seen and "zz-private" not in seen
            assert "# after the restart" in seen  # the frames were captured
            # The end: the candidate's page says so, the link dies, the record replays to the final code.
            staff.click("#end-room")
            staff.wait_for_selector("h1:has-text('record for')")
            cand.wait_for_selector("#room-status:has-text('ended')")
            assert staff.inner_text("#final-code").strip() == final.strip()
            assert staff.inner_text("#room-replay-code").strip() == final.strip()
            staff.fill("#room-replay-time", "0")
            assert staff.inner_text("#room-replay-code").strip() != final.strip()
            assert "42" in staff.inner_text(".console-entry")
            dead = cand.goto(link)
            assert dead is not None and dead.status == 401
            # The decision packet shows the live interview, with its final code and a link to the record.
            manager = sign_in(browser, base, "hm@example.org")
            manager.goto(f"{base}/candidates/{candidate}/packet")
            assert "# after the restart" in manager.inner_text(".live-room")
            manager.click(".live-room a")
            assert manager.inner_text("#final-code").strip() == final.strip()
        finally:
            browser.close()


def test_a_design_interview_with_a_shared_whiteboard_and_a_private_checklist(server: tuple[Server, int]) -> None:
    from playwright.sync_api import sync_playwright

    running, candidate = server
    base = running.base
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        problems: list[str] = []
        try:
            staff = sign_in(browser, base, "one@example.org")
            staff.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
            staff.on("pageerror", lambda e: problems.append(str(e)))
            link = open_room_page(staff, base, candidate, DESIGN)
            frames: list[str] = []
            cand = join(browser, link, frames)
            components = staff.locator("input[name=component]")
            assert components.count() >= 3
            first = components.first.get_attribute("value")
            assert first
            components.first.check()
            staff.click("#room-notes button[type=submit]")
            staff.wait_for_selector("#room-status:has-text('Connected')")
            type_in(staff, "# data -> features -> model -> serving\n")
            converged(staff, cand, "serving")
            # The candidate draws a box on the whiteboard; the interviewer's board shows it.
            for page in (staff, cand):
                page.wait_for_function("() => window.mlscreenRoom.board !== undefined", timeout=20_000)
            cand.evaluate(DRAW_BOX)  # through Excalidraw's API, as its own tools do
            staff.wait_for_function("() => window.mlscreenRoom.board.getSceneElements().length === 1", timeout=10_000)
            assert first not in cand.content() and first not in "".join(frames)
            staff.click("#end-room")
            staff.wait_for_selector("h1:has-text('record for')")
            assert f"✔ {first}" in staff.content()
            assert (staff.get_attribute("#board-image", "src") or "").startswith("data:image/svg+xml;base64,")
            assert problems == []
        finally:
            browser.close()
