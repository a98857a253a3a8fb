"""Screening history of known truth: candidates with true abilities, interviewers with known leniency and noise,
and groups with a known gap in selection rates. The reports are tested against it and the demo is seeded from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mlscreen.reports.tables import Advice, Identity, Rating, Recommendation, StageScore, StageVisit

RACES = ("white", "black_or_african_american", "hispanic_or_latino", "asian", "two_or_more_races")
EXIT_REASONS = ("not_a_fit", "withdrew", "no_show")


@dataclass(frozen=True)
class Simulation:
    """The truth (abilities, centred leniency, groups) beside the plain tables the reports read."""

    abilities: dict[int, float]
    leniency: dict[int, float]
    ratings: list[Rating]
    recommendations: list[Recommendation]
    visits: list[StageVisit]
    identities: list[Identity]
    scores: list[StageScore]
    advice: list[Advice]
    stages: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Design:
    """What to simulate; the defaults are a small opening's year."""

    candidates: int = 120
    interviewers: int = 8
    raters_per_candidate: int = 3
    categories: tuple[str, ...] = ("ml_depth", "coding")
    stages: tuple[str, ...] = ("screen", "exercise", "panel", "decision")
    rated_stage: str = "panel"
    leniency_sd: float = 0.5
    noise_sd: float = 0.5
    rounded: bool = True
    pass_rates: dict[str, float] = field(default_factory=lambda: {"female": 0.6, "male": 0.6})
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)


def _level(latent: float, rounded: bool) -> float:
    return float(min(4, max(1, round(latent)))) if rounded else latent


def _recommendation(mean_latent: float) -> str:
    if mean_latent >= 3.25:
        return "strong_yes"
    if mean_latent >= 2.5:
        return "yes"
    return "no" if mean_latent >= 1.75 else "strong_no"


def simulate(design: Design | None = None, *, seed: int = 0) -> Simulation:
    """Draw one history from `design` with a seeded generator (the same seed gives the same history)."""
    import numpy as np

    d = design or Design()
    rng = np.random.default_rng(seed)
    raw = rng.normal(0.0, d.leniency_sd, d.interviewers)
    leniency = {r: float(x) for r, x in enumerate(raw - raw.mean())}
    groups = list(d.pass_rates)
    out: dict[str, Any] = {k: [] for k in ("ratings", "recommendations", "visits", "identities", "scores", "advice")}
    abilities: dict[int, float] = {}
    for c in range(d.candidates):
        ability = float(rng.normal(0.0, 0.8))
        abilities[c] = ability
        group = groups[c % len(groups)]
        out["identities"].append(Identity(c, sex=group, race=str(rng.choice(RACES))))
        reached = _walk(d, rng, c, ability, d.pass_rates[group], out)
        if reached >= d.stages.index(d.rated_stage):
            _rate(d, rng, c, ability, leniency, out)
    return Simulation(abilities=abilities, leniency=leniency, stages=d.stages, **out)


def _walk(d: Design, rng: Any, c: int, ability: float, rate: float, out: dict[str, Any]) -> int:
    """Move candidate `c` through the stages, passing each with probability `rate`; return the last position."""
    at = d.start + timedelta(days=float(rng.uniform(0, 300)))
    for position, stage in enumerate(d.stages):
        out["scores"].append(StageScore(c, stage, ability + float(rng.normal(0, 0.5))))
        if stage == "exercise":
            advised = int(_level(2.5 + ability + float(rng.normal(0, 0.4)), True))
            person = int(_level(2.5 + ability + float(rng.normal(0, 0.4)), True))
            out["advice"].append(Advice("exercise", "data-cleaning", advised, person, advised != person))
        days = float(rng.exponential(4.0))
        last = position == len(d.stages) - 1
        passed = not last and bool(rng.random() < rate)
        left = None if last else at + timedelta(days=days)
        outcome = None if last else ("passed" if passed else "exited")
        reason = None if passed or last else str(rng.choice(EXIT_REASONS))
        out["visits"].append(StageVisit(c, position, stage, at, left, outcome, reason))
        if not passed:
            return position
        at = at + timedelta(days=days)
    return len(d.stages) - 1


def _rate(d: Design, rng: Any, c: int, ability: float, leniency: dict[int, float], out: dict[str, Any]) -> None:
    """The panel: `raters_per_candidate` distinct interviewers rate every category of candidate `c`."""
    panel = rng.choice(d.interviewers, size=d.raters_per_candidate, replace=False)
    for rater in (int(r) for r in panel):
        latents = [2.5 + ability + leniency[rater] + float(rng.normal(0, d.noise_sd)) for _ in d.categories]
        for category, latent in zip(d.categories, latents, strict=True):
            out["ratings"].append(Rating(c, rater, d.rated_stage, category, _level(latent, d.rounded)))
        out["recommendations"].append(
            Recommendation(c, rater, d.rated_stage, _recommendation(sum(latents) / len(latents)))
        )
