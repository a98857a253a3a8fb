"""The packet's combination rule, called directly at every boundary of the bank's rule."""

from __future__ import annotations

import pytest

from mlscreen.bank import CombinationRule, load_bank
from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.store.models import Scorecard
from mlscreen.store.packet import combine, disagreements

BANK = load_bank(packaged=False, extra=[PACKAGED_BANK])  # the packaged bank only, whatever the environment
RULE = BANK.get("combination", CombinationRule)
EPS = 1e-6


def test_the_packaged_rule_is_the_documented_one() -> None:
    # docs/web.md states these numbers; change both together.
    assert (RULE.strong_yes_at, RULE.yes_at, RULE.no_at) == (3.25, 2.75, 2.0)
    assert (RULE.veto_weight, RULE.veto_below, RULE.min_coverage, RULE.disagreement_spread) == (0.2, 2.0, 0.5, 2)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (4.0, "strong_yes"),
        (RULE.strong_yes_at, "strong_yes"),
        (RULE.strong_yes_at - EPS, "yes"),
        (RULE.yes_at, "yes"),
        (RULE.yes_at - EPS, "no"),
        (RULE.no_at, "no"),
        (RULE.no_at - EPS, "strong_no"),
        (1.0, "strong_no"),
    ],
)
def test_thresholds_are_inclusive_from_below(score: float, expected: str) -> None:
    weighted, coverage, recommendation, reasons = combine({"coding": score}, {"coding": 1.0}, RULE)
    assert recommendation == expected
    assert weighted == round(score, 3) and coverage == 1.0
    assert reasons == [f"weighted mean rating {score:.2f}"]


@pytest.mark.parametrize(
    ("rated_weight", "expected"),
    [(RULE.min_coverage, "strong_yes"), (RULE.min_coverage - 0.001, "insufficient_evidence")],
)
def test_coverage_needs_the_minimum_share_of_weight(rated_weight: float, expected: str) -> None:
    weights = {"coding": rated_weight, "ml_knowledge": 1 - rated_weight}
    weighted, coverage, recommendation, reasons = combine({"coding": 4.0}, weights, RULE)
    assert recommendation == expected
    assert coverage == round(rated_weight, 4)
    if expected == "insufficient_evidence":
        assert weighted is None and reasons == [f"only {coverage:.0%} of the profile's weight is rated"]


def test_nothing_rated_is_insufficient_evidence() -> None:
    assert combine({}, {"coding": 1.0}, RULE) == (
        None,
        0.0,
        "insufficient_evidence",
        ["only 0% of the profile's weight is rated"],
    )


def test_weights_are_renormalised_over_rated_competencies_and_zero_weights_ignored() -> None:
    weights = {"coding": 0.3, "ml_knowledge": 0.3, "system_design": 0.4, "culture": 0.0}
    weighted, coverage, _, _ = combine({"coding": 4.0, "ml_knowledge": 2.0, "culture": 1.0}, weights, RULE)
    assert coverage == 0.6 and weighted == 3.0


@pytest.mark.parametrize(
    ("veto_weight", "veto_mean", "vetoed"),
    [
        (RULE.veto_weight, RULE.veto_below - 0.01, True),
        (RULE.veto_weight, RULE.veto_below, False),
        (RULE.veto_weight - 0.001, RULE.veto_below - 0.01, False),
    ],
)
def test_veto_caps_a_yes_at_no(veto_weight: float, veto_mean: float, vetoed: bool) -> None:
    weights = {"coding": veto_weight, "ml_knowledge": 1 - veto_weight}
    _, _, recommendation, reasons = combine({"coding": veto_mean, "ml_knowledge": 4.0}, weights, RULE)
    assert recommendation == ("no" if vetoed else "strong_yes")
    veto = f"veto: coding rated below {RULE.veto_below} with weight >= {RULE.veto_weight}"
    assert (veto in reasons) is vetoed


def test_veto_never_changes_a_no() -> None:
    weights = {"coding": 0.5, "ml_knowledge": 0.5}
    _, _, recommendation, reasons = combine({"coding": 1.0, "ml_knowledge": 3.0}, weights, RULE)
    assert recommendation == "no" and len(reasons) == 1


def test_a_profile_changes_the_rule() -> None:
    strict = RULE.model_copy(update={"yes_at": 3.0})
    assert combine({"coding": 2.9}, {"coding": 1.0}, RULE)[2] == "yes"
    assert combine({"coding": 2.9}, {"coding": 1.0}, strict)[2] == "no"


def _card(position: int, recommendation: str, **ratings: int) -> Scorecard:
    return Scorecard(
        stage_position=position,
        recommendation=recommendation,
        ratings={cat: {"rating": value, "competency": "coding"} for cat, value in ratings.items()},
    )


@pytest.mark.parametrize(
    ("a", "b", "flagged"), [(1, 1 + RULE.disagreement_spread, True), (2, 1 + RULE.disagreement_spread, False)]
)
def test_ratings_the_spread_apart_are_a_disagreement(a: int, b: int, flagged: bool) -> None:
    found = disagreements([_card(0, "yes", design=a), _card(0, "yes", design=b)], RULE.disagreement_spread)
    assert found == ([{"position": 0, "category": "design", "ratings": [a, b]}] if flagged else [])


def test_recommendations_on_both_sides_of_the_line_are_a_disagreement() -> None:
    cards = [_card(1, "strong_yes"), _card(1, "no"), _card(2, "yes"), _card(3, "no"), _card(3, "yes")]
    found = disagreements(cards, RULE.disagreement_spread)
    assert found == [
        {"position": 1, "category": "recommendation", "ratings": ["no", "strong_yes"]},
        {"position": 3, "category": "recommendation", "ratings": ["no", "yes"]},
    ]


def test_ratings_at_different_stages_are_not_compared() -> None:
    assert disagreements([_card(0, "yes", design=1), _card(1, "yes", design=4)], RULE.disagreement_spread) == []
