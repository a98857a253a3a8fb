"""A seeded organisation with a candidate whose coding stage has an open room, and participants' addresses."""

from __future__ import annotations

from dataclasses import dataclass

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user, open_session
from mlscreen.store.candidates import add_candidate, assign_interviewer
from mlscreen.store.db import Database
from mlscreen.store.openings import add_member, create_opening
from mlscreen.store.rooms import open_room
from mlscreen.web.rooms.client import RoomClient
from mlscreen.web.security import SESSION_COOKIE, CookieJar

KEY = "rooms-test-key"
PASSWORD = "a long enough password"
CODING = 1  # the ml-engineer loop's coding stage
DESIGN = 3  # and its system-design stage


@dataclass
class Setup:
    """A served application with an open room on a candidate's coding stage."""

    base: str
    db: Database
    candidate: int
    token: str
    cookies: dict[str, str]
    """Session cookie header per person: "hm", "one" (assigned) and "other" (an unassigned interviewer)."""

    def staff_url(self) -> str:
        return f"{self.ws}/candidates/{self.candidate}/stages/{CODING}/room/socket"

    def candidate_url(self, token: str | None = None) -> str:
        return f"{self.ws}/room/{token or self.token}/socket"

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://")

    def staff(self, who: str = "one") -> RoomClient:
        return RoomClient(self.staff_url(), origin=self.base, cookie=self.cookies[who])

    def candidate_client(self) -> RoomClient:
        return RoomClient(self.candidate_url(), origin=self.base)


def seed(db: Database, bank: Bank, key: str, *, room: bool = True) -> tuple[int, str, dict[str, str]]:
    """People, an opening, a candidate with an open room; return (candidate id, room link token, cookies)."""
    jar = CookieJar(key, secure=False)
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="Hana Manager", role="hiring_manager", password=PASSWORD)
        one = create_user(s, email="one@example.org", name="Ines One", role="interviewer", password=PASSWORD)
        other = create_user(s, email="two@example.org", name="Ivan Other", role="interviewer", password=PASSWORD)
        opening = create_opening(s, bank, title="ML engineer", profile_id="ml-engineer", actor=hm)
        add_member(s, opening, one.id)
        add_member(s, opening, other.id)
        candidate = add_candidate(s, opening, name="Cara Candidate", email="cara@example.net")
        assign_interviewer(s, candidate, position=CODING, interviewer_id=one.id)
        assign_interviewer(s, candidate, position=DESIGN, interviewer_id=one.id)
        token = open_room(s, candidate, position=CODING, actor=one, max_minutes=60).token if room else ""
        cookies = {}
        for name, user in (("hm", hm), ("one", one), ("other", other)):
            signed = jar._signer.sign(open_session(s, user).token).decode("ascii")
            cookies[name] = f"{SESSION_COOKIE}={signed}"
        return candidate.id, token, cookies
