"""What each /api/v1 operation answers: response models, so /openapi.json describes every response."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]


class Out(BaseModel):
    """Response bodies name every field: an undeclared one is a bug the tests catch, never a silent extra."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Out):
    """Every error: what was wrong, the HTTP status, how to fix it, and the invalid fields of a request."""

    error: str
    status: int
    hint: str | None = None
    errors: list[str] | None = None


class HealthOut(Out):
    ok: bool
    database: bool = Field(description="The database answers.")
    workers: bool = Field(description="The background workers run (true when this process runs none).")


class SessionOut(Out):
    token: str = Field(description="Send as `Authorization: Bearer TOKEN`; also set as the session cookie.")
    csrf_token: str = Field(description="Send as `X-CSRF-Token` on writes made with the cookie.")
    user_id: int
    role: str


class MeOut(Out):
    id: int
    email: str
    name: str
    role: str
    timezone: str = Field(description="The IANA time zone the user sees times in (theirs, or the default).")


class ProfileOut(Out):
    id: str
    title: str
    weights: dict[str, float] = Field(description="Weight of each competency; they add up to 1.")


class OpeningStageOut(Out):
    position: int
    stage_id: str
    title: str
    kind: str
    duration_min: int
    interviewer_role: str
    question_ids: list[str]
    rubric_ids: list[str]
    candidates: int = Field(description="Candidates at this stage now.")


class OpeningOut(Out):
    id: int
    title: str
    profile_id: str
    level: str | None
    status: str
    hiring_manager_id: int | None
    blind_review: bool = Field(description="Interviewers see candidates under a pseudonym until they submit.")
    stages: list[OpeningStageOut]


class CandidateOut(Out):
    id: int
    opening_id: int
    name: str = Field(description="The candidate's name, or their pseudonym when blind review hides it from you.")
    email: str | None = Field(description="The candidate's e-mail address; null when blind review hides it from you.")
    identity_hidden: bool = Field(description="True when blind review shows you a pseudonym instead of the person.")
    stage_position: int
    status: str
    linkedin_url: str | None = Field(description="The candidate's LinkedIn profile address, if given.")
    github_url: str | None = Field(description="The candidate's GitHub profile address, if given.")
    source: str = Field(description="Where the candidate came from (free text; may be empty).")
    notes: str = Field(description="Notes about the candidate (may be empty).")
    has_cv: bool = Field(description="Whether a CV was uploaded (downloaded from the candidate's page).")


class AttemptedOut(Out):
    """A result from an assessment link: which attempt at its stage it came from."""

    attempt: int = Field(description="1 for the first attempt at the stage; 2 or more for a second attempt.")
    attempt_reason: str | None = Field(description="Why a second attempt was offered; null for a first one.")


class SubmissionOut(AttemptedOut):
    id: int
    exercise: str
    status: str
    result: dict[str, Any] | None = Field(description="The grader's result (`mlscreen grade --json`), once graded.")
    created_at: str = Field(json_schema_extra={"format": "date-time"})


class DecisionBriefOut(Out):
    outcome: Literal["hire", "no_hire"]
    rationale: str


class CandidateDetailOut(CandidateOut):
    submissions: list[SubmissionOut]
    decision: DecisionBriefOut | None


class AssignmentOut(Out):
    id: int
    position: int
    interviewer_id: int


class InviteOut(AttemptedOut):
    id: int
    link: str = Field(description="The candidate's assessment link; shown once, only its hash is kept.")
    expires_at: str = Field(json_schema_extra={"format": "date-time"})
    attempt: int = Field(description="1 for the first attempt at the stage, 2 for a second one, ...")
    attempt_reason: str | None = Field(description="Why a second (or later) attempt was offered; null for the first.")


class ScorecardOut(Out):
    id: int
    candidate_id: int
    position: int
    interviewer_id: int
    ratings: dict[str, dict[str, Any]] = Field(description="Per rubric category: rating, evidence, competency.")
    checks: dict[str, Any] = Field(description="A pre-screen's look-fors and red flags.")
    recommendation: Recommendation
    notes: str
    submitted_at: str = Field(json_schema_extra={"format": "date-time"})


class PacketStageOut(Out):
    position: int
    title: str
    scorecards: int
    recommendations: list[Recommendation]
    categories: dict[str, float] = Field(description="Mean rating of each rubric category at this stage.")


class CompetencyOut(Out):
    weight: float
    mean: float | None
    ratings: int


class DisagreementOut(Out):
    position: int
    category: str = Field(description="A rubric category, or `recommendation`.")
    ratings: list[int | str]


class PacketSubmissionOut(AttemptedOut):
    id: int
    exercise: str
    status: str
    result: dict[str, Any] | None


class PacketAnswerOut(AttemptedOut):
    id: int
    question: str
    advice: dict[str, Any] | None = Field(description="Answer scoring's advice (`mlscreen answers score`).")
    final_level: int | None


class PacketOut(Out):
    candidate_id: int
    stages: list[PacketStageOut]
    competencies: dict[str, CompetencyOut]
    weighted_score: float | None
    coverage: float = Field(description="Share of the profile's weight that has ratings.")
    recommendation: Literal["insufficient_evidence", "strong_no", "no", "yes", "strong_yes"]
    reasons: list[str]
    disagreements: list[DisagreementOut]
    submissions: list[PacketSubmissionOut]
    answers: list[PacketAnswerOut]


