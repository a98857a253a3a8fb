"""Authorization, in one place: which action each route performs and who may perform it, on which objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlscreen.errors import AuthenticationError, ForbiddenError, NotFoundError
from mlscreen.store.candidates import is_assigned
from mlscreen.store.models import Candidate, Opening, Scorecard, User, WrittenAnswer
from mlscreen.store.openings import manages, member_ids
from mlscreen.store.scorecards import find_scorecard

# Routes that need no signed-in user. "candidate_link" routes are opened by a candidate's assessment token.
PUBLIC = "public"
CANDIDATE_LINK = "candidate_link"
ROOM_LINK = "room_link"
"""Routes opened by a candidate's live-room token (a room link dies when its room closes)."""


@dataclass
class Target:
    """What a request acts on, loaded from its path parameters."""

    opening: Opening | None = None
    candidate: Candidate | None = None
    position: int | None = None
    answer: WrittenAnswer | None = None

    @property
    def kind(self) -> str:
        """Return what the path names: "answer", "candidate" or "opening"."""
        if self.answer is not None:
            return "answer"
        return "candidate" if self.candidate is not None else "opening"


def not_found(kind: str) -> NotFoundError:
    """Return the error for an object of `kind` that does not exist, or that the user may not see.

    Both answer with this same error (status and body), so ids of other openings' objects reveal nothing.
    """
    return NotFoundError(f"no such {kind}", hint="check the link")


Rule = Callable[[Session, User, Target], bool]


def _role(*roles: str) -> Rule:
    return lambda _db, user, _t: user.role in roles


def _member(db: Session, user: User, target: Target) -> bool:
    return target.opening is not None and (user.role == "admin" or user.id in member_ids(db, target.opening.id))


def _manager(_db: Session, user: User, target: Target) -> bool:
    return user.role == "admin" or (target.opening is not None and manages(user, target.opening))


def _recruiter_member(db: Session, user: User, target: Target) -> bool:
    return user.role == "recruiter" and _member(db, user, target)


def _assigned(db: Session, user: User, target: Target) -> bool:
    return target.candidate is not None and _member(db, user, target) and is_assigned(db, target.candidate.id, user.id)


def _view_candidate(db: Session, user: User, target: Target) -> bool:
    if user.role == "interviewer":  # interviewers see only the candidates they interview
        return _assigned(db, user, target)
    return _member(db, user, target)


def _any(*rules: Rule) -> Rule:
    return lambda db, user, target: any(rule(db, user, target) for rule in rules)


ROLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "admin": ("admin",),
    "opening.create": ("admin", "hiring_manager"),
}
"""Actions decided by the role alone: pages may ask about them even after the request's transaction ended."""

ACTIONS: dict[str, Rule] = {
    "signed_in": lambda _db, _u, _t: True,
    **{action: _role(*roles) for action, roles in ROLE_ACTIONS.items()},
    "opening.view": _member,
    "opening.manage": _manager,
    "candidate.manage": _any(_manager, _recruiter_member),
    "candidate.view": _view_candidate,
    "prescreen.submit": _any(_manager, _recruiter_member),
    "scorecard.submit": _any(_manager, _assigned),
    "room.host": _any(_manager, _assigned),
    "packet.view": _manager,
    "candidate.reveal": _manager,
    "similarity.view": _manager,
    "decision.make": _manager,
    "decision.reopen": _role("admin"),
}

