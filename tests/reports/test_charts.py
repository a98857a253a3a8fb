"""Every report has a chart: a Vega-Lite spec, its table as CSV, and a static SVG rendered without a network."""

from __future__ import annotations

import csv
import io

import pytest

from mlscreen.reports import Design, simulate
from mlscreen.reports.charts import chart, to_csv, to_svg
from mlscreen.store.reports import REPORTS, Tables, build


@pytest.fixture(scope="module")
def tables() -> Tables:
    sim = simulate(Design(candidates=200, pass_rates={"female": 0.4, "male": 0.7}), seed=1)
    return Tables(sim.ratings, sim.recommendations, sim.visits, sim.advice, sim.identities, sim.scores)


@pytest.mark.parametrize("name", REPORTS)
def test_chart_table_and_svg(tables: Tables, name: str) -> None:
    rows, spec = chart(build(name, tables))
    assert rows and spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(parsed) == len(rows) and set(parsed[0]) == set(rows[0])
    svg = to_svg(spec)
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg


def test_impact_chart_leaves_out_suppressed_groups(tables: Tables) -> None:
    body = build("adverse-impact", tables, min_group=40)
    rows, _spec = chart(body)
    shown = {(r["stage"], r["group"]) for r in rows}
    hidden = {(r["stage"], r["group"]) for r in body["selection"] if r["suppressed"]}
    assert hidden and not shown & hidden
