"""Reports over a large history: every report over 10,000 candidates and 50,000 scorecards.

Run: python benchmarks/reports.py [--candidates N] [--raters K]

The history is simulated (mlscreen.reports.simulate) with every candidate rated at the first stage by K of 50
interviewers on two rubric categories, so N x K scorecards and 2 x N x K ratings. Each report is built from the
plain tables, as the CLI and the API build it after reading them; the figures are the wall time of one build each,
after one warm-up that pays for the libraries' imports.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from mlscreen import reports
from mlscreen.reports.simulate import Design


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=5)
    args = parser.parse_args()
    design = Design(
        candidates=args.candidates,
        interviewers=50,
        raters_per_candidate=args.raters,
        rated_stage="screen",
        pass_rates={"female": 0.45, "male": 0.6},
    )
    sim = reports.simulate(design, seed=1)
    print(
        f"{args.candidates} candidates, {len(sim.recommendations)} scorecards, {len(sim.ratings)} ratings, "
        f"{len(sim.visits)} stage visits, {len(sim.advice)} advice pairs"
    )
    runs: dict[str, Callable[[], Any]] = {
        "funnel": lambda: reports.funnel(sim.visits),
        "calibration": lambda: reports.calibration(sim.ratings, sim.recommendations),
        "reliability": lambda: reports.reliability(sim.ratings),
        "agreement": lambda: reports.agreement(sim.advice),
        "adverse-impact": lambda: (
            reports.selection(sim.visits, sim.identities),
            reports.scoring(sim.scores, sim.identities),
        ),
    }
    total = 0.0
    for name, run in runs.items():
        run()  # warm-up: imports
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        total += took
        print(f"{name:15s} {took:7.3f} s")
    print(f"{'all':15s} {total:7.3f} s  (target: each under 2 s)")


if __name__ == "__main__":
    main()
