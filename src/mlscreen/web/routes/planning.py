"""The team planner as a page: facts in a form, the plan with its reasons, and its waves opened as roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from mlscreen.planning import TeamFacts, TeamPlan, plan_team
from mlscreen.planning.facts import HEADCOUNT_ROLES, Headcount
from mlscreen.store.accounts import get_user
from mlscreen.store.planning import open_plan_roles
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]

FACT_FIELDS: tuple[str, ...] = tuple(name for name in TeamFacts.model_fields if name != "headcount")
FORM_FIELDS: tuple[str, ...] = FACT_FIELDS + HEADCOUNT_ROLES
MAX_VALUE = 40  # characters per form field; no fact needs more


def _model_of(name: str) -> type[BaseModel]:
    return Headcount if name in HEADCOUNT_ROLES else TeamFacts


def field_help(name: str) -> str:
    """Return the description of a form field, from the facts model."""
    return _model_of(name).model_fields[name].description or ""


def parse_facts(form: Mapping[str, Any]) -> tuple[TeamFacts | None, dict[str, str], dict[str, str]]:
    """Return (facts or None, the submitted values, an error per bad field) from a submitted form.

    Empty fields are left out: an optional fact is then unknown, a headcount role 0, a required fact missing.
    """
    values = {name: str(form.get(name, "") or "").strip()[:MAX_VALUE] for name in FORM_FIELDS}
    data: dict[str, Any] = {n: values[n] for n in FACT_FIELDS if values[n]}
    data["headcount"] = {n: values[n] for n in HEADCOUNT_ROLES if values[n]}
    try:
        return TeamFacts.model_validate(data), values, {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
            name = loc[-1] if loc else "use_cases"
            given = "" if err["type"] == "missing" else f" (got {err['input']!r})"
            wanted = field_help(name) if name in FORM_FIELDS else ""
            errors.setdefault(name, f"{name}: {err['msg']}{given}" + (f"; expected {wanted}" if wanted else ""))
        return None, values, errors


def _page(ctx: Ctx, values: dict[str, str], *, errors: dict[str, str], plan: TeamPlan | None) -> Response:
    return render(
        ctx.request,
        "plan.html",
        status=422 if errors else 200,
        fields=[(n, field_help(n)) for n in FACT_FIELDS],
        roles=[(n, field_help(n)) for n in HEADCOUNT_ROLES],
        values=values,
        errors=errors,
        plan=plan.to_json() if plan is not None else None,
    )


@router.get("/plan", name="plan_form")
def plan_form(ctx: CtxDep) -> Response:
    """The facts form of the team planner."""
    return _page(ctx, {n: "" for n in FORM_FIELDS}, errors={}, plan=None)


@router.post("/plan", name="plan_result")
async def plan_result(ctx: CtxDep) -> Response:
    """The plan for the submitted facts, or the form with every bad field named."""
    facts, values, errors = parse_facts(await ctx.request.form())
    await ctx.release()  # planning takes a tenth of a second or more and reads nothing stored
    plan = None if facts is None else await run_in_threadpool(plan_team, facts, bank=ctx.bank)
    return await run_in_threadpool(_page, ctx, values, errors=errors, plan=plan)


@router.post("/plan/openings", name="plan_open_roles")
async def plan_open_roles(ctx: CtxDep) -> Response:
    """Open one role per wave of the plan for the submitted facts that has a bank profile; then list openings."""
    facts, values, errors = parse_facts(await ctx.request.form())
    if facts is None:
        return await run_in_threadpool(_page, ctx, values, errors=errors, plan=None)
    # Plan first, holding nothing; then open the roles in a short transaction of their own.
    actor = ctx.me.id
    await ctx.release()
    plan = await run_in_threadpool(plan_team, facts, bank=ctx.bank)

    def work(db: Session) -> int:
        return len(open_plan_roles(db, ctx.bank, plan, actor=get_user(db, actor)).created)

    async with ctx.transaction() as db:
        created = await run_in_threadpool(work, db)
    return RedirectResponse(f"/openings?opened={created}", status_code=303)
