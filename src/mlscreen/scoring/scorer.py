"""Score free-text answers: which expected points they cover, with evidence, a 0-1 score and a suggested level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlscreen.scoring import calibration as calibration_module
from mlscreen.scoring.alignment import NO_WORDS, AlignmentWords, aligned_recall, alignment_words
from mlscreen.scoring.calibration import Calibration
from mlscreen.scoring.config import ScoringConfig, load_config
from mlscreen.scoring.embedder import Embedder, Matrix, default_embedder
from mlscreen.scoring.examples import centroid, estimate
from mlscreen.scoring.features import FEATURE_NAMES, Analysis, analyse
from mlscreen.scoring.points import PointLike, Target, build_target
from mlscreen.scoring.result import AnswerScore, Evidence, PointResult, RedFlagHit
from mlscreen.scoring.text import Clause, cap_words, polarity_mismatch, split_clauses, words
from mlscreen.scoring.tokens import joined, token_features


@dataclass(frozen=True)
class ScoringRequest:
    """One answer and what it is scored against."""

    answer: str
    target: Target


@dataclass
class PreparedAnswer:
    """An answer after capping and splitting into clauses, with the notices that produced."""

    request: ScoringRequest
    text: str
    clauses: list[Clause]
    notices: list[str]
    alignment: AlignmentWords = NO_WORDS


def _matchable(flag: str, config: ScoringConfig) -> bool:
    # "Cannot say what recall means" describes an absence: an answer that talks about recall is similar to it, so
    # similarity would flag exactly the good answers. Such flags are left to the interviewer.
    lowered = flag.lower()
    return not any(lowered.startswith(prefix + " ") for prefix in config.red_flag_absence_prefixes)


def _flag_text(flag: str, config: ScoringConfig) -> str:
    # "only talks about notebooks" describes an answer; what the answer itself would say is "notebooks".
    lowered = flag.lower()
    for prefix in config.red_flag_prefixes:
        if lowered.startswith(prefix + " ") and len(flag) > len(prefix) + 3:
            return flag[len(prefix) :].strip()
    return flag


def _prepare(request: ScoringRequest, config: ScoringConfig) -> PreparedAnswer:
    if not isinstance(request.answer, str):
        return PreparedAnswer(request, "", [], [])
    text, capped = cap_words(request.answer, config.max_words)
    notices = [f"answer capped at {config.max_words} words"] if capped else []
    clauses = split_clauses(text) if words(text) else []  # "???" says nothing
    target = request.target
    found = alignment_words(target.reference, text, target.question) if clauses else NO_WORDS
    return PreparedAnswer(request, text, clauses, notices, found)


@dataclass(frozen=True)
class Analysed:
    """One answer's analysis: matches and features, red-flag hits, and the graded examples' estimate if any."""

    prepared: PreparedAnswer
    analysis: Analysis
    flags: list[RedFlagHit]
    example_estimate: float | None


def analyse_batch(
    requests: Sequence[ScoringRequest], *, embedder: Embedder | None = None, config: ScoringConfig | None = None
) -> list[Analysed]:
    """Return the analysis of each request, embedding all clauses, points and flags in one call."""
    config = config or load_config()
    embedder = embedder or default_embedder()
    prepared = [_prepare(r, config) for r in requests]
    pieces = _token_alignments(prepared, embedder)  # first: its pass also embeds the clauses
    order = _texts(prepared, config)
    rows = _Rows(embedder.embed(order), {t: i for i, t in enumerate(order)})
    out = []
    for p, tokens in zip(prepared, pieces, strict=True):
        clause_vectors = rows([c.text for c in p.clauses])
        forms = [rows(point.forms) for point in p.request.target.points]
        aligned = aligned_recall(p.alignment, rows(p.alignment.reference), rows(p.alignment.answer))
        analysis = analyse(
            p.request.target, p.clauses, clause_vectors, forms, config, aligned_recall=aligned, token_alignment=tokens
        )
        flags = _red_flags(p, clause_vectors, forms, rows, config) if p.clauses else []
        out.append(Analysed(p, analysis, flags, _example_estimate(p, clause_vectors, rows, config)))
    return out


def _token_alignments(prepared: Sequence[PreparedAnswer], embedder: Embedder) -> list[tuple[float, ...]]:
    """Return each answer's contextual token alignment features with its reference (`tokens.token_features`);
    zeros for an answer without clauses.

    The answer's pieces are its clauses' (one pass embeds each clause's pieces and its sentence embedding, which
    the matching then reuses); references and questions repeat, and their pieces come from memory.
    """
    texts: dict[str, None] = {}
    for p in prepared:
        if p.clauses:
            texts.update(dict.fromkeys(c.text for c in p.clauses))
            texts.update(dict.fromkeys((p.request.target.reference, p.request.target.question or "")))
    order = list(texts)
    found = dict(zip(order, embedder.tokens(order), strict=True))
    out: list[tuple[float, ...]] = []
    for p in prepared:
        if not p.clauses:
            out.append((0.0, 0.0, 0.0, 0.0))
            continue
        answer = joined([found[c.text] for c in p.clauses])
        target = p.request.target
        out.append(token_features(found[target.reference], answer, found[target.question or ""]))
    return out


def _texts(prepared: Sequence[PreparedAnswer], config: ScoringConfig) -> list[str]:
    """Return every distinct text the batch needs embedded, in first-seen order."""
    texts: dict[str, None] = {}
    for p in prepared:
        texts.update(dict.fromkeys(c.text for c in p.clauses))
        texts.update(dict.fromkeys((*p.alignment.reference, *p.alignment.answer)))
        for point in p.request.target.points:
            texts.update(dict.fromkeys(point.forms))
        if examples_count(p.request.target, config):
            texts.update(dict.fromkeys(e.answer for e in p.request.target.examples))
        if p.clauses:
            texts.update(
                dict.fromkeys(_flag_text(f, config) for f in p.request.target.red_flags if _matchable(f, config))
            )
    return list(texts)


@dataclass(frozen=True)
class _Rows:
    """The batch's embeddings, looked up by text."""

    vectors: Matrix
    row: dict[str, int]

    def __call__(self, items: Sequence[str]) -> Matrix:
        if not items:
            return np.zeros((0, self.vectors.shape[1]), np.float32)
        return self.vectors[[self.row[t] for t in items]]


