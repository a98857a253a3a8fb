"""The portal sends the session recording with its autosaves; staff pages show its signals and the replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.bank import Bank
from mlscreen.integrity.replay import replay, same_code
from mlscreen.jobs.handlers import default_handlers
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.accounts import token_hash
from mlscreen.store.db import Database
from mlscreen.store.history import TITLE as HISTORY_TITLE
from mlscreen.store.models import Submission
from mlscreen.store.recordings import replay_of
from mlscreen.web.demo import seed_demo
from tests.web.conftest import World

T0 = 1_700_000_000_000
SOURCE = "def missing_report(df):\n    return df.isna().mean() * 100\n"


def csrf(world: World) -> str:
    return str(world.app.state.cookies.portal_csrf(token_hash(world.token)))


def events(first: int, starter: str) -> list[dict[str, Any]]:
    pasted = SOURCE
    return [
        {"s": first, "t": T0, "k": "load", "d": starter},
        {"s": first + 1, "t": T0 + 1000, "k": "away", "r": "hidden"},
        {"s": first + 2, "t": T0 + 31000, "k": "back", "r": "hidden"},
        {"s": first + 3, "t": T0 + 32000, "k": "paste", "n": len(pasted), "x": True},
        {
            "s": first + 4,
            "t": T0 + 32000,
            "k": "change",
            "c": [[len(starter), *pasted.split("\n")]],
            "o": "input.paste",
        },
        {"s": first + 5, "t": T0 + 40000, "k": "run", "p": 1, "n": 2, "st": "ran"},
    ]


def started(world: World) -> tuple[TestClient, str]:
    client = TestClient(world.app)
    notice = client.get(f"/assess/{world.token}").text
    assert "How your code was written" in notice and "nothing here rejects anyone" in notice
    begun = client.post(f"/assess/{world.token}/start", data={"csrf_token": csrf(world)}, follow_redirects=False)
    assert begun.status_code == 303
    page = client.get(f"/assess/{world.token}")
    assert 'data-recording-seq="0" data-recording-state="on"' in page.text
    starter = page.text.split('class="code"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return client, starter.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")


def test_autosaves_carry_the_recording_and_staff_see_signals_and_replay(world: World) -> None:
    client, starter = started(world)
    batch = events(1, starter)
    draft = {"csrf_token": csrf(world), "code": SOURCE, "recording": json.dumps(batch[:4])}
    saved = client.post(f"/assess/{world.token}/draft", data=draft, headers={"HX-Request": "1"})
    assert saved.status_code == 200 and saved.headers["X-Recording-Seq"] == "4"
    # The answer was lost: the portal sends the same events again with the rest; each is stored once.
    draft["recording"] = json.dumps(batch)
    saved = client.post(f"/assess/{world.token}/draft", data=draft, headers={"HX-Request": "1"})
    assert (saved.headers["X-Recording-Seq"], saved.headers["X-Recording-State"]) == ("6", "on")
    # The page opened again continues the numbering where the server stopped.
    assert 'data-recording-seq="6"' in client.get(f"/assess/{world.token}").text
    final = json.dumps([{"s": 7, "t": T0 + 50000, "k": "submit"}])
    done = client.post(
        f"/assess/{world.token}/submit",
        data={"csrf_token": csrf(world), "code": SOURCE.replace("\n", "\r\n"), "confirm": "yes", "recording": final},
    )
    assert done.status_code == 200, done.text

    hm = world.client("hm")
    page = hm.get(f"/candidates/{world.candidate}")
    assert "How the code was written" in page.text and "Replay the session" in page.text
    assert "Pasted from outside the editor</strong>: 100% of the final code" in page.text
    assert f"/candidates/{world.candidate}/invites/{world.invite}/replay#t=32000" in page.text
    replay = hm.get(f"/candidates/{world.candidate}/invites/{world.invite}/replay")
    assert replay.status_code == 200 and 'id="replay"' in replay.text
    assert "does not end at the submitted code" not in replay.text  # CRLF from the form is the same code
    assert "away for 30 s" in replay.text
    packet = hm.get(f"/candidates/{world.candidate}/packet")
    assert 'data-signal="pasted"' in packet.text
    api = hm.api("GET", f"/api/v1/candidates/{world.candidate}/invites/{world.invite}/replay")
    assert api.status_code == 200 and len(api.json()["events"]) == 7
    assert [s["id"] for s in api.json()["integrity"]["signals"]] == ["pasted", "away", "untyped", "pace"]
    kit = hm.get(f"/candidates/{world.candidate}/stages/1/scorecard")
    assert kit.status_code == 200 and 'data-signal="away"' in kit.text


def test_a_malformed_recording_is_refused_with_a_reason(world: World) -> None:
    client, _ = started(world)
    saved = client.post(
        f"/assess/{world.token}/draft",
        data={"csrf_token": csrf(world), "code": "x = 1\n", "recording": '[{"s": 1}]'},
        headers={"HX-Request": "1"},
    )
    assert saved.status_code == 422
    assert "session recording sent with this save is malformed" in saved.text


def test_replays_of_other_candidates_links_are_not_found(world: World) -> None:
    hm = world.client("hm")
    assert hm.get(f"/candidates/{world.other_candidate}/invites/{world.invite}/replay").status_code == 404
    assert hm.get(f"/candidates/{world.candidate}/invites/999999/replay").status_code == 404
    empty = hm.get(f"/candidates/{world.candidate}/invites/{world.invite}/replay")
    assert empty.status_code == 200 and "Nothing was recorded" in empty.text


def test_the_demo_submissions_come_with_recordings_that_replay_to_their_code(bank: Bank, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    db.create_all()
    try:
        seed_demo(db, bank, LocalQueue(db, default_handlers(), workers=0), password="demo password for tests 42")
        with db.session() as s:
            # The simulated history's submissions stand for past loops only (their replay says nothing was recorded).
            subs = [x for x in s.scalars(select(Submission)) if x.invite.candidate.opening.title != HISTORY_TITLE]
            assert subs
            for sub in subs:
                view = replay_of(s, bank, sub.invite.candidate, sub.invite_id)
                assert same_code(replay(view.events), sub.source) and view.report.notes == []
                pasted = next(sig for sig in view.report.signals if sig.id == "pasted")
                assert pasted.evidence
    finally:
        db.dispose()
