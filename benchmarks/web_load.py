"""Load on a local server: page latency with concurrent users, and a burst of candidate submissions to drain.

    python benchmarks/web_load.py --backend sqlite --users 50 --think 1 --seconds 20 --submissions 200
    python benchmarks/web_load.py --backend postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The server runs in a child process on 127.0.0.1 (a random port) over a fresh database seeded with the demo
organisation; this process plays the users. Prints p50/p95 per page against the 150 ms target, errors, the CPU
the server processes spent per page (Linux; PostgreSQL's own processes not included), and the time until every
submission is graded.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_P95_MS = 150.0
PASSWORD = "load test password"
KEY = "load-test-key"


def serve(url: str, schema: str, port: int, submissions: int, workers: int, processes: int) -> None:
    """Child process: seed, create invites, print what the load generator needs, then serve."""
    import uvicorn
    from sqlalchemy import select

    from mlscreen.bank import Exercise
    from mlscreen.store.accounts import token_hash
    from mlscreen.store.assessments import create_invite, start
    from mlscreen.store.db import Database
    from mlscreen.store.models import Candidate
    from mlscreen.web.app import create_app
    from mlscreen.web.demo import seed_demo

    db = Database(url, schema=schema or None)
    os.environ["MLSCREEN_BASE_URL"] = f"http://127.0.0.1:{port}"
    app = create_app(db=db, workers=0, key=KEY)
    bank = app.state.bank
    seed_demo(db, bank, app.state.queue, password=PASSWORD)
    invites = []
    with db.session() as s:
        candidates = list(s.scalars(select(Candidate).order_by(Candidate.id)))
        coding = [
            (c, st.position)
            for c in candidates
            if c.status == "active"
            for st in c.opening.stages
            if st.kind == "coding"
        ]
        for n in range(submissions):
            candidate, position = coding[n % len(coding)]
            # Started at once, as a candidate pressing Start would; each further link is an explicit extra attempt.
            new = create_invite(s, bank, candidate, position=position, second_attempt_reason="load benchmark")
            start(new.invite)
            exercise = bank.get(str(new.invite.exercise_id), Exercise)
            csrf = app.state.cookies.portal_csrf(token_hash(new.token))
            invites.append({"token": new.token, "csrf": csrf, "code": bank.exercise_source(exercise.id, "reference")})
        pages = [
            (f"/candidates/{c.id}/stages/{st.position}/scorecard", f"/candidates/{c.id}", f"/candidates/{c.id}/packet")
            for c in candidates
            for st in c.opening.stages
            if st.kind == "knowledge"
        ]
    db.dispose()
    print(json.dumps({"pages": pages, "invites": invites}), flush=True)
    # The same command a deployment runs: one application per process, all over the one database.
    if schema:
        url = f"{url}?options=-csearch_path%3D{schema}"
    os.environ.update(MLSCREEN_DATABASE_URL=url, MLSCREEN_SECRET_KEY=KEY, MLSCREEN_WORKERS=str(workers))
    factory = "mlscreen.web.app:create_app"
    uvicorn.run(
        factory,
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="error",
        workers=processes,
        http="mlscreen.web.serving:HttpProtocol",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_cpu_seconds(root: int) -> float:
    """Return the CPU time (user + system) used so far by process `root` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(cpu.get(pid, 0.0) for pid in tree)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def page_load(
    base: str, pages: list[list[str]], users: int, seconds: float, think: float, server_cpu: Callable[[], float]
) -> dict[str, Any]:
    import random

    import httpx

    timings: dict[str, list[float]] = {"kit": [], "candidate": [], "packet": []}
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as login:
        tokens = []
        for _ in range(users):
            r = await login.post("/api/v1/session", json={"email": "manager@example.org", "password": PASSWORD})
            r.raise_for_status()
            tokens.append(r.json()["token"])
    # Warm-up, not measured: each process caches its SQL on first use. A keep-alive connection stays with one
    # server process, so warm up over many new connections at once, which the processes share between them.
    warm = {"Authorization": f"Bearer {tokens[0]}"}

    async def warm_up() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30, headers=warm) as client:
            for triple in pages:
                for path in triple:
                    await client.get(path)

    for _ in range(2):
        await asyncio.gather(*(warm_up() for _ in range(8)))
    # Clients are made before anyone starts: making one takes milliseconds of this loop's time, and making 50
    # while users wait would hold back their arrivals and then release them all in the same instant.
    clients = [
        httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {t}", "Accept": "text/html"})
        for t in tokens
    ]
    # This process's own full garbage collections would show up as server latency: keep them short.
    gc.collect()
    gc.freeze()
    deadline = time.monotonic() + seconds
    cpu_start = server_cpu()

    async def user(n: int) -> None:
        nonlocal errors
        async with clients[n] as client:
            await asyncio.sleep(random.uniform(0, think))  # users arrive spread out, not all in the same instant
            i = n
            while time.monotonic() < deadline:
                triple = pages[i % len(pages)]
                for name, path in zip(("kit", "candidate", "packet"), triple, strict=True):
                    start = time.perf_counter()
                    r = await client.get(path)
                    timings[name].append((time.perf_counter() - start) * 1000)
                    errors += r.status_code != 200
                    if think:
                        await asyncio.sleep(think * random.uniform(0.5, 1.5))
                i += 1

    await asyncio.gather(*(user(n) for n in range(users)))
    return {"timings": timings, "errors": errors, "server_cpu": server_cpu() - cpu_start}


