"""`mlscreen serve --demo` starts a seeded server that answers /healthz and signs in the printed users."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_demo(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MLSCREEN_DATA_DIR": str(tmp_path), "MLSCREEN_WORKERS": "1", "MLSCREEN_SANDBOX": "1"}
    env.pop("MLSCREEN_DATABASE_URL", None)
    env.pop("MLSCREEN_BASE_URL", None)  # the demo's links use the address it listens on
    code = "from mlscreen.cli import main; main()"
    args = [sys.executable, "-c", code, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while True:
            line = proc.stdout.readline()
            assert line, f"the server exited: {''.join(lines)}"
            lines.append(line)
            if line.startswith("serving on"):
                break
        logins = {parts[0]: (parts[1], parts[2]) for parts in (ln.split() for ln in lines) if len(parts) == 3}
        assert {"admin", "hiring_manager", "recruiter", "interviewer"} <= set(logins)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["ok"] is True
        email, password = logins["hiring_manager"]
        session = httpx.post(f"{base}/api/v1/session", json={"email": email, "password": password})
        assert session.status_code == 201
        headers = {"Authorization": f"Bearer {session.json()['token']}"}
        everything = httpx.get(f"{base}/api/v1/openings", headers=headers).json()
        simulated = [o for o in everything if o["title"] == "Simulated history (demo data)"]
        openings = [o for o in everything if o not in simulated]
        assert len(openings) == 4 and len(simulated) == 1
        for name in ("funnel", "calibration", "reliability", "agreement", "adverse-impact"):
            path = f"{base}/api/v1/openings/{simulated[0]['id']}/reports/{name}"
            report = httpx.get(path, headers=headers, timeout=60)
            assert report.status_code == 200 and any(v for v in report.json().values() if isinstance(v, list)), name
        groups = {r["group"] for r in report.json()["selection"] if not r["suppressed"]}
        assert {"female", "male"} <= groups  # the demo's self-identification shows groups
        stages = [sum(s["candidates"] for s in o["stages"]) for o in openings]
        assert all(n == 4 for n in stages)
        assert len({s["position"] for o in openings for s in o["stages"] if s["candidates"]}) >= 3
        candidates = httpx.get(f"{base}/api/v1/openings/{openings[0]['id']}/candidates", headers=headers).json()
        made = httpx.post(
            f"{base}/api/v1/candidates/{candidates[0]['id']}/invites",
            json={"position": 1},
            headers={**headers, "Host": "attacker.example"},
        )
        assert made.status_code == 201, made.text
        assert made.json()["link"].startswith(f"{base}/assess/")
    finally:
        proc.terminate()
        proc.wait(20)
        if proc.stdout is not None:
            proc.stdout.close()
