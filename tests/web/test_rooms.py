"""Live rooms over real websockets: participants converge, handshakes are authorized, restarts and several
processes keep one document, rooms close and leave a record that replays to the final code."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import InvalidStatus

from mlscreen.bank import Bank
from mlscreen.logs import configure_logging
from mlscreen.store.db import Database
from mlscreen.store.models import Room, RoomUpdate, utcnow
from mlscreen.store.roomdoc import code_at
from mlscreen.store.rooms import doc_log, record_of
from mlscreen.web.app import create_app
from mlscreen.web.rooms.client import RoomClient
from mlscreen.web.rooms.overdue import OverdueRooms
from tests.store.dbutil import BACKENDS, fresh_database
from tests.web.roomutil import CODING, KEY, Setup, seed
from tests.web.served import free_port, served

# Real servers and websocket clients that wait for edits to travel: about 14 s together, so the quick loop
# (`make test-fast`) leaves them to the full suite; the protocol and the store's room rules have quick tests.
pytestmark = pytest.mark.slow


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def setup(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Setup]:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'rooms.db'}")
    port = free_port()
    app = create_app(db=db, bank=bank, workers=0, key=KEY, base_url=f"http://127.0.0.1:{port}", clock=clock)
    candidate, token, cookies = seed(db, bank, KEY)
    with served(app, port) as base:
        yield Setup(base, db, candidate, token, cookies)
    db.dispose()


def run(coro: Callable[[], object]) -> None:
    asyncio.run(coro())  # type: ignore[arg-type]


def test_interviewer_and_candidate_edit_at_once_and_converge(setup: Setup) -> None:
    async def main() -> None:
        async with setup.staff() as one, setup.candidate_client() as cand:
            assert await one.wait_for(lambda: any(m.get("type") == "hello" for m in one.messages))
            for n in range(20):
                one.type(f"a{n}\n")
                cand.type(f"b{n}\n", at=0)
                await asyncio.sleep(0.005)
            assert await one.wait_for(lambda: one.code == cand.code and len(one.code) == 140)
            assert {f"a{n}" for n in range(20)} <= set(one.code.split())
            hello = next(m for m in cand.messages if m.get("type") == "hello")
            assert hello["role"] == "candidate" and hello["exercises"] == []

    run(main)


@pytest.mark.parametrize(
    ("who", "url", "origin"),
    [
        ("other", "staff", "own"),  # an interviewer not assigned to the candidate
        (None, "staff", "own"),  # nobody signed in
        ("one", "staff", "evil"),  # a page of another site riding the interviewer's cookie
        (None, "bad-token", "own"),
        (None, "candidate", "evil"),
    ],
)
def test_handshakes_are_authorized(setup: Setup, who: str | None, url: str, origin: str) -> None:
    address = {
        "staff": setup.staff_url(),
        "candidate": setup.candidate_url(),
        "bad-token": setup.candidate_url("not-a-token"),
    }[url]

    async def main() -> None:
        client = RoomClient(
            address,
            origin=setup.base if origin == "own" else "http://evil.example",
            cookie=setup.cookies[who] if who else None,
        )
        with pytest.raises(InvalidStatus) as refused:
            await client.connect()
        assert refused.value.response.status_code == 403

    run(main)


def test_the_candidates_frames_never_carry_the_notes(setup: Setup, request: pytest.FixtureRequest) -> None:
    notes = "zz-private-note the candidate must not see"
    http = httpx.Client(base_url=setup.base, headers={"Cookie": setup.cookies["one"]})
    request.addfinalizer(http.close)
    page = http.get(f"/candidates/{setup.candidate}/stages/{CODING}/room")
    assert page.status_code == 200 and "Interview kit" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]

    async def main() -> None:
        async with setup.candidate_client() as cand, setup.staff() as one:
            saved = http.post(
                f"/candidates/{setup.candidate}/stages/{CODING}/room/notes",
                data={"csrf_token": csrf, "notes": notes},
            )
            assert saved.status_code == 303
            one.type("print('shared')\n")
            assert await cand.wait_for(lambda: "shared" in cand.code)
            seen = repr(cand.messages) + repr([u for _, u in cand.received_at])
            assert "zz-private-note" not in seen and "Interview kit" not in seen

    run(main)
    candidate_page = httpx.get(f"{setup.base}/room/{setup.token}")
    assert candidate_page.status_code == 200
    assert "What is recorded" in candidate_page.text
    assert "zz-private-note" not in candidate_page.text and "Interview kit" not in candidate_page.text


def test_edits_made_offline_merge_on_reconnect(setup: Setup) -> None:
    async def main() -> None:
        async with setup.staff() as one, setup.candidate_client() as cand:
            one.type("base\n")
            assert await cand.wait_for(lambda: cand.code == "base\n")
            await cand.close()
            cand.type("offline\n")  # made while disconnected
            one.type("online\n")
            await cand.connect()
            assert await cand.wait_for(lambda: cand.code == one.code and "offline" in one.code and "online" in one.code)

    run(main)


def test_the_document_survives_a_server_restart(bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'rooms.db'}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    candidate, token, cookies = seed(
        create_app(db=db, bank=bank, workers=0, key=KEY, base_url=base).state.db, bank, KEY
    )
    url = f"ws://127.0.0.1:{port}/candidates/{candidate}/stages/{CODING}/room/socket"

    async def first() -> str:
        async with RoomClient(url, origin=base, cookie=cookies["one"]) as one:
            one.type("def kept():\n    return 1\n")
            await asyncio.sleep(0.5)  # the relay writes the log
            return one.code

    with served(create_app(db=db, bank=bank, workers=0, key=KEY, base_url=base), port):
        before = asyncio.run(first())

    async def second() -> None:
        async with RoomClient(f"ws://127.0.0.1:{port}/room/{token}/socket", origin=base) as cand:
            assert await cand.wait_for(lambda: cand.code == before)

    with served(create_app(db=db, bank=bank, workers=0, key=KEY, base_url=base), port):
        asyncio.run(second())
    db.dispose()


def test_ending_the_room_kills_the_link_and_the_record_replays_the_code(
    setup: Setup, request: pytest.FixtureRequest
) -> None:
    http = httpx.Client(base_url=setup.base, headers={"Cookie": setup.cookies["one"]})
    request.addfinalizer(http.close)
    page = http.get(f"/candidates/{setup.candidate}/stages/{CODING}/room")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    final: list[str] = []

    async def main() -> None:
        async with setup.staff() as one, setup.candidate_client() as cand:
            for word in ("import math\n", "print(math.pi)\n", "x = 1\n"):
                cand.type(word)
                await asyncio.sleep(0.1)
            assert await one.wait_for(lambda: one.code == cand.code)
            final.append(one.code)
            ended = http.post(f"/candidates/{setup.candidate}/stages/{CODING}/room/close", data={"csrf_token": csrf})
            assert ended.status_code == 303
            assert await cand.wait_for(lambda: cand.closed is not None)
            assert cand.closed == 4001

    run(main)
    dead = httpx.get(f"{setup.base}/room/{setup.token}")
    assert dead.status_code == 401 and "no longer valid" in dead.text
    with setup.db.session() as s:
        room = s.query(Room).one()
        record = record_of(s, room)
        log = doc_log(s, room.id)
    assert record.code == final[0] == room.final_code
    assert record.frames[-1].code == final[0]
    assert code_at(log, log[0][0]) == "import math\n"
    shown = http.get(f"/candidates/{setup.candidate}/stages/{CODING}/room/record")
    assert shown.status_code == 200 and "print(math.pi)" in shown.text and 'id="room-replay"' in shown.text


def test_a_room_closes_after_its_maximum_duration(setup: Setup, clock: Clock) -> None:
    async def main() -> None:
        async with setup.candidate_client() as cand:
            cand.type("x")
            clock.offset = timedelta(minutes=61)
            assert await cand.wait_for(lambda: cand.closed is not None, 10)
            assert cand.closed == 4001

    run(main)
    with setup.db.session() as s:
        room = s.query(Room).one()
        assert room.closed_at is not None and room.final_code == "x"
        assert room.invite is not None and room.invite.revoked_at is not None


def test_oversized_and_malformed_messages_close_the_connection(setup: Setup) -> None:
    async def main() -> None:
        async with setup.candidate_client() as cand:
            assert cand._socket is not None
            await cand._socket.send(b"\x00\x02" + b"\xff" * 10)
            assert await cand.wait_for(lambda: cand.closed is not None)
            assert cand.closed == 1003
        async with setup.candidate_client() as cand:
            assert cand._socket is not None
            await cand._socket.send(b"\x00" * (300 * 1024))
            assert await cand.wait_for(lambda: cand.closed is not None)
            assert cand.closed == 1009

    run(main)


@pytest.mark.sandbox
def test_a_run_shows_its_output_to_both_sides(setup: Setup) -> None:
    async def main() -> None:
        async with setup.staff() as one, setup.candidate_client() as cand:
            cand.type("import sys\nprint('hello \\x1b[31mroom')\nprint('oops', file=sys.stderr)\n")
            assert await one.wait_for(lambda: "oops" in one.code)
            await cand.send_json({"type": "run", "mode": "code"})
            await cand.send_json({"type": "run", "mode": "code"})  # one run at a time

            def entries(c: RoomClient) -> list[dict[str, object]]:
                return [m["entry"] for m in c.messages if m.get("type") == "console"]

            assert await one.wait_for(lambda: bool(entries(one)) and bool(entries(cand)), 60)
            entry = entries(one)[0]
            assert entry["output"] == "hello room\noops\n" and entry["by"] == "Candidate"
            assert any(m.get("type") == "error" for m in cand.messages)
            await one.send_json({"type": "load", "exercise": "data-cleaning"})
            assert await cand.wait_for(lambda: "def missing_report" in cand.code)
            await cand.send_json({"type": "load", "exercise": ""})  # only the interviewer loads
            await cand.send_json({"type": "run", "mode": "examples"})
            assert await cand.wait_for(lambda: len(entries(cand)) == 2, 60)
            assert entries(cand)[1]["mode"] == "examples" and "missing_report" in str(entries(cand)[1]["output"])
            assert "def missing_report" in cand.code

    run(main)


@pytest.mark.slow
def test_rooms_work_across_two_web_processes(bank: Bank, tmp_path: Path) -> None:
    env = {**os.environ, "MLSCREEN_DATA_DIR": str(tmp_path), "MLSCREEN_WORKERS": "0"}
    env["MLSCREEN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.db'}"
    env["MLSCREEN_SECRET_KEY"] = KEY
    ports = [free_port(), free_port()]
    procs = []
    logs = []
    for port in ports:
        args = [sys.executable, "-c", "from mlscreen.cli import main; main()", "serve", "--port", str(port)]
        env_one = {**env, "MLSCREEN_BASE_URL": f"http://127.0.0.1:{port}"}
        logs.append((tmp_path / f"server-{port}.log").open("w"))
        procs.append(subprocess.Popen(args, env=env_one, stdout=logs[-1], stderr=subprocess.STDOUT))
        _wait_healthy(port, procs[-1])  # one at a time: the first one migrates the database
    db = Database(env["MLSCREEN_DATABASE_URL"])
    try:
        candidate, token, cookies = seed(db, bank, KEY)
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        staff = f"{a.replace('http', 'ws')}/candidates/{candidate}/stages/{CODING}/room/socket"

        async def main() -> None:
            async with (
                RoomClient(staff, origin=a, cookie=cookies["one"]) as one,
                RoomClient(f"{b.replace('http', 'ws')}/room/{token}/socket", origin=b) as cand,
            ):
                one.type("from process A\n")
                cand.type("from process B\n")
                converged = await one.wait_for(lambda: one.code == cand.code and len(one.code) == 30, 10)
                assert converged, (one.code, cand.code, [p.read_text() for p in tmp_path.glob("server-*.log")])

        asyncio.run(main())
        with db.session() as s:
            origins = set(s.scalars(select(RoomUpdate.origin).where(RoomUpdate.channel == "doc")))
        assert len(origins) == 2  # each process wrote its own participant's edits
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(15)
        for log in logs:
            log.close()
        db.dispose()


def _wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def test_a_replaced_link_disconnects_the_candidate(setup: Setup, request: pytest.FixtureRequest) -> None:
    http = httpx.Client(base_url=setup.base, headers={"Cookie": setup.cookies["one"]})
    request.addfinalizer(http.close)
    page = http.get(f"/candidates/{setup.candidate}/stages/{CODING}/room")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]

    async def main() -> None:
        async with setup.candidate_client() as cand:
            assert await cand.wait_for(lambda: any(m.get("type") == "hello" for m in cand.messages))
            fresh = http.post(f"/candidates/{setup.candidate}/stages/{CODING}/room/link", data={"csrf_token": csrf})
            assert fresh.status_code == 200 and 'id="room-link"' in fresh.text
            assert await cand.wait_for(lambda: cand.closed is not None, 10)
            assert cand.closed == 4003

    run(main)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_servers_on_one_database_relay_each_others_edits(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    with fresh_database(backend, tmp_path, create=False) as db:
        ports = [free_port(), free_port()]
        apps = [create_app(db=db, bank=bank, workers=0, key=KEY, base_url=f"http://127.0.0.1:{p}") for p in ports]
        candidate, token, cookies = seed(db, bank, KEY)
        with served(apps[0], ports[0]) as a, served(apps[1], ports[1]) as b:
            staff = f"{a.replace('http', 'ws')}/candidates/{candidate}/stages/{CODING}/room/socket"

            async def main() -> None:
                async with (
                    RoomClient(staff, origin=a, cookie=cookies["one"]) as one,
                    RoomClient(f"{b.replace('http', 'ws')}/room/{token}/socket", origin=b) as cand,
                ):
                    for n in range(30):
                        one.type(f"a{n};")
                        cand.type(f"b{n};", at=0)
                        await asyncio.sleep(0.01)
                    expected = sum(len(f"a{n};") + len(f"b{n};") for n in range(30))
                    assert await one.wait_for(lambda: one.code == cand.code and len(one.code) == expected, 10)

            asyncio.run(main())


def test_room_link_tokens_never_reach_the_logs(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    handler = configure_logging()

    async def main() -> None:
        async with setup.candidate_client() as cand:
            cand.type("x")
            assert await cand.wait_for(lambda: any(m.get("type") == "hello" for m in cand.messages))

    try:
        run(main)
        httpx.get(f"{setup.base}/room/{setup.token}")
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])
    text = "\n".join(ln for ln in out.getvalue().splitlines() if " httpx: " not in ln)  # the test's own client
    assert "/room/<token>/socket" in text and "GET /room/<token> 200" in text
    assert setup.token not in text


def test_rooms_nobody_is_in_close_after_their_maximum_duration(bank: Bank, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'rooms.db'}")
    db.create_all()
    seed(db, bank, KEY)
    later = utcnow() + timedelta(minutes=61)
    OverdueRooms(db, clock=utcnow)()
    with db.session() as s:
        assert s.query(Room).one().closed_at is None
    OverdueRooms(db, clock=lambda: later)()
    with db.session() as s:
        room = s.query(Room).one()
        assert room.closed_at is not None and room.final_code == "" and room.invite is not None
        assert room.invite.revoked_at is not None
    db.dispose()
