"""A candidate's profile: LinkedIn and GitHub addresses, where they came from, notes, and a CV (a PDF) kept as a
private file in the data directory. All of it is personal data: export lists it, erasure removes it (the CV file
included, see `store/privacy.py`)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from mlscreen import settings
from mlscreen.errors import InvalidFieldsError, NotFoundError, TooLargeError, UsageError
from mlscreen.private import FILE_MODE, private_directory
from mlscreen.store import audit
from mlscreen.store.models import Candidate, User, utcnow
from mlscreen.store.names import clean_name

MAX_NOTES = 5000
MAX_SOURCE = 100
PDF_MAGIC = b"%PDF-"
_HOSTS = {"linkedin_url": ("linkedin.com", "LinkedIn"), "github_url": ("github.com", "GitHub")}
_PATH = re.compile(r"^/[A-Za-z0-9._~%/-]*$")
_CV_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def cv_directory() -> Path:
    """Return the directory CVs are kept in (`cvs/` in the data directory; `save_cv` makes it, mode 0700)."""
    return Path(settings.DATA_DIR.get()) / "cvs"


def _profile_url(field: str, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    host, label = _HOSTS[field]
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    name = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("https", "http")
        or not (name == host or name.endswith("." + host))
        or parts.username is not None
        or parts.port is not None
        or not _PATH.match(parts.path or "/")
        or len(parts.path) < 2
        or len(text) > 300
    ):
        raise InvalidFieldsError(
            f"{text[:80]!r} is not a {label} profile address",
            fields={field: f"give an address like https://{host}/…"},
            hint=f"copy the address of the profile page from {label}",
        )
    return f"https://{name}{parts.path}"


def update_profile(
    db: Session,
    candidate: Candidate,
    *,
    actor: User,
    linkedin_url: str = "",
    github_url: str = "",
    source: str = "",
    notes: str = "",
) -> Candidate:
    """Set the candidate's profile fields (audited: which fields changed, not their values); return the candidate.

    Raises `InvalidFieldsError` for an address that is not a LinkedIn or GitHub profile page or text too long.
    """
    _alive(candidate)
    if len(notes) > MAX_NOTES:
        raise InvalidFieldsError(
            f"the notes are longer than {MAX_NOTES} characters", fields={"notes": "shorten the notes"}
        )
    source = clean_name(source, what="the source", limit=MAX_SOURCE) if source.strip() else ""
    values = {
        "linkedin_url": _profile_url("linkedin_url", linkedin_url),
        "github_url": _profile_url("github_url", github_url),
        "source": source,
        "notes": notes.replace("\r\n", "\n"),
    }
    changed = sorted(k for k, v in values.items() if getattr(candidate, k) != v)
    for key, value in values.items():
        setattr(candidate, key, value)
    if changed:
        audit.record(
            db,
            actor_id=actor.id,
            action="candidate.profile_changed",
            object_type="candidate",
            object_id=candidate.id,
            opening_id=candidate.opening_id,
            fields=changed,
        )
    db.flush()
    return candidate


def save_cv(db: Session, candidate: Candidate, data: bytes, *, filename: str, actor: User) -> Candidate:
    """Keep `data` as the candidate's CV (replacing an earlier one; audited) and return the candidate.

    Raises `UsageError` unless the file is a PDF (by its first bytes, whatever its name says) and `TooLargeError`
    over `MLSCREEN_MAX_CV_KB`.
    """
    _alive(candidate)
    limit = settings.MAX_CV_KB.get()
    if len(data) > limit * 1024:
        raise TooLargeError(f"the CV is larger than {limit} KiB", hint="upload a smaller PDF")
    if not data.startswith(PDF_MAGIC):
        raise UsageError("the CV is not a PDF file", hint="export or print the CV as PDF, then upload that")
    directory = private_directory(cv_directory())
    stored = f"cv-{candidate.id}-{secrets.token_hex(12)}.pdf"
    fd = os.open(directory / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    old = candidate.cv_file
    candidate.cv_file = stored
    candidate.cv_name = (_CV_NAME.sub("_", Path(filename or "cv.pdf").name).strip() or "cv.pdf")[:200]
    candidate.cv_uploaded_at = utcnow()
    audit.record(
        db,
        actor_id=actor.id,
        action="candidate.cv_uploaded",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        size=len(data),
    )
    db.flush()
    if old:
        remove_cv_file(old)
    return candidate


def cv_path(candidate: Candidate, *, identity_hidden: bool = False) -> Path:
    """Return the path of the candidate's stored CV; raises `NotFoundError` when there is none, or when the asker
    sees the candidate under blind review (`identity_hidden`, from store/blind.py): a CV names its author."""
    if not candidate.cv_file or candidate.erased_at is not None or identity_hidden:
        raise NotFoundError("this candidate has no CV", hint="upload one from the candidate's page")
    path = cv_directory() / Path(candidate.cv_file).name
    if not path.is_file():
        raise NotFoundError("the CV file is missing from the data directory", hint="upload it again")
    return path


def remove_cv_file(name: str) -> bool:
    """Delete the stored CV file called `name`; return whether there was one."""
    path = cv_directory() / Path(name).name
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _alive(candidate: Candidate) -> None:
    if candidate.erased_at is not None:
        raise UsageError("this candidate's data was erased", hint="nothing can be added to an erased record")
