"""/api/v1/reports: every report answers in its declared shape, scoped to the organisation or an opening."""

from __future__ import annotations

import pytest

from mlscreen.store.reports import REPORTS
from mlscreen.web.api_models import ReportOut
from tests.web.conftest import World


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_answers_in_its_model(world: World, name: str) -> None:
    admin = world.client("admin")
    for path in (
        f"/api/v1/reports/{name}",
        f"/api/v1/openings/{world.opening}/reports/{name}?since=2000-01-01T00:00:00Z",
    ):
        response = admin.get(path)
        assert response.status_code == 200, response.text
        body = ReportOut.model_validate(response.json()).root
        assert body.report == name


def test_scope_and_bad_input(world: World) -> None:
    hm = world.client("hm")
    funnel = hm.get(f"/api/v1/openings/{world.opening}/reports/funnel").json()
    assert funnel["stages"] and funnel["stages"][0]["entered"] >= 1
    future = hm.get(f"/api/v1/openings/{world.opening}/reports/funnel?since=2999-01-01T00:00:00Z").json()
    assert future["stages"] == []
    assert hm.get("/api/v1/reports/funnel").status_code == 403  # the organisation's figures are for admins
    wrong = world.client("admin").get("/api/v1/reports/fairness")
    assert wrong.status_code == 422 and "funnel" in wrong.text
    assert world.client("admin").get("/api/v1/reports/funnel?since=yesterday").status_code == 422
