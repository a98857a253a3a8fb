"""Pages say things one way: stages numbered from 1, competencies by name, CSV headers as people write them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mlscreen.store.models import Candidate
from tests.web.conftest import World


@pytest.mark.parametrize(
    "header",
    ["Name,E-mail", "NAME,EMAIL", "Full name,Email address", "Nom,Adresse e-mail", "Nombre,Correo electrónico"],
)
def test_csv_headers_are_read_whatever_their_case_accents_or_usual_name(world: World, header: str) -> None:
    rec = world.client("recruiter")
    data = f"{header}\nLee Park,lee@example.net\n".encode()
    page = rec.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", data, "text/csv")})
    assert page.status_code == 303, page.text
    with world.db.session() as s:
        assert s.scalar(select(Candidate.name).where(Candidate.email == "lee@example.net")) == "Lee Park"


def test_a_header_without_an_email_column_or_with_two_says_what_to_fix(world: World) -> None:
    rec = world.client("recruiter")
    url = f"/openings/{world.opening}/candidates/import"
    missing = rec.form(url, files={"file": ("c.csv", b"Name,Phone\nLee,1\n", "text/csv")})
    assert missing.status_code == 422 and "must have a name column and an e-mail column" in missing.text
    twice = rec.form(
        url, files={"file": ("c.csv", b"Name,Email,E-mail\nLee,a@example.net,b@example.net\n", "text/csv")}
    )
    assert twice.status_code == 422 and "the columns Email, E-mail all give the email; keep one of them" in twice.text


def test_the_audit_log_numbers_stages_from_one_like_scorecards(world: World) -> None:
    moved = world.client("recruiter").api("POST", f"/api/v1/candidates/{world.candidate}/stage", {"position": 2})
    assert moved.status_code == 200
    page = world.client("admin").get("/admin/audit").text
    assert "before: stage 1; after: stage 3" in page
    assert '"before": 0' not in page


def test_competencies_are_named_not_shown_as_identifiers(world: World) -> None:
    kit = world.client("interviewer").get(f"/candidates/{world.candidate}/stages/2/scorecard").text
    assert "ML knowledge" in kit or "Coding" in kit
    assert "ml knowledge" not in kit and "ownership communication" not in kit
