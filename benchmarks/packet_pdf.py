"""The decision packet as a PDF: how long the competency chart, the print page and the PDF take to render.

Run: python benchmarks/packet_pdf.py [--runs N]

The packet is a full one (every competency rated, five stages, three disagreements, a graded submission, five
reviewed answers, a decision). Each figure is the median wall time of N renders after one warm-up that pays for
the libraries' imports and vl-convert's engine start. No database is involved: the route renders after releasing
its session, so this is the time a request spends without one.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from mlscreen.bank import COMPETENCIES


def packet_data() -> dict[str, Any]:
    """A full packet's print data, shaped as `mlscreen.store.printout.printable_packet` returns it."""
    competencies = {
        c: {"weight": round(1 / len(COMPETENCIES), 3), "mean": 2.0 + i % 3, "ratings": 6}
        for i, c in enumerate(COMPETENCIES)
    }
    stages = [
        {
            "position": p,
            "title": f"Stage {p}",
            "scorecards": 2,
            "recommendations": ["yes", "no"],
            "categories": {"a": 3.0, "b": 2.5},
        }
        for p in range(5)
    ]
    return {
        "candidate": {"id": 1, "name": "Benchmark Candidate", "status": "hired"},
        "opening": "ML engineer",
        "generated_at": "2026-01-01 00:00 UTC",
        "packet": {
            "recommendation": "yes",
            "weighted_score": 2.9,
            "coverage": 1.0,
            "reasons": ["weighted mean rating 2.90"],
            "competencies": competencies,
            "stages": stages,
            "disagreements": [{"position": 2, "stage": "Stage 2", "category": "a", "ratings": [1, 4]}] * 3,
            "submissions": [
                {
                    "title": "Data cleaning",
                    "status": "done",
                    "attempt": 1,
                    "attempt_reason": None,
                    "result": {"status": "passed", "passed": 8, "total": 8, "rubric": {"correctness": 3}},
                }
            ],
            "answers": [
                {"title": f"Question {i}", "advice": {"suggested_level": 3}, "final_level": 2} for i in range(5)
            ],
        },
        "decision": {"outcome": "hire", "rationale": "Strong evidence throughout.", "at": "2026-01-01", "by": "HM"},
    }


def main() -> None:
    from mlscreen.reports.charts import competency_chart, to_svg
    from mlscreen.reports.pdf import svg_data_uri, to_pdf
    from mlscreen.web.templating import TEMPLATES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    data = packet_data()
    svg = to_svg(competency_chart(data["packet"]["competencies"]))
    html = TEMPLATES.env.get_template("packet_print.html").render(chart=svg_data_uri(svg), **data)
    steps: dict[str, Callable[[], object]] = {
        "chart (SVG)": lambda: to_svg(competency_chart(data["packet"]["competencies"])),
        "print page (HTML)": lambda: TEMPLATES.env.get_template("packet_print.html").render(chart=svg, **data),
        "PDF (WeasyPrint)": lambda: to_pdf(html),
    }
    total = 0.0
    for name, step in steps.items():
        step()  # warm-up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        total += median
        print(f"{name:20s} {median:7.3f} s (median of {args.runs})")
    print(f"{'whole packet':20s} {total:7.3f} s; PDF size {len(to_pdf(html)) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
