"""Jinja2 templates for the pages, rendered with the request's context (user, CSRF token, flash)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from mlscreen import settings
from mlscreen.bank.models import COMPETENCY_LABELS
from mlscreen.store.privacy import candidate_notice
from mlscreen.web.flash import clear_flash, take_flash
from mlscreen.web.markdown import render_markdown
from mlscreen.web.policy import role_allows
from mlscreen.zones import show, show_day

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Templates ship with the package and do not change while the server runs: never stat them again per render.
TEMPLATES.env.auto_reload = False
TEMPLATES.env.globals["RECOMMENDATION_LABELS"] = {
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
    "insufficient_evidence": "Insufficient evidence",
}


def label(value: object) -> str:
    """Return how pages name an identifier: a competency by its name ("ML knowledge"), anything else (roles,
    outcomes, statuses) with spaces for underscores."""
    text = str(value)
    return COMPETENCY_LABELS.get(text) or text.replace("_", " ")


@pass_context
def path_for(context: Context, route: str, /, **params: Any) -> str:
    """Return the path of the route named `route` with its path parameters (which may include one called
    `name`): pages name routes, never spell their paths."""
    request: Request = context["request"]
    if route == "static":  # the fingerprinted name, which browsers may keep for a year
        params["path"] = request.app.state.assets.fingerprinted(str(params["path"]))
    return str(request.app.url_path_for(route, **{k: str(v) for k, v in params.items()}))


@pass_context
def can(context: Context, action: str) -> bool:
    """Return True when the signed-in user may perform `action`, one decided by the role (policy.ROLE_ACTIONS)."""
    viewer = context.get("user")
    return viewer is not None and role_allows(viewer.role, action)


TEMPLATES.env.filters["label"] = label


def viewer_zone(context: Context) -> str:
    """Return the zone the page shows times in: the signed-in user's, else MLSCREEN_DEFAULT_TIMEZONE."""
    viewer = context.get("user")
    return str(getattr(viewer, "timezone", "") or settings.DEFAULT_TIMEZONE.get())


@pass_context
def when(context: Context, moment: datetime | str | None, seconds: bool = False) -> str:
    """Filter: the moment (a datetime or its ISO text, as JSON-shaped records hold it) in the viewer's zone, with
    the zone ("2026-03-29 03:30 CEST"); empty for None."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return "" if moment is None else show(moment, viewer_zone(context), seconds=seconds)


@pass_context
def day(context: Context, moment: datetime | None) -> str:
    """Filter: the moment's date in the viewer's zone ("2026-03-29"); empty for None."""
    return "" if moment is None else show_day(moment, viewer_zone(context))


TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["day"] = day
TEMPLATES.env.globals["viewer_zone"] = pass_context(viewer_zone)
TEMPLATES.env.globals["path_for"] = path_for
TEMPLATES.env.globals["can"] = can
TEMPLATES.env.filters["markdown"] = render_markdown
TEMPLATES.env.globals["candidate_notice"] = candidate_notice  # settings can change between requests


def compile_templates() -> int:
    """Compile every template now (at start-up) rather than on a first request; return how many."""
    names = TEMPLATES.env.list_templates(extensions=["html"])
    for name in names:
        TEMPLATES.env.get_template(name)
    return len(names)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Return the template `name` rendered with `context` plus who is asking (`user`), the CSRF token and the
    flash message waiting for this browser (shown once: a full page takes it, a fragment leaves it)."""
    context.setdefault("user", getattr(request.state, "viewer", None))
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    page = not name.startswith("_")
    if page:
        context.setdefault("flash", take_flash(request))
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    if page:
        clear_flash(request, response)
    return response


def render_error(request: Request, *, status: int, message: str, hint: str | None, errors: list[str]) -> HTMLResponse:
    """Return the error page."""
    return render(request, "error.html", status=status, message=message, hint=hint, errors=errors)
