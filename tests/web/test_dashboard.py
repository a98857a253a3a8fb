"""The dashboard lists upcoming unscored interviews by time, and overdue scorecards apart."""

from __future__ import annotations

import re
from datetime import timedelta

from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.models import Opening, Scorecard, utcnow
from tests.web.conftest import World


def test_upcoming_interviews_are_unscored_sorted_and_overdue_ones_apart(world: World) -> None:
    now = utcnow()
    me = world.users["interviewer"]
    with world.db.session() as s:
        opening = s.get_one(Opening, world.opening)
        plan = {
            "Later": now + timedelta(days=2),
            "Sooner": now + timedelta(days=1),
            "Overdue": now - timedelta(hours=30),
            "Scored": now + timedelta(hours=3),
        }
        for name, when in plan.items():
            cand = add_candidate(s, opening, name=name, email=f"{name.lower()}@example.net")
            cand.stage_position = 2
            assign_interviewer(s, cand, position=2, interviewer_id=me, scheduled_at=when)
            if name == "Scored":
                s.add(Scorecard(candidate_id=cand.id, stage_position=2, interviewer_id=me, recommendation="yes"))
    page = world.client("interviewer").get("/").text
    upcoming = page[page.index('id="upcoming"') :]
    upcoming = upcoming[: upcoming.index("</table>")]
    assert re.findall(r">(Sooner|Later|Cand A|Scored|Overdue)</a>", upcoming) == ["Sooner", "Later", "Cand A"]
    overdue = page[page.index('id="overdue"') :]
    overdue = overdue[: overdue.index("</ul>")]
    assert "Overdue" in overdue and "Sooner" not in overdue
    assert "Scored" not in page