async def burst(base: str, invites: list[dict[str, str]]) -> tuple[int, float]:
    import httpx

    limits = httpx.Limits(max_connections=len(invites))
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        start = time.perf_counter()
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/assess/{i['token']}/submit", data={"csrf_token": i["csrf"], "code": i["code"], "confirm": "yes"}
                )
                for i in invites
            )
        )
        return sum(r.status_code == 200 for r in responses), time.perf_counter() - start


def count_graded(url: str, schema: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from mlscreen.store.db import Database
    from mlscreen.store.models import Submission

    db = Database(url, schema=schema or None)
    try:
        with db.session(write=False) as s:
            total = s.scalar(select(func.count()).select_from(Submission)) or 0
            graded = s.scalar(select(func.count()).select_from(Submission).where(Submission.status != "queued")) or 0
        return int(total), int(graded)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the users keep requesting pages")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a user reads a page before the next (0: back to back)"
    )
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="grading workers per server process")
    parser.add_argument("--processes", type=int, default=2, help="server processes (uvicorn --workers)")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--serve", nargs=4, metavar=("URL", "SCHEMA", "PORT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        url, schema, port, n = args.serve
        serve(url, schema if schema != "-" else "", int(port), int(n), args.workers, args.processes)
        return
    workdir = Path(tempfile.mkdtemp(prefix="mlscreen-load-"))
    schema = ""
    if args.backend == "sqlite":
        url = f"sqlite:///{workdir / 'load.db'}"
    else:
        url, schema = args.pg_url, f"load_{uuid.uuid4().hex[:10]}"
        from mlscreen.store.db import Database

        admin = Database(url)
        with admin.engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    port = free_port()
    env = {**os.environ, "MLSCREEN_DATA_DIR": str(workdir), "MLSCREEN_WORKERS": str(args.workers)}
    cmd = [sys.executable, __file__, "--workers", str(args.workers), "--processes", str(args.processes)]
    cmd += ["--serve", url, schema or "-", str(port)]
    child = subprocess.Popen([*cmd, str(args.submissions)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        seeded = json.loads(child.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        # Let the demo's own grading jobs finish so they do not load the page measurement.
        while count_graded(url, schema)[1] < count_graded(url, schema)[0]:
            time.sleep(0.5)
        server_cpu = functools.partial(tree_cpu_seconds, child.pid)
        result = asyncio.run(page_load(base, seeded["pages"], args.users, args.seconds, args.think, server_cpu))
        pages_served = sum(len(v) for v in result["timings"].values())
        cpu_ms = result["server_cpu"] * 1000
        print(
            f"backend={args.backend} processes={args.processes} users={args.users} think={args.think:g}s "
            f"seconds={args.seconds:g} "
            f"errors={result['errors']}"
        )
        print(f"  server CPU: {cpu_ms / 1000:.1f} s for {pages_served} pages ({cpu_ms / pages_served:.1f} ms per page)")
        for name, values in result["timings"].items():
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            print(
                f"  {name:9} n={len(values):5} p50={p50:7.1f} ms  p95={p95:7.1f} ms  "
                f"p95/target={p95 / TARGET_P95_MS:5.2f}"
            )
        before_total, _ = count_graded(url, schema)
        accepted, seconds = asyncio.run(burst(base, seeded["invites"]))
        start = time.perf_counter()
        total, graded = count_graded(url, schema)
        while graded < total and time.perf_counter() - start < args.drain_timeout:
            time.sleep(0.5)
            total, graded = count_graded(url, schema)
        drain = time.perf_counter() - start + seconds
        print(
            f"submissions: sent={len(seeded['invites'])} accepted={accepted} in {seconds:.1f} s; "
            f"stored={total - before_total} graded={graded - before_total} pending={total - graded}; "
            f"drained after {drain:.1f} s ({(graded - before_total) / drain:.1f} graded/s)"
        )
    finally:
        child.terminate()
        child.wait(30)
        if schema:
            with admin.engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


if __name__ == "__main__":
    main()
