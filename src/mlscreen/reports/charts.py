"""Charts of the reports as Vega-Lite specifications (altair), their tables as CSV, and static SVG for print."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

Spec = dict[str, Any]
WIDTH = 480


def _data(rows: list[dict[str, Any]]) -> Any:
    """Inline data for a chart (altair's Data is not annotated)."""
    import altair as alt

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _funnel(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    import altair as alt

    rows = [
        {"stage": s["stage"], "position": s["position"], "entered": s["entered"], "pass_rate": s["pass_rate"]}
        for s in body["stages"]
    ]
    chart = (
        alt.Chart(_data(rows), title="Candidates per stage", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=alt.EncodingSortField("position"), title=None),
            x=alt.X("entered:Q", title="candidates who entered"),
            tooltip=["stage:N", "entered:Q", alt.Tooltip("pass_rate:Q", format=".0%")],
        )
    )
    return rows, chart.to_dict()


def _calibration(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    import altair as alt

    rows = [{k: i[k] for k in ("rater", "offset", "low", "high", "ratings", "reading")} for i in body["interviewers"]]
    base = alt.Chart(_data(rows), title="Interviewer leniency (95% intervals)", width=WIDTH)
    y = alt.Y("rater:N", sort=alt.EncodingSortField("offset", order="descending"), title="interviewer")
    rule = base.mark_rule().encode(y=y, x=alt.X("low:Q", title="offset in rating levels (+ = lenient)"), x2="high:Q")
    dots = base.mark_point(filled=True, size=60).encode(
        y=y, x="offset:Q", color=alt.Color("reading:N"), tooltip=["rater:N", "offset:Q", "ratings:Q"]
    )
    zero = alt.Chart(_data([{"x": 0}])).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return rows, alt.layer(rule, dots, zero).to_dict()


def _reliability(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    import altair as alt

    rows = [
        {
            "cell": f"{c['stage']} / {c['category']}",
            "icc": c["icc"]["icc1"] if c["icc"] else None,
            "alpha": c["alpha"]["alpha"] if c["alpha"] else None,
            "flagged": c["flagged"],
        }
        for c in body["categories"]
    ]
    bars = (
        alt.Chart(_data(rows), title="ICC(2,1) per category against Koo and Li's bands", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("cell:N", title=None),
            x=alt.X("icc:Q", scale=alt.Scale(domain=[0, 1]), title="ICC(2,1)"),
            color=alt.Color("flagged:N"),
            tooltip=["cell:N", "icc:Q", "alpha:Q"],
        )
    )
    bands = [{"x": 0.5, "band": "moderate"}, {"x": 0.75, "band": "good"}, {"x": 0.9, "band": "excellent"}]
    lines = alt.Chart(_data(bands)).mark_rule(strokeDash=[4, 4]).encode(x="x:Q", tooltip=["band:N"])
    return rows, alt.layer(bars, lines).to_dict()


def _impact(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    """Impact ratios of every group not suppressed: selection rates per stage (sex, race, and sex x race) and NYC
    Local Law 144's scoring rates, each against the 0.8 line; simulated demo data says so in the title."""
    import altair as alt

    keys = ("stage", "dimension", "group", "total", "rate", "impact_ratio", "p_value")
    rows = [
        {"measure": measure, **{k: r[k] for k in keys}}
        for measure in ("selection", "scoring")
        for r in body[measure]
        if not r["suppressed"]
    ]
    simulated = body.get("simulated_candidates") or 0
    title = "Impact ratios against the four-fifths line"
    if simulated:
        title += f" (includes {simulated} simulated demo candidates)"
    points = (
        alt.Chart(_data(rows), title=title, width=WIDTH)
        .mark_point(filled=True, size=60)
        .encode(
            y=alt.Y("group:N", title=None),
            x=alt.X("impact_ratio:Q", title="rate / highest group's rate"),
            color=alt.Color("stage:N"),
            shape=alt.Shape("measure:N"),
            tooltip=["measure:N", "stage:N", "group:N", "total:Q", "impact_ratio:Q", "p_value:Q"],
        )
    )
    line = alt.Chart(_data([{"x": 0.8}])).mark_rule(color="firebrick").encode(x="x:Q")
    return rows, alt.layer(points, line).to_dict()


def _agreement(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    import altair as alt

    rows = [{k: i[k] for k in ("kind", "item", "pairs", "kappa", "spearman", "override_rate")} for i in body["items"]]
    chart = (
        alt.Chart(_data(rows), title="Agreement of advice with people (weighted kappa)", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None),
            x=alt.X("kappa:Q", scale=alt.Scale(domain=[-1, 1])),
            color="kind:N",
            tooltip=["item:N", "pairs:Q", "kappa:Q", "override_rate:Q"],
        )
    )
    return rows, chart.to_dict()


CHARTS: dict[str, Callable[[dict[str, Any]], tuple[list[dict[str, Any]], Spec]]] = {
    "funnel": _funnel,
    "calibration": _calibration,
    "reliability": _reliability,
    "agreement": _agreement,
    "adverse-impact": _impact,
}


def chart(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Spec]:
    """The chart's table (one dict a row) and its Vega-Lite specification, for a built report `body`."""
    return CHARTS[body["report"]](body)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The chart's table as CSV (a header line, then one line a row; empty figures are empty cells)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def to_svg(spec: Spec) -> str:
    """The chart as static SVG, rendered locally (no network) for print and the PDF packet."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def competency_chart(competencies: dict[str, dict[str, Any]]) -> Spec:
    """The decision packet's competency chart: each competency's mean rating (1-4) beside its profile weight."""
    import altair as alt

    rows = [
        {"competency": name.replace("_", " "), "mean": row["mean"], "weight": row["weight"], "ratings": row["ratings"]}
        for name, row in competencies.items()
    ]
    y = alt.Y("competency:N", sort=None, title=None)
    means = (
        alt.Chart(_data(rows), title="Mean rating", width=260)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("mean:Q", scale=alt.Scale(domain=[0, 4]), title="mean rating (1-4; none = not rated)"),
            tooltip=["competency:N", "mean:Q", "ratings:Q"],
        )
    )
    weights = (
        alt.Chart(_data(rows), title="Profile weight", width=160)
        .mark_bar(color="gray")
        .encode(y=alt.Y("competency:N", sort=None, axis=None), x=alt.X("weight:Q", title="weight"))
    )
    spec: Spec = alt.hconcat(means, weights).resolve_scale(y="shared").to_dict()
    return spec
