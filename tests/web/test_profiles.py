"""A candidate's profile fields and CV: validated, private, served only to those who may view the candidate,
as a download, and removed by erasure."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from mlscreen.store.models import Candidate
from mlscreen.store.profiles import cv_directory
from tests.web.conftest import World

PDF = b"%PDF-1.7\n% a CV\n" + b"x" * 200


def upload(world: World, who: str, data: bytes, name: str = "cv.pdf") -> int:
    client = world.client(who)
    answer = client.form(f"/candidates/{world.candidate}/cv", files={"file": (name, data, "application/pdf")})
    return answer.status_code


def test_the_profile_is_saved_shown_and_validated(world: World) -> None:
    hm = world.client("hm")
    saved = hm.form(
        f"/candidates/{world.candidate}/profile",
        {
            "linkedin_url": "linkedin.com/in/cand-a",
            "github_url": "https://github.com/cand-a",
            "source": "referral",
            "notes": "Prefers mornings.",
        },
    )
    assert saved.status_code == 303, saved.text
    page = hm.get(f"/candidates/{world.candidate}").text
    assert "https://linkedin.com/in/cand-a" in page and "https://github.com/cand-a" in page
    assert "referral" in page and "Prefers mornings." in page and "cand.a@example.net" in page
    for field, bad in [
        ("linkedin_url", "https://evil.example/in/x"),
        ("linkedin_url", "javascript:alert(1)//linkedin.com/in/x"),
        ("github_url", "https://github.com.evil.example/x"),
        ("github_url", "https://user@github.com/x"),
        ("github_url", "https://github.com/"),
    ]:
        refused = hm.form(f"/candidates/{world.candidate}/profile", {field: bad})
        assert refused.status_code == 422, (field, bad, refused.status_code)
        assert "profile address" in refused.text and 'aria-invalid="true"' in refused.text


def test_a_cv_must_be_a_pdf_within_the_limit(world: World) -> None:
    assert upload(world, "hm", b"<html><script>alert(1)</script>", "cv.pdf") == 422
    assert upload(world, "hm", b"MZ\x90\x00 an executable", "cv.pdf") == 422
    assert upload(world, "hm", b"%PDF-" + b"x" * (901 * 1024)) == 413
    assert upload(world, "interviewer", PDF) in (403, 404)
    assert upload(world, "hm", PDF, "Cand A CV.pdf") == 303
    stored = list(cv_directory().iterdir())
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0  # private to the server's user
    assert "Cand" not in stored[0].name  # the stored file names no one


def test_the_cv_is_a_download_for_those_who_may_view_the_candidate(world: World) -> None:
    assert upload(world, "recruiter", PDF) == 303
    for who in ("interviewer", "hm", "admin"):
        got = world.client(who).get(f"/candidates/{world.candidate}/cv")
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["x-content-type-options"] == "nosniff"
    for who in ("interviewer_unassigned", "hm_other"):
        assert world.client(who).get(f"/candidates/{world.candidate}/cv").status_code in (401, 403, 404)


def test_a_new_cv_replaces_the_old_file(world: World) -> None:
    assert upload(world, "hm", PDF) == 303
    assert upload(world, "hm", PDF + b"2") == 303
    assert len(list(cv_directory().iterdir())) == 1


def test_erasure_deletes_the_cv_and_clears_the_profile(world: World) -> None:
    hm = world.client("hm")
    hm.form(f"/candidates/{world.candidate}/profile", {"github_url": "https://github.com/cand-a", "notes": "n"})
    assert upload(world, "hm", PDF) == 303
    admin = world.client("admin")
    export = admin.get(f"/admin/privacy/candidates/{world.candidate}/export")
    assert export.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(export.content)).read("cv.pdf") == PDF
    erased = admin.form(f"/admin/privacy/candidates/{world.candidate}/erase", {"confirm": str(world.candidate)})
    assert erased.status_code in (200, 303), erased.text
    assert list(cv_directory().iterdir()) == []
    with world.db.session() as s:
        candidate = s.get_one(Candidate, world.candidate)
        assert (candidate.github_url, candidate.notes, candidate.cv_file, candidate.cv_name) == (None, "", None, None)
    assert admin.get(f"/candidates/{world.candidate}/cv").status_code == 404
    assert Path(cv_directory()).is_dir()


def test_the_api_shows_the_profile_to_those_who_may_view_the_candidate(world: World) -> None:
    world.client("hm").form(f"/candidates/{world.candidate}/profile", {"github_url": "github.com/cand-a"})
    assert upload(world, "hm", PDF) == 303
    got = world.client("interviewer").get(f"/api/v1/candidates/{world.candidate}")
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["github_url"], body["linkedin_url"], body["has_cv"]) == ("https://github.com/cand-a", None, True)
