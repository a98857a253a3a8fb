"""Evidence that the process works: funnel, calibration, reliability, agreement, adverse impact (plain data)."""

from mlscreen.reports.agreement import ItemAgreement, agreement, quadratic_kappa
from mlscreen.reports.calibration import CalibrationReport, InterviewerCalibration, calibration
from mlscreen.reports.funnel import FunnelStage, funnel
from mlscreen.reports.impact import GroupRate, scoring, selection
from mlscreen.reports.reliability import Alpha, CategoryReliability, Icc, icc, ordinal_alpha, reliability
from mlscreen.reports.simulate import Design, Simulation, simulate
from mlscreen.reports.tables import Advice, Identity, Rating, Recommendation, StageScore, StageVisit

__all__ = [
    "Advice",
    "Alpha",
    "CalibrationReport",
    "CategoryReliability",
    "Design",
    "FunnelStage",
    "GroupRate",
    "Icc",
    "Identity",
    "InterviewerCalibration",
    "ItemAgreement",
    "Rating",
    "Recommendation",
    "Simulation",
    "StageScore",
    "StageVisit",
    "agreement",
    "calibration",
    "funnel",
    "icc",
    "ordinal_alpha",
    "quadratic_kappa",
    "reliability",
    "scoring",
    "selection",
    "simulate",
]