class DecisionOut(Out):
    candidate_id: int
    outcome: Literal["hire", "no_hire"]
    mechanical: dict[str, Any] = Field(
        description="The packet's recommendation and score the decision was made against."
    )


class AuditEventOut(Out):
    id: int
    at: str = Field(json_schema_extra={"format": "date-time"})
    actor_id: int | None
    action: str
    object_type: str
    object_id: int
    detail: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in {
        400: "The request cannot be carried out.",
        401: "Not signed in, or the session has ended.",
        403: "Signed in, but not allowed to do this.",
        404: "No such resource (or not visible to this user).",
        409: "The resource's state does not allow this.",
        413: "The request body is too large.",
        422: "The request is not valid; `errors` lists the fields.",
        429: "Too many requests; retry later.",
    }.items()
}
"""The error responses every operation may give, in the one shape the error handler answers with."""


class FailedJobOut(Out):
    id: int
    kind: str
    attempts: int
    error: str = Field(description="The last error's type (never its message: it may quote personal data).")
    finished_at: str | None = Field(json_schema_extra={"format": "date-time"})
    submission_id: int | None = Field(description="The submission a grading job was checking.")


class FailedJobsOut(Out):
    jobs: list[FailedJobOut]


class RetriedOut(Out):
    retried: list[int] = Field(description="The ids of the jobs queued again.")


# --- reports (see docs/reports.md) ------------------------------------------------------------------------------


class FunnelStageOut(Out):
    position: int
    stage: str
    entered: int
    passed: int
    exited: int
    open: int
    pass_rate: float | None = Field(description="Passed over decided (passed + exited); open visits do not count.")
    days_median: float | None
    days_p90: float | None
    exits_by_reason: dict[str, int]


class FunnelOut(Out):
    report: Literal["funnel"]
    generated_at: str
    stages: list[FunnelStageOut]


class InterviewerOut(Out):
    rater: int = Field(description="The interviewer's user id.")
    offset: float = Field(description="Leniency in rating levels against the average interviewer (+ = lenient).")
    low: float
    high: float
    ratings: int
    candidates: int
    distribution: dict[int, int]
    reading: Literal["lenient", "severe", "in line"]
    disagreements: int
    panels: int
    disagreement_rate: float | None


class CalibrationOut(Out):
    report: Literal["calibration"]
    generated_at: str
    interviewers: list[InterviewerOut]
    candidate_variance: float | None
    residual_variance: float | None
    observations: int
    note: str | None


class IccOut(Out):
    icc1: float
    icc1_low: float
    icc1_high: float
    icck: float
    icck_low: float
    icck_high: float
    candidates: int
    raters: int


class AlphaOut(Out):
    alpha: float
    low: float
    high: float
    candidates: int


class CategoryReliabilityOut(Out):
    stage: str
    category: str
    icc: IccOut | None
    alpha: AlphaOut | None
    icc_band: str | None
    alpha_band: str | None
    flagged: bool


class ReliabilityOut(Out):
    report: Literal["reliability"]
    generated_at: str
    categories: list[CategoryReliabilityOut]


class ItemAgreementOut(Out):
    kind: Literal["exercise", "question"]
    item: str
    pairs: int
    kappa: float | None
    spearman: float | None
    override_rate: float


class AgreementOut(Out):
    report: Literal["agreement"]
    generated_at: str
    items: list[ItemAgreementOut]


class GroupRateOut(Out):
    stage: str
    dimension: Literal["sex", "race", "sex_race"]
    group: str
    total: int
    selected: int | None
    rate: float | None
    impact_ratio: float | None
    p_value: float | None = Field(description="Fisher's exact test against the highest-rate group.")
    suppressed: bool = Field(
        description="The row of every group with fewer candidates than min_group: their combined count, no names, "
        "no figures."
    )
    below_four_fifths: bool


class AdverseImpactOut(Out):
    report: Literal["adverse-impact"]
    generated_at: str
    min_group: int
    simulated_candidates: int = Field(description="How many candidates in scope are simulated demo data.")
    selection: list[GroupRateOut]
    scoring: list[GroupRateOut]


class ReportOut(RootModel[FunnelOut | CalibrationOut | ReliabilityOut | AgreementOut | AdverseImpactOut]):
    """One report; `report` names which."""

    root: FunnelOut | CalibrationOut | ReliabilityOut | AgreementOut | AdverseImpactOut = Field(discriminator="report")


class MomentOut(Out):
    at_ms: int = Field(description="Milliseconds from the recording's start (the replay's `#t=`).")
    label: str


class SignalOut(Out):
    id: Literal["pasted", "away", "untyped", "pace"]
    title: str
    value: str
    flag: bool = Field(description="Worth a look in the replay: advice for people, never a verdict.")
    advice: str
    evidence: list[MomentOut]


class IntegrityOut(Out):
    recorded: bool
    signals: list[SignalOut]
    notes: list[str] = Field(description="How complete the recording is (capped, lost events, not ending at the code).")
    length_ms: int


class ReplayOut(Out):
    invite_id: int
    submission_id: int | None
    capped: bool = Field(description="The recording reached `MLSCREEN_RECORDING_MAX_KB` and stopped.")
    events: list[dict[str, Any]] = Field(description="The session recording's events in order (docs/integrity.md).")
    integrity: IntegrityOut
