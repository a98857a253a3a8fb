"""Jinja2 templates for the pages, rendered with the request's context (user, CSRF token, flash)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from mlscreen.store.privacy import candidate_notice
from mlscreen.web.flash import clear_flash, take_flash
from mlscreen.web.markdown import render_markdown
from mlscreen.web.policy import role_allows

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


@pass_context
def path_for(context: Context, route: str, /, **params: Any) -> str:
    """Return the path of the route named `route` with its path parameters (which may include one called
    `name`): pages name routes, never spell their paths."""
    request: Request = context["request"]
    return str(request.app.url_path_for(route, **{k: str(v) for k, v in params.items()}))


@pass_context
def can(context: Context, action: str) -> bool:
    """Return True when the signed-in user may perform `action`, one decided by the role (policy.ROLE_ACTIONS)."""
    viewer = context.get("user")
    return viewer is not None and role_allows(viewer.role, action)


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