def _red_flags(
    p: PreparedAnswer, clause_vectors: Matrix, forms: list[Matrix], rows: _Rows, config: ScoringConfig
) -> list[RedFlagHit]:
    """Return the red flags some clause of the answer states, each with the first clause that states it."""
    flags: list[RedFlagHit] = []
    # A red flag is usually about the same subject as a good point, with the opposite stance, so similarity
    # alone flags good answers too. A clause counts only if it reads more like the flag than like any point.
    closest_point = (clause_vectors @ np.concatenate(forms).T).max(axis=1)
    for flag in p.request.target.red_flags:
        if not _matchable(flag, config):
            continue
        said = _flag_text(flag, config)
        sims = clause_vectors @ rows([said])[0]
        for j in np.argsort(-sims):
            if sims[j] < config.red_flag_similarity:
                break
            closer_to_flag = sims[j] >= closest_point[j] + config.red_flag_margin
            if closer_to_flag and not polarity_mismatch(said, p.clauses[j].text):
                c = p.clauses[j]
                flags.append(RedFlagHit(flag, float(sims[j]), Evidence(c.text, c.start, c.end)))
                break
    return flags


def examples_count(target: Target, config: ScoringConfig) -> int:
    """Return how many of the target's graded examples the score uses: all of them once there are at least
    `examples_min`, else none (a few grades of one question say less than the calibrated model)."""
    n = len(target.examples)
    return n if n >= max(1, config.examples_min) else 0


def _example_estimate(p: PreparedAnswer, clause_vectors: Matrix, rows: _Rows, config: ScoringConfig) -> float | None:
    """Return the graded examples' estimate of the answer's score, or None without (enough) examples or clauses."""
    graded = p.request.target.examples
    if not examples_count(p.request.target, config) or not p.clauses:
        return None
    return estimate(
        centroid(clause_vectors),
        rows([e.answer for e in graded]).astype(np.float64),
        np.array([e.grade for e in graded]),
        k=config.examples_k,
        temperature=config.examples_temperature,
    )