# Every route of the application, by name, and the action it performs. A route missing here cannot be served.
ROUTES: dict[str, str] = {
    "healthz": PUBLIC,
    "login_form": PUBLIC,
    "login": PUBLIC,
    "password_forgot_form": PUBLIC,
    "password_forgot": PUBLIC,
    "password_reset_form": PUBLIC,
    "password_reset": PUBLIC,
    "logout": "signed_in",
    "account_page": "signed_in",
    "account_timezone": "signed_in",
    "calendar_feed_make": "signed_in",
    "calendar_feed_revoke": "signed_in",
    "calendar_feed": PUBLIC,
    "dashboard": "signed_in",
    "question_page": "signed_in",
    "openings": "signed_in",
    "opening_new_form": "opening.create",
    "opening_create": "opening.create",
    "opening_page": "opening.view",
    "plan_form": "opening.create",
    "plan_result": "opening.create",
    "plan_open_roles": "opening.create",
    "opening_stage_update": "opening.manage",
    "opening_member_add": "opening.manage",
    "opening_blind_review": "opening.manage",
    "opening_rename": "opening.manage",
    "opening_status": "opening.manage",
    "candidate_create": "candidate.manage",
    "candidate_import": "candidate.manage",
    "candidate_page": "candidate.view",
    "candidates_page": "signed_in",
    "candidates_bulk": "signed_in",
    "candidate_profile": "candidate.manage",
    "candidate_cv_upload": "candidate.manage",
    "candidate_cv": "candidate.view",
    "candidate_move": "candidate.manage",
    "candidate_status": "candidate.manage",
    "candidate_assign": "candidate.manage",
    "candidate_unassign": "candidate.manage",
    "candidate_invite": "candidate.manage",
    "candidate_invite_revoke": "candidate.manage",
    "candidate_reopen": "decision.reopen",
    "candidate_reveal": "candidate.reveal",
    "prescreen_form": "prescreen.submit",
    "prescreen_submit": "prescreen.submit",
    "scorecard_form": "scorecard.submit",
    "scorecard_submit": "scorecard.submit",
    "scorecard_draft": "scorecard.submit",
    "answer_review": "scorecard.submit",
    "assessment_replay": "candidate.view",
    "packet_page": "packet.view",
    "packet_pdf": "packet.view",
    "decision_submit": "decision.make",
    "audit_page": "admin",
    "users_page": "admin",
    "user_create": "admin",
    "user_active": "admin",
    "room_page": "room.host",
    "room_open": "room.host",
    "room_link": "room.host",
    "room_notes": "room.host",
    "room_close": "room.host",
    "room_record": "room.host",
    "room_join": ROOM_LINK,
    # Websocket routes: the room's socket authorizes its handshake with the same actions (web/rooms/sockets.py).
    "room_socket": "room.host",
    "room_join_socket": ROOM_LINK,
    "portal_page": CANDIDATE_LINK,
    "portal_start": CANDIDATE_LINK,
    "portal_draft": CANDIDATE_LINK,
    "portal_submit": CANDIDATE_LINK,
    "portal_result": CANDIDATE_LINK,
    "portal_examples": CANDIDATE_LINK,
    "portal_selfid": CANDIDATE_LINK,
    "portal_selfid_save": CANDIDATE_LINK,
    "portal_try": CANDIDATE_LINK,
    "api_session_create": PUBLIC,
    "api_session_delete": "signed_in",
    "api_me": "signed_in",
    "api_profiles": "signed_in",
    "api_openings": "signed_in",
    "api_opening_create": "opening.create",
    "api_opening": "opening.view",
    "api_opening_stage_update": "opening.manage",
    "api_opening_blind_review": "opening.manage",
    "api_opening_update": "opening.manage",
    "api_candidates": "opening.view",
    "api_candidate_create": "candidate.manage",
    "api_candidate": "candidate.view",
    "api_candidate_move": "candidate.manage",
    "api_candidate_assign": "candidate.manage",
    "api_candidate_invite": "candidate.manage",
    "api_invite_revoke": "candidate.manage",
    "api_candidate_reopen": "decision.reopen",
    "api_candidate_reveal": "candidate.reveal",
    "api_scorecards": "candidate.view",
    "api_scorecard_create": "scorecard.submit",
    "api_packet": "packet.view",
    "api_assessment_replay": "candidate.view",
    "api_decision_create": "decision.make",
    "api_audit": "admin",
    "api_jobs": "admin",
    "jobs_page": "admin",
    "outbox_page": "admin",
    "jobs_retry": "admin",
    "api_jobs_failed": "admin",
    "api_jobs_retry": "admin",
    "privacy_page": "admin",
    "candidate_export": "admin",
    "candidate_erase": "admin",
    "retention_apply": "admin",
    "api_report": "admin",
    "api_opening_report": "packet.view",
    "reports_page": "admin",
    "reports_csv": "admin",
    "opening_reports_page": "packet.view",
    "opening_reports_csv": "packet.view",
    "opening_similarity_page": "similarity.view",
}


def action_of(route_name: str) -> str:
    """Return the action a route performs; raises `ForbiddenError` for a route with no policy (deny by default)."""
    action = ROUTES.get(route_name)
    if action is None:
        raise ForbiddenError("this page has no access policy", hint="report this to the administrator")
    return action


def authorize(db: Session, user: User | None, action: str, target: Target) -> None:
    """Allow the request or raise.

    Raises `AuthenticationError` when nobody is signed in, `NotFoundError` when the target lies in an opening
    (or is a candidate) the user may not see, the very error a missing object gives (see `not_found`), so ids of
    other openings reveal nothing, and `ForbiddenError` when the user sees the target but may not perform the
    action.
    """
    if action in (PUBLIC, CANDIDATE_LINK, ROOM_LINK):
        return
    if user is None:
        raise AuthenticationError("please sign in", hint="sign in, then try again")
    if target.opening is not None and not _member(db, user, target):
        raise not_found(target.kind)
    if target.candidate is not None and not _view_candidate(db, user, target):
        raise not_found(target.kind)
    if not ACTIONS[action](db, user, target):
        raise ForbiddenError("you may not do this", hint="ask the hiring manager or an administrator for access")


def role_allows(role: str, action: str) -> bool:
    """Return True when a user with `role` may perform `action`, one of `ROLE_ACTIONS` (for links in pages).

    Raises `ValueError` for an action that depends on the opening or candidate: ask `can` with its target.
    """
    if action not in ROLE_ACTIONS:
        raise ValueError(f"{action!r} is not decided by the role alone; use can() with its target")
    return role in ROLE_ACTIONS[action]


def can(db: Session, user: User, action: str, target: Target) -> bool:
    """Return True when `user` may perform `action` on `target` (for showing or hiding links)."""
    try:
        authorize(db, user, action, target)
    except (AuthenticationError, ForbiddenError, NotFoundError):
        return False
    return True


def sees_all_scorecards(db: Session, user: User, candidate: Candidate, position: int) -> bool:
    """Return True when `user` may read every scorecard of the candidate's stage.

    Admins and the opening's hiring manager always may; anyone else only after submitting their own scorecard
    for that stage, so a first impression is never shaped by someone else's.
    """
    if _manager(db, user, Target(opening=candidate.opening)):
        return True
    return find_scorecard(db, candidate.id, position, user.id) is not None


def visible_scorecards(db: Session, user: User, candidate: Candidate, cards: list[Scorecard]) -> list[Scorecard]:
    """Return the scorecards `user` may read: their own, plus others' for stages where they may see all."""
    allowed: dict[int, bool] = {}
    out = []
    for card in cards:
        if card.interviewer_id == user.id:
            out.append(card)
            continue
        if card.stage_position not in allowed:
            allowed[card.stage_position] = sees_all_scorecards(db, user, candidate, card.stage_position)
        if allowed[card.stage_position]:
            out.append(card)
    return out
