"""/api/v1/reports: every report answers in its declared shape, scoped to the organisation or an opening."""

from __future__ import annotations

import html
import json
import re

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


@pytest.mark.parametrize("name", REPORTS)
def test_report_pages_show_chart_table_and_csv(world: World, name: str) -> None:
    hm = world.client("hm")
    page = hm.get(f"/openings/{world.opening}/reports/{name}?since=2000-01-01")
    assert page.status_code == 200, page.text
    assert "<svg" in page.text and f"/openings/{world.opening}/reports/{name}/csv?since=2000-01-01" in page.text
    assert "<script" not in page.text.split("<figure", 1)[1]  # no inline script: nothing for the CSP to block
    spec = re.search(r"data-spec='([^']*)'", page.text)  # the spec the charts bundle draws, as JSON data
    assert spec and json.loads(html.unescape(spec.group(1)))["$schema"].startswith("https://vega.github.io/")
    assert "/static/charts." in page.text
    table = hm.get(f"/openings/{world.opening}/reports/{name}/csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    admin = world.client("admin")
    assert admin.get(f"/admin/reports/{name}").status_code == 200


def test_report_page_bad_date(world: World) -> None:
    page = world.client("admin").get("/admin/reports/funnel?since=31/12/2025")
    assert page.status_code == 422 and "YYYY-MM-DD" in page.text