def score_requests(
    requests: Sequence[ScoringRequest],
    *,
    embedder: Embedder | None = None,
    config: ScoringConfig | None = None,
    calibration: Calibration | None = None,
) -> list[AnswerScore]:
    """Return one `AnswerScore` per request, in order; the batch is embedded in one call (the fast path)."""
    config = config or load_config()
    calibration = calibration or calibration_module.load()
    analysed = analyse_batch(requests, embedder=embedder, config=config)
    if not analysed:
        return []
    scores = calibration.predict(np.array([a.analysis.features for a in analysed], dtype=np.float64))
    out = []
    for a, base in zip(analysed, scores, strict=True):
        score, notices, used = float(base), [], 0
        given = len(a.prepared.request.target.examples)
        if a.example_estimate is not None:
            weight = calibration.examples_blend(given)
            score = (1 - weight) * score + weight * a.example_estimate
            used = given
            notices.append(f"score uses {used} graded example(s): {a.example_estimate:.2f} from the most similar")
        elif 0 < given < config.examples_min:
            notices.append(
                f"{given} graded example(s) of this question so far: they count from {config.examples_min} on"
            )
        result = _result(a.prepared, a.analysis, a.flags, score, config, notices)
        out.append(replace(result, examples_used=used))
    return out


def _result(
    p: PreparedAnswer,
    analysis: Analysis,
    flags: list[RedFlagHit],
    score: float,
    config: ScoringConfig,
    extra_notices: list[str],
) -> AnswerScore:
    points = []
    for spec, match in zip(p.request.target.points, analysis.matches, strict=True):
        clause = p.clauses[match.clause] if match.clause is not None else None
        closest = Evidence(clause.text, clause.start, clause.end) if clause else None
        points.append(
            PointResult(
                point=spec.text,
                covered=match.covered,
                similarity=match.similarity,
                evidence=closest if match.covered else None,
                closest=closest,
                weight=spec.weight,
                required=spec.required,
                lexical_recall=match.lexical_recall,
                contradicted=match.contradicted,
            )
        )
    features = dict(zip(FEATURE_NAMES, analysis.features, strict=True))
    notices = [*p.notices, *extra_notices]
    if not p.clauses:
        reason = "the answer is not text" if not isinstance(p.request.answer, str) else "the answer is empty"
        return AnswerScore(0.0, 1, points, [], notices, reason, features)
    level = config.level(score)
    covered = features["covered"]
    allowed = config.level_allowed_by_coverage(covered)
    if allowed < level:
        level = allowed
        notices.append(f"level capped at {allowed}: the covered points carry {covered:.0%} of the points' weight")
    missing = [pt.point for pt in points if pt.required and not pt.covered]
    if missing and level > 2:
        level = 2
        notices.append(f"level capped at 2: required point(s) not covered: {'; '.join(missing)}")
    notices.extend(f"red flag: {hit.flag}" for hit in flags)
    return AnswerScore(score, level, points, flags, notices, None, features)


def score_answers(
    answers: Sequence[str],
    *,
    expected_points: Sequence[PointLike] | None = None,
    reference_answer: str | None = None,
    question: str | None = None,
    red_flags: Sequence[str] = (),
    variants: Mapping[str, Sequence[str]] | None = None,
    examples: Sequence[Any] = (),
) -> list[AnswerScore]:
    """Return the scores of many answers to the same question (one embedding call for all of them).

    Raises `UsageError` when there is nothing to score against.
    """
    target = build_target(
        expected_points=expected_points,
        reference_answer=reference_answer,
        question=question,
        red_flags=red_flags,
        variants=variants,
        examples=examples,
    )
    return score_requests([ScoringRequest(a, target) for a in answers])


def score_answer(
    answer: str,
    *,
    expected_points: Sequence[PointLike] | None = None,
    reference_answer: str | None = None,
    question: str | None = None,
    red_flags: Sequence[str] = (),
    variants: Mapping[str, Sequence[str]] | None = None,
    examples: Sequence[Any] = (),
) -> AnswerScore:
    """Return the score of one answer against expected points (or a reference answer's clauses).

    `expected_points` may be bank `ExpectedPoint`s, strings or {"point", "weight"} mappings; `variants` maps a
    point's text to other ways of saying it; `examples` are answers to the same question a person already graded
    ({"answer", "grade" 0-1}), which pull the score toward the grades of the most similar ones. Raises
    `UsageError` when there is nothing to score against.
    """
    return score_answers(
        [answer],
        expected_points=expected_points,
        reference_answer=reference_answer,
        question=question,
        red_flags=red_flags,
        variants=variants,
        examples=examples,
    )[0]
