"""Live rooms under load: ROOMS rooms, two participants each typing RATE edits a second for SECONDS seconds.

Run: python benchmarks/rooms.py [--rooms 20] [--rate 5] [--seconds 60] [--processes 1] [--database-url URL]

The server is `mlscreen serve` in processes of its own (one by default; with two, each room's participants are on
different processes and every edit crosses the database relay). Participants are Python websocket clients with
their own pycrdt documents (`mlscreen.web.rooms.client`), not browsers. Each edit inserts a unique marker; the
edit's propagation latency is the time from the sender's insert to the other participant applying the update
that carries it. Server CPU is the server processes' user+system time over the typing, divided by the edits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

import httpx

from mlscreen.bank import load_bank
from mlscreen.store.accounts import create_user, open_session
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.openings import create_opening
from mlscreen.store.rooms import open_room
from mlscreen.web.rooms.client import RoomClient
from mlscreen.web.security import SESSION_COOKIE, CookieJar

KEY = "benchmark-rooms-key"
CODING = 1
MARKER = re.compile(rb"<m(\d+)>")


def seed(url: str, rooms: int) -> tuple[str, list[tuple[int, str]]]:
    """Create an interviewer and `rooms` candidates with open rooms; return the cookie and (candidate, token)s."""
    bank = load_bank()
    db = Database(url)
    upgrade(db)
    with db.session() as s:
        one = create_user(s, email="one@example.org", name="Ines One", role="admin", password="benchmark password 1")
        opening = create_opening(s, bank, title="ML engineer", profile_id="ml-engineer", actor=one)
        made = []
        for n in range(rooms):
            candidate = add_candidate(s, opening, name=f"Candidate {n}", email=f"c{n}@example.net")
            assign_interviewer(s, candidate, position=CODING, interviewer_id=one.id)
            made.append((candidate.id, open_room(s, candidate, position=CODING, actor=one, max_minutes=60).token))
        cookie = CookieJar(KEY, secure=False)._signer.sign(open_session(s, one).token).decode("ascii")
    db.dispose()
    return f"{SESSION_COOKIE}={cookie}", made


def cpu_seconds(pid: int) -> float:
    """Return the user+system CPU time of process `pid` and its reaped children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def start_servers(url: str, data: Path, processes: int) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    procs, ports = [], []
    for _ in range(processes):
        port = _free_port()
        env = {**os.environ, "MLSCREEN_DATABASE_URL": url, "MLSCREEN_DATA_DIR": str(data), "MLSCREEN_SECRET_KEY": KEY}
        env.update(MLSCREEN_BASE_URL=f"http://127.0.0.1:{port}", MLSCREEN_WORKERS="0")
        args = [sys.executable, "-c", "from mlscreen.cli import main; main()", "serve", "--port", str(port)]
        procs.append(subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ports.append(port)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or procs[-1].poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
    return procs, ports


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def typist(client: RoomClient, ids: count[int], sent: dict[int, float], rate: float, seconds: float) -> int:
    """Type one marked edit every 1/rate seconds for `seconds`; return how many."""
    end = time.monotonic() + seconds
    made = 0
    next_at = time.monotonic()
    while time.monotonic() < end:
        marker = next(ids)
        sent[marker] = time.monotonic()
        client.type(f"<m{marker}>")
        made += 1
        next_at += 1 / rate
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    return made


async def load(
    cookie: str, rooms: list[tuple[int, str]], ports: list[int], rate: float, seconds: float, pids: list[int]
) -> None:
    staff_port, cand_port = ports[0], ports[-1]
    pairs = []
    for candidate, token in rooms:
        staff_base, cand_base = f"http://127.0.0.1:{staff_port}", f"http://127.0.0.1:{cand_port}"
        staff = RoomClient(
            f"ws://127.0.0.1:{staff_port}/candidates/{candidate}/stages/{CODING}/room/socket",
            origin=staff_base,
            cookie=cookie,
        )
        cand = RoomClient(f"ws://127.0.0.1:{cand_port}/room/{token}/socket", origin=cand_base)
        await staff.connect()
        await cand.connect()
        pairs.append((staff, cand))
    await asyncio.sleep(1.0)
    ids: count[int] = count()
    sent: dict[int, float] = {}
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    started = time.monotonic()
    made = await asyncio.gather(*(typist(c, ids, sent, rate, seconds) for pair in pairs for c in pair))
    typing = time.monotonic() - started
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    await asyncio.sleep(3.0)  # the last edits arrive
    latencies = []
    for staff, cand in pairs:
        for receiver in (staff, cand):
            for at, update in receiver.received_at:
                latencies += [at - sent[int(m)] for m in MARKER.findall(update) if int(m) in sent]
    converged = sum(staff.code == cand.code for staff, cand in pairs)
    for pair in pairs:
        for client in pair:
            await client.close()
    edits = sum(made)
    latencies.sort()
    print(f"rooms: {len(pairs)}, participants: {2 * len(pairs)}, processes: {len(ports)}")
    print(f"edits sent: {edits} in {typing:.1f} s ({edits / typing:.0f}/s); delivered: {len(latencies)}")
    if latencies:
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
        print(f"edit propagation latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"server CPU: {cpu:.2f} s over the typing, {cpu / max(1, edits) * 1000:.2f} ms per edit")
    print(f"rooms converged: {converged}/{len(pairs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="edits per second per participant")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'rooms.db'}"
        cookie, rooms = seed(url, args.rooms)
        procs, ports = start_servers(url, Path(tmp), args.processes)
        try:
            asyncio.run(load(cookie, rooms, ports, args.rate, args.seconds, [p.pid for p in procs]))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(15)


if __name__ == "__main__":
    main()
