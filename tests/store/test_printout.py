"""The printed packet's data: titles for every item, and the name and free text a viewer may be shown."""

from __future__ import annotations

import json

from mlscreen.bank import Bank
from mlscreen.store.accounts import create_user
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.models import Candidate, User
from mlscreen.store.openings import create_opening
from mlscreen.store.packet import decide
from mlscreen.store.printout import printable_packet


def test_printed_packet_data_with_a_pseudonym(database: Database, bank: Bank) -> None:
    with database.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="admin", password="a long enough password")
        opening = create_opening(s, bank, title="MLE", profile_id="ml-engineer", actor=hm)
        person = add_candidate(s, opening, name="Zed Quill", email="zed@example.org")
        s.flush()
        decide(s, bank, person, outcome="no_hire", rationale="Zed Quill lacked depth on evaluation.", actor=hm)
        cid, titles = person.id, [st.title for st in opening.stages]
    with database.session(write=False) as s:
        person = s.get_one(Candidate, cid)
        plain = printable_packet(s, bank, person)
        hidden = printable_packet(
            s, bank, person, name="Candidate K7", redact=lambda t: (t or "").replace("Zed Quill", "Candidate K7")
        )
        hm_name = s.get_one(User, 1).name
    assert plain["candidate"]["name"] == "Zed Quill" and plain["decision"]["by"] == hm_name
    assert [st["title"] for st in plain["packet"]["stages"]] == titles
    assert plain["decision"]["outcome"] == "no_hire" and "Zed Quill" in plain["decision"]["rationale"]
    assert hidden["candidate"]["name"] == "Candidate K7" and "Zed" not in json.dumps(hidden)
