"""Does one candidate's looping code slow everyone else down? Staff pages and autosaves, without and with it.

    python benchmarks/web_contention.py --backend sqlite
    python benchmarks/web_contention.py --backend postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

A server (uvicorn, one process by default) runs in a child process on 127.0.0.1 over a fresh database seeded with
the demo organisation. This process plays 50 staff users browsing (interview kit, candidate page, decision
packet, about 1 s apart) and 50 candidates autosaving every 5 s, for `--seconds` (60); then the same again while
5 more candidates press "Run examples" on code that loops until the sandbox kills it, again and again. It prints
the p95 of staff pages and of autosaves in both runs and their ratio (target: within 2x), the errors (target 0)
and the lines of the server's log that say "database is locked" (target 0). Everything stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

KEY = "contention-test-key"
LOOPING = "while True:\n    pass\n"
TARGET_RATIO = 2.0


def serve(url: str, schema: str, port: int, staff: int, candidates: int, processes: int) -> None:
    """Child process: seed, make staff sessions and candidate links, print them, then serve."""
    import uvicorn
    from sqlalchemy import select

    from mlscreen.store.accounts import open_session, token_hash
    from mlscreen.store.assessments import create_invite, start
    from mlscreen.store.db import Database
    from mlscreen.store.models import Candidate, User
    from mlscreen.web.app import create_app
    from mlscreen.web.demo import seed_demo

    db = Database(url, schema=schema or None)
    os.environ["MLSCREEN_BASE_URL"] = f"http://127.0.0.1:{port}"
    app = create_app(db=db, workers=0, key=KEY)
    bank = app.state.bank
    seed_demo(db, bank, app.state.queue, password="contention test password")
    with db.session() as s:
        manager = s.scalars(select(User).where(User.email == "manager@example.org")).one()
        tokens = [open_session(s, manager).token for _ in range(staff)]
        all_candidates = list(s.scalars(select(Candidate).order_by(Candidate.id)))
        coding = [
            (c, st.position)
            for c in all_candidates
            if c.status == "active"
            for st in c.opening.stages
            if st.kind == "coding"
        ]
        links = []
        for n in range(candidates):
            candidate, position = coding[n % len(coding)]
            # Started at once, as a candidate pressing Start would; each further link is an explicit extra attempt.
            new = create_invite(s, bank, candidate, position=position, second_attempt_reason="load benchmark")
            start(new.invite)
            csrf = app.state.cookies.portal_csrf(token_hash(new.token))
            code = bank.exercise_source(str(new.invite.exercise_id), "starter")
            links.append({"token": new.token, "csrf": csrf, "code": code})
        pages = [
            (f"/candidates/{c.id}/stages/{st.position}/scorecard", f"/candidates/{c.id}", f"/candidates/{c.id}/packet")
            for c in all_candidates
            for st in c.opening.stages
            if st.kind == "knowledge"
        ]
    db.dispose()
    print(json.dumps({"pages": pages, "tokens": tokens, "links": links}), flush=True)
    if schema:
        url = f"{url}?options=-csearch_path%3D{schema}"
    os.environ.update(MLSCREEN_DATABASE_URL=url, MLSCREEN_SECRET_KEY=KEY)
    uvicorn.run(
        "mlscreen.web.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        workers=processes,
        http="mlscreen.web.serving:HttpProtocol",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def phase(
    base: str, seeded: dict[str, Any], *, seconds: float, autosavers: int, loopers: int, think: float, every: float
) -> dict[str, Any]:
    """Run the users for `seconds`; return timings, errors and how many example runs ended."""
    import httpx

    staff_ms: list[float] = []
    save_ms: list[float] = []
    errors: dict[str, int] = {"staff": 0, "autosave": 0, "examples": 0}
    statuses: Counter[str] = Counter()  # what the errors were: an HTTP status, or the client's exception
    runs = 0
    deadline = time.monotonic() + seconds
    pages: list[list[str]] = seeded["pages"]
    # Idle connections are dropped before the server's 5 s keep-alive ends: an autosave every 5 s would race it.
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500, keepalive_expiry=2.0)

    async def staff_user(client: httpx.AsyncClient, n: int) -> None:
        await asyncio.sleep(random.uniform(0, think))
        i = n
        while time.monotonic() < deadline:
            for path in pages[i % len(pages)]:
                start = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    statuses[str(r.status_code)] += not ok
                except httpx.HTTPError as exc:
                    ok = False
                    statuses[type(exc).__name__] += 1
                staff_ms.append((time.perf_counter() - start) * 1000)
                errors["staff"] += not ok
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
            i += 1

    async def autosaver(client: httpx.AsyncClient, link: dict[str, str]) -> None:
        await asyncio.sleep(random.uniform(0, every))
        n = 0
        while time.monotonic() < deadline:
            n += 1
            data = {"csrf_token": link["csrf"], "code": f"{link['code']}\n# edit {n}\n"}
            start = time.perf_counter()
            try:
                r = await client.post(f"/assess/{link['token']}/draft", data=data)
                ok = r.status_code == 200
                statuses[str(r.status_code)] += not ok
            except httpx.HTTPError as exc:
                ok = False
                statuses[type(exc).__name__] += 1
            save_ms.append((time.perf_counter() - start) * 1000)
            errors["autosave"] += not ok
            await asyncio.sleep(every)

    async def looper(client: httpx.AsyncClient, link: dict[str, str]) -> None:
        nonlocal runs
        data = {"csrf_token": link["csrf"], "code": LOOPING}
        while time.monotonic() < deadline:
            try:
                r = await client.post(f"/assess/{link['token']}/examples", data=data)
            except httpx.HTTPError as exc:
                errors["examples"] += 1
                statuses[type(exc).__name__] += 1
                await asyncio.sleep(1)
                continue
            if r.status_code == 429:  # the per-minute allowance is used up: wait as the page would
                await asyncio.sleep(5)
                continue
            runs += 1
            errors["examples"] += r.status_code != 200
            statuses[str(r.status_code)] += r.status_code != 200

    links: list[dict[str, str]] = seeded["links"]
    html = {"Accept": "text/html"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=60, limits=limits, headers=html) as portal,
        httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as runner,
    ):
        staff_clients = [
            httpx.AsyncClient(
                base_url=base, timeout=60, limits=limits, headers={"Authorization": f"Bearer {t}", **html}
            )
            for t in seeded["tokens"]
        ]
        tasks = [staff_user(c, n) for n, c in enumerate(staff_clients)]
        tasks += [autosaver(portal, link) for link in links[:autosavers]]
        tasks += [looper(runner, link) for link in links[autosavers : autosavers + loopers]]
        try:
            # A run under way when time is up is abandoned: the server's sandbox ends it at its time limit.
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)
        except TimeoutError:
            pass
        finally:
            for client in staff_clients:
                await client.aclose()
    kinds = {k: n for k, n in statuses.items() if n}
    return {"staff": staff_ms, "autosave": save_ms, "errors": errors, "kinds": kinds, "runs": runs}


async def warm_up(base: str, seeded: dict[str, Any]) -> None:
    """Request every page and save every draft once, unmeasured: each process caches its SQL on first use."""
    import httpx

    headers = {"Authorization": f"Bearer {seeded['tokens'][0]}"}
    paths = [path for triple in seeded["pages"] for path in triple]
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:
        for start in range(0, len(paths), 8):
            await asyncio.gather(*(client.get(p) for p in paths[start : start + 8]))
        for link in seeded["links"]:
            await client.post(f"/assess/{link['token']}/draft", data={"csrf_token": link["csrf"], "code": link["code"]})


def report(name: str, result: dict[str, Any]) -> dict[str, float]:
    out = {k: percentile(result[k], 0.95) for k in ("staff", "autosave")}
    errors = result["errors"]
    print(
        f"  {name:13} staff pages n={len(result['staff']):5} p50={statistics.median(result['staff']):7.1f} ms "
        f"p95={out['staff']:7.1f} ms | autosaves n={len(result['autosave']):4} "
        f"p50={statistics.median(result['autosave']):7.1f} ms p95={out['autosave']:7.1f} ms | "
        f"errors staff={errors['staff']} autosave={errors['autosave']} examples={errors['examples']} "
        f"| example runs ended={result['runs']}" + (f" | error kinds {result['kinds']}" if result["kinds"] else "")
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--autosavers", type=int, default=50)
    parser.add_argument("--loopers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each of the two runs")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a staff user reads a page")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between a candidate's autosaves")
    parser.add_argument("--workers", type=int, default=2, help="MLSCREEN_WORKERS: grading sandboxes per process")
    parser.add_argument("--processes", type=int, default=1, help="server processes (uvicorn --workers)")
    parser.add_argument("--serve", nargs=5, metavar=("URL", "SCHEMA", "PORT", "STAFF", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        url, schema, port, staff, n = args.serve
        serve(url, schema if schema != "-" else "", int(port), int(staff), int(n), args.processes)
        return
    workdir = Path(tempfile.mkdtemp(prefix="mlscreen-contention-"))
    schema = ""
    admin = None
    if args.backend == "sqlite":
        url = f"sqlite:///{workdir / 'contention.db'}"
    else:
        from mlscreen.store.db import Database

        url, schema = args.pg_url, f"contention_{uuid.uuid4().hex[:10]}"
        admin = Database(url)
        with admin.engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    port = free_port()
    env = {**os.environ, "MLSCREEN_DATA_DIR": str(workdir), "MLSCREEN_WORKERS": str(args.workers)}
    cmd = [sys.executable, __file__, "--processes", str(args.processes)]
    cmd += ["--serve", url, schema or "-", str(port), str(args.staff), str(args.autosavers + args.loopers)]
    log_path = workdir / "server.log"
    log = log_path.open("w")
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise SystemExit(f"the server did not start; see {log_path}")
        seeded = json.loads(line)
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        asyncio.run(warm_up(base, seeded))
        common = {"seconds": args.seconds, "autosavers": args.autosavers, "think": args.think, "every": args.every}
        quiet = asyncio.run(phase(base, seeded, loopers=0, **common))
        busy = asyncio.run(phase(base, seeded, loopers=args.loopers, **common))
        print(
            f"backend={args.backend} processes={args.processes} workers={args.workers} staff={args.staff} "
            f"autosavers={args.autosavers} loopers={args.loopers} seconds={args.seconds:g} (each run)"
        )
        before = report("without loops", quiet)
        after = report(f"with {args.loopers} loops", busy)
        for name in ("staff", "autosave"):
            ratio = after[name] / before[name]
            verdict = "ok" if ratio <= TARGET_RATIO else "over target"
            print(f"  {name} p95 ratio (with / without) = {ratio:.2f} (target <= {TARGET_RATIO:g}: {verdict})")
        errors = sum(quiet["errors"].values()) + sum(busy["errors"].values())
        print(f"  errors = {errors} (target 0)")
    finally:
        child.terminate()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        log.close()
        lines = log_path.read_text(errors="replace").splitlines()
        locked = sum("database is locked" in line for line in lines)
        internal = sum("internal error" in line for line in lines)
        print(f"  'database is locked' lines in the server log = {locked} (target 0); internal errors = {internal}")
        if admin is not None:
            with admin.engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


if __name__ == "__main__":
    main()
