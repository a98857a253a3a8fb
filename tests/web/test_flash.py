"""Flash messages: one line of feedback after a save, shown once, announced, never forged."""

from __future__ import annotations

from mlscreen.web.flash import FLASH_COOKIE
from tests.web.conftest import World


def test_adding_a_candidate_says_so_once(world: World) -> None:
    hm = world.client("hm")
    added = hm.form(f"/openings/{world.opening}/candidates", {"name": "New Person", "email": "new@example.net"})
    assert added.status_code == 303 and FLASH_COOKIE in added.cookies
    page = hm.get(added.headers["location"])
    assert '<div class="flash-area" role="status"><p class="flash" id="flash">Candidate added.</p>' in page.text
    again = hm.get(added.headers["location"])
    assert 'id="flash"' not in again.text  # shown once


def test_a_refused_form_sets_no_flash(world: World) -> None:
    hm = world.client("hm")
    refused = hm.form(f"/openings/{world.opening}/candidates", {"name": "X", "email": "not-an-address"})
    assert refused.status_code == 422 and FLASH_COOKIE not in refused.cookies
    assert 'id="flash"' not in refused.text


def test_importing_giving_access_and_adding_a_user_say_so(world: World) -> None:
    hm = world.client("hm")
    csv = b"name,email\nOne,one@example.net\nTwo,two@example.net\n"
    imported = hm.form(f"/openings/{world.opening}/candidates/import", files={"file": ("c.csv", csv, "text/csv")})
    assert "2 candidate(s) imported." in hm.get(imported.headers["location"]).text
    given = hm.form(f"/openings/{world.opening}/members", {"user_id": world.users["hm_other"]})
    assert given.status_code == 303 and "Access given." in hm.get(given.headers["location"]).text
    admin = world.client("admin")
    made = admin.form(
        "/admin/users",
        {"email": "fresh@example.org", "name": "Fresh", "role": "interviewer", "password": "a long enough password"},
    )
    assert made.status_code == 303, made.text
    assert "User added." in admin.get(made.headers["location"]).text


def test_a_forged_flash_shows_nothing(world: World) -> None:
    hm = world.client("hm")
    hm.http.cookies.set(FLASH_COOKIE, "Your account is locked: call 555.")
    page = hm.get(f"/openings/{world.opening}")
    assert page.status_code == 200 and "555" not in page.text
