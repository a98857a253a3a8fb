"""The outbox page: every e-mail the application wrote, with its content and whether it was sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from mlscreen.store.outbox import mail_configured, messages
from mlscreen.web.guard import Ctx, current
from mlscreen.web.templating import render

router = APIRouter()
CtxDep = Annotated[Ctx, Depends(current)]


@router.get("/admin/outbox", name="outbox_page", include_in_schema=False)
def outbox_page(ctx: CtxDep) -> Response:
    """The newest messages, newest first, each with its recipient, subject, text and delivery state."""
    return render(ctx.request, "outbox.html", messages=messages(ctx.db), configured=mail_configured())
