"""The decision packet as a PDF: produced, parseable, with the stage table, the competency chart and the decision."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from mlscreen.bank import Bank
from mlscreen.store.models import Candidate
from mlscreen.store.scorecards import categories, submit_scorecard
from tests.web.conftest import World


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _rate(world: World, bank: Bank) -> list[str]:
    """Two interviewers rate the candidate's third stage far apart (a disagreement); return every stage's title."""
    from mlscreen.store.models import User

    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        stage = candidate.opening.stages[2]
        for who, level in (("interviewer", 1), ("interviewer2", 4)):
            ratings = {c.id: {"rating": level, "evidence": "zqpdfnote"} for _r, c in categories(bank, stage)}
            person = s.get_one(User, world.users[who])
            submit_scorecard(s, bank, candidate, position=2, interviewer=person, ratings=ratings, recommendation="yes")
        return [st.title for st in candidate.opening.stages]


def test_packet_pdf_has_the_stage_table_chart_and_decision(world: World, bank: Bank) -> None:
    titles = _rate(world, bank)
    hm = world.client("hm")
    decided = hm.api(
        "POST",
        f"/api/v1/candidates/{world.candidate}/decision",
        {"outcome": "no_hire", "rationale": "Not enough depth on evaluation."},
    )
    assert decided.status_code == 201, decided.text
    page = hm.get(f"/candidates/{world.candidate}/packet")
    assert f"/candidates/{world.candidate}/packet.pdf" in page.text
    response = hm.get(f"/candidates/{world.candidate}/packet.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Decision packet: Cand A" in text and "By stage" in text
    for title in titles:  # the stage table lists every stage of the loop
        assert " ".join(title.split()) in text, title
    assert "1 vs 4" in text.split("Disagreements", 1)[1]  # the panel's spread, listed
    assert "Not enough depth on evaluation." in text and "no hire" in text
    assert "Mean rating" in text  # the competency chart's title, drawn from its SVG
    assert "zqpdfnote" not in text  # interviewers' notes stay on the packet page


def test_packet_pdf_is_refused_to_those_who_may_not_see_the_packet(world: World) -> None:
    assert world.client("interviewer").get(f"/candidates/{world.candidate}/packet.pdf").status_code == 403
    assert world.client("hm_other").get(f"/candidates/{world.candidate}/packet.pdf").status_code == 404


def test_no_connection_is_held_while_the_pdf_renders(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlscreen.reports import pdf
    from tests.web.test_concurrency import PoolWatch

    pool = PoolWatch(world.db)
    held: list[int] = []
    real = pdf.to_pdf

    def watched(html: str) -> bytes:  # the real renderer, noting the pool meanwhile
        held.append(pool.now)
        return real(html)

    monkeypatch.setattr(pdf, "to_pdf", watched)
    response = world.client("hm").get(f"/candidates/{world.candidate}/packet.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert held == [0], "a database connection stayed checked out while the PDF was rendered"
