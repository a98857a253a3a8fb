"""Scorecard drafts: autosaved, restored for their author, unreadable by anyone else, gone once submitted."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from mlscreen.store.models import ScorecardDraft
from tests.web.conftest import World
from tests.web.test_flows import ratings_for, scorecard_form

SECRET = "zqx draft: candidate hesitated on leakage"


def draft_url(world: World) -> str:
    return f"/candidates/{world.candidate}/stages/2/scorecard/draft"


def test_a_draft_is_restored_for_its_author(world: World) -> None:
    one = world.client("interviewer")
    saved = one.form(draft_url(world), {"notes": SECRET, "recommendation": "yes", "unrelated": "dropped"})
    assert saved.status_code == 200 and "Draft saved" in saved.text
    page = one.get(f"/candidates/{world.candidate}/stages/2/scorecard")
    assert SECRET in page.text and "is restored" in page.text
    assert 'value="yes" required checked' in page.text
    with world.db.session() as s:
        draft = s.scalars(select(ScorecardDraft)).one()
        assert "unrelated" not in draft.fields


def test_nobody_else_reads_a_draft_pages_and_api_included(world: World) -> None:
    assert world.client("interviewer").form(draft_url(world), {"notes": SECRET}).status_code == 200
    for who in ("interviewer2", "hm", "admin", "recruiter"):
        client = world.client(who)
        for path in (
            f"/candidates/{world.candidate}",
            f"/candidates/{world.candidate}/stages/2/scorecard",
            f"/candidates/{world.candidate}/packet",
            f"/api/v1/candidates/{world.candidate}",
            f"/api/v1/candidates/{world.candidate}/scorecards",
        ):
            answer = client.get(path)
            assert SECRET not in answer.text, (who, path)


def test_only_the_stage_reviewers_keep_drafts(world: World) -> None:
    refused = world.client("interviewer_unassigned").form(draft_url(world), {"notes": SECRET})
    assert refused.status_code in (403, 404)
    assert world.client("recruiter").form(draft_url(world), {"notes": SECRET}).status_code in (403, 404)
    missing_csrf = world.client("interviewer").http.post(draft_url(world), data={"notes": SECRET})
    assert missing_csrf.status_code == 403


def test_submitting_the_scorecard_ends_the_draft(world: World) -> None:
    one = world.client("interviewer")
    one.form(draft_url(world), {"notes": SECRET})
    sent = one.form(f"/candidates/{world.candidate}/stages/2/scorecard", scorecard_form(ratings_for(world, 2), "yes"))
    assert sent.status_code == 303, sent.text
    with world.db.session() as s:
        assert s.scalars(select(ScorecardDraft)).all() == []
    late = one.form(draft_url(world), {"notes": "after"})
    assert late.status_code == 409 and "already submitted" in late.text


def test_an_export_holds_the_draft_and_an_erasure_removes_it(world: World) -> None:
    world.client("interviewer").form(draft_url(world), {"notes": SECRET})
    admin = world.client("admin")
    export = admin.get(f"/admin/privacy/candidates/{world.candidate}/export")
    assert export.status_code == 200, export.text
    doc = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("candidate.json"))
    assert doc["scorecard_drafts"][0]["fields"]["notes"] == [SECRET]
