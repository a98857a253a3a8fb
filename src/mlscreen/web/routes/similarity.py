"""An opening's similar submissions: pairs of code that share more than honest solutions do, as evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from mlscreen.store.similarity import opening_report
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]


@router.get("/openings/{opening_id}/similarity", name="opening_similarity_page")
def opening_similarity_page(ctx: CtxDep, opening_id: int) -> Response:
    """The opening's submissions that resemble other submissions or the exercise's own code, side by side."""
    items, advice = opening_report(ctx.db, opening_id, all_openings=ctx.me.role == "admin")
    return render(ctx.request, "similarity.html", opening=ctx.opening, items=items, advice=advice)
