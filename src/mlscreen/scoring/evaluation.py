"""Agreement with human graders: features for a dataset, leave-one-group-out cross-validation, and metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from mlscreen.scoring.calibration import Calibration, Kind, fit
from mlscreen.scoring.config import load_config
from mlscreen.scoring.datasets import Dataset
from mlscreen.scoring.embedder import Embedder
from mlscreen.scoring.examples import estimate, fit_prior, fit_weight
from mlscreen.scoring.features import FEATURE_NAMES
from mlscreen.scoring.points import build_target
from mlscreen.scoring.runtime import cache_dir
from mlscreen.scoring.scorer import ScoringRequest, analyse_batch
from mlscreen.scoring.text import split_clauses

Array = npt.NDArray[np.float64]
_CHUNK = 512
RIDGE_ALPHA = 300.0
PRIOR_SIZES = (1, 2, 3, 5, 10, 20)
"""Numbers of graded examples on which the pull of a few examples is fitted."""


def dataset_features(dataset: Dataset, *, progress: Callable[[int, int], None] | None = None) -> Array:
    """Return the feature matrix of a dataset's answers; embeddings are cached on disk for the next run."""
    embedder = Embedder(cache_dir() / "minilm-l6-v2.npz")
    requests = [
        ScoringRequest(r.answer, build_target(reference_answer=r.reference, question=r.question)) for r in dataset.rows
    ]
    rows: list[tuple[float, ...]] = []
    try:
        for start in range(0, len(requests), _CHUNK):
            rows.extend(a.analysis.features for a in analyse_batch(requests[start : start + _CHUNK], embedder=embedder))
            if progress:
                progress(min(start + _CHUNK, len(requests)), len(requests))
    finally:
        embedder.save()
    return np.array(rows, dtype=np.float64)


def answer_vectors(dataset: Dataset) -> Array:
    """Return one unit vector per answer: the normalised mean of its clause embeddings (zeros when empty)."""
    embedder = Embedder(cache_dir() / "minilm-l6-v2.npz")
    out = np.zeros((len(dataset.rows), 384))
    try:
        for i, row in enumerate(dataset.rows):
            clauses = [c.text for c in split_clauses(row.answer)]
            if clauses:
                mean = embedder.embed(clauses).mean(axis=0)
                out[i] = mean / (np.linalg.norm(mean) or 1.0)
    finally:
        embedder.save()
    return out


def example_estimates(
    dataset: Dataset, vectors: Array, fallback: Array, *, limit: int | None = None, seed: int = 0
) -> Array:
    """Return, per answer, the graded-examples estimate from the other answers to the same question (at most
    `limit`, drawn at random), or `fallback` where there are none."""
    config = load_config()
    rng = np.random.default_rng(seed)
    questions = np.array([f"{r.question}\n{r.reference}" for r in dataset.rows])
    grades = np.array([r.target for r in dataset.rows])
    out = fallback.copy()
    for i in range(len(dataset.rows)):
        others = np.flatnonzero(questions == questions[i])
        others = others[others != i]
        if limit is not None and len(others) > limit:
            others = rng.choice(others, size=limit, replace=False)
        if len(others) and vectors[i].any():
            out[i] = estimate(
                vectors[i],
                vectors[others],
                grades[others],
                k=config.examples_k,
                temperature=config.examples_temperature,
            )
    return out


def blend_cv(base: Array, estimates: Array, y: Array, groups: list[str]) -> Array:
    """Return out-of-group blends of base scores and example estimates (the weight fitted on the other groups)."""
    out = np.zeros(len(y))
    labels = np.array(groups)
    for group in sorted(set(groups)):
        test = labels == group
        weight = fit_weight(base[~test], estimates[~test], y[~test])
        out[test] = (1 - weight) * base[test] + weight * estimates[test]
    return out


def example_features(dataset: Dataset, vectors: Array, pool: npt.NDArray[np.bool_]) -> Array:
    """Return, per answer, its best similarity to graded answers (in `pool`, never itself) of the same question
    that were judged correct, to those judged incorrect, and the difference."""
    questions = np.array([f"{r.question}\n{r.reference}" for r in dataset.rows])
    labels = np.array([r.label or 0 for r in dataset.rows])
    out = np.zeros((len(dataset.rows), 3))
    for i in range(len(dataset.rows)):
        same = pool & (questions == questions[i])
        same[i] = False
        for k, label in enumerate((1, 0)):
            peers = same & (labels == label)
            out[i, k] = float((vectors[peers] @ vectors[i]).max()) if peers.any() else 0.0
    out[:, 2] = out[:, 0] - out[:, 1]
    return out


def _logistic_on(x_train: Array, y_train: Array, x_test: Array) -> Array:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x_train)
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(x_train), y_train)
    return np.asarray(model.predict_proba(scaler.transform(x_test))[:, 1], dtype=np.float64)


def leave_one_group_out(x: Array, y: Array, groups: list[str], *, kind: Kind) -> Array:
    """Return out-of-group predictions: each group's rows are predicted by a model fitted on the others."""
    out = np.zeros(len(y))
    labels = np.array(groups)
    for group in sorted(set(groups)):
        test = labels == group
        model = fit(x[~test], y[~test], kind=kind, alpha=RIDGE_ALPHA)
        out[test] = model.predict(x[test])
    return out


def linear_map_cv(feature: Array, y: Array, groups: list[str]) -> Array:
    """Return out-of-group predictions of `y` from one feature through a least-squares line."""
    out = np.zeros(len(y))
    labels = np.array(groups)
    for group in sorted(set(groups)):
        test = labels == group
        slope, intercept = np.polyfit(feature[~test], y[~test], 1)
        out[test] = slope * feature[test] + intercept
    return out


@dataclass
class Report:
    """Figures of one evaluation, each named by what produced it."""

    dataset: str
    rows: int
    groups: int
    regression: dict[str, dict[str, float]] = field(default_factory=dict)
    classification: dict[str, dict[str, float]] = field(default_factory=dict)


def regression_metrics(pred: Array, y: Array, scale: float) -> dict[str, float]:
    """Return Pearson r, Spearman rho and RMSE (on the dataset's scale) of predictions against grades."""
    from scipy.stats import pearsonr, spearmanr

    return {
        "pearson": float(pearsonr(pred, y)[0]),
        "spearman": float(spearmanr(pred, y)[0]),
        "rmse": float(np.sqrt(np.mean((scale * pred - scale * y) ** 2))),
    }


def classification_metrics(prob: Array, labels: Array) -> dict[str, float]:
    """Return ROC-AUC of the probabilities, and weighted and macro F1 and accuracy of them thresholded at 0.5."""
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    pred = (prob >= 0.5).astype(int)
    return {
        "auc": float(roc_auc_score(labels, prob)),
        "weighted_f1": float(f1_score(labels, pred, average="weighted")),
        "macro_f1": float(f1_score(labels, pred, average="macro")),
        "accuracy": float(accuracy_score(labels, pred)),
    }


def within_group_metrics(prob: Array, labels: Array, groups: list[str]) -> dict[str, float]:
    """Return `classification_metrics` computed within each group that has both labels, averaged over groups:
    how well answers to the same question are told apart, whatever each question's share of correct answers."""
    names = np.array(groups)
    per = [
        classification_metrics(prob[names == g], labels[names == g])
        for g in sorted(set(groups))
        if len(set(labels[names == g].tolist())) == 2
    ]
    return {key: float(np.mean([m[key] for m in per])) for key in per[0]} if per else {}


def question_groups(dataset: Dataset) -> list[str]:
    """Return each answer's question (its text and reference answer): the groups of leave-one-question-out."""
    return [f"{r.question}\n{r.reference}" for r in dataset.rows]


def evaluate(dataset: Dataset, x: Array) -> Report:
    """Return cross-validated figures of our scores against the dataset's human grades."""
    y = np.array([r.target for r in dataset.rows])
    groups = [r.group for r in dataset.rows]
    report = Report(dataset.name, len(y), len(set(groups)))
    sim = x[:, FEATURE_NAMES.index("sim_mean")]
    centroid = x[:, FEATURE_NAMES.index("centroid")]
    if dataset.graded:
        report.regression["MiniLM cosine of answer and reference centroids (linear map)"] = regression_metrics(
            linear_map_cv(centroid, y, groups), y, dataset.scale
        )
        report.regression["mean best-clause similarity (linear map)"] = regression_metrics(
            linear_map_cv(sim, y, groups), y, dataset.scale
        )
        base = leave_one_group_out(x, y, groups, kind="ridge")
        report.regression["calibrated model (ridge)"] = regression_metrics(base, y, dataset.scale)
        vectors = answer_vectors(dataset)
        for limit, name in ((5, "5 graded answers"), (None, "all other graded answers")):
            estimates = example_estimates(dataset, vectors, base, limit=limit)
            report.regression[f"+ {name} of the same question as examples"] = regression_metrics(
                blend_cv(base, estimates, y, groups), y, dataset.scale
            )
        return report
    labels = np.array([r.label or 0 for r in dataset.rows])
    report.classification["calibrated model (logistic), leave-one-module-out"] = classification_metrics(
        leave_one_group_out(x, labels.astype(float), groups, kind="logistic"), labels
    )
    questions = question_groups(dataset)
    if len(set(questions)) > 1:
        held_out = leave_one_group_out(x, labels.astype(float), questions, kind="logistic")
        report.classification["calibrated model (logistic), leave-one-question-out"] = classification_metrics(
            held_out, labels
        )
        within = within_group_metrics(held_out, labels, questions)
        if within:
            report.classification["the same, within each question (mean over questions)"] = within
    train = np.array([r.split == "train" for r in dataset.rows])
    if train.any() and (~train).any():
        model = fit(x[train], labels[train].astype(float), kind="logistic", alpha=RIDGE_ALPHA)
        report.classification["calibrated model (logistic), train -> unseen answers"] = classification_metrics(
            model.predict(x[~train]), labels[~train]
        )
        # Unseen answers to seen questions: graded answers of the same question act as extra references.
        both = np.hstack([x, example_features(dataset, answer_vectors(dataset), train)])
        report.classification["+ nearest graded answers of the same question, train -> unseen answers"] = (
            classification_metrics(_logistic_on(both[train], labels[train], both[~train]), labels[~train])
        )
    return report


def calibrate(datasets: list[tuple[Dataset, Array]]) -> Calibration:
    """Return the shipped ridge calibration fitted on all rows of the given graded datasets (0-1 targets).

    The graded-examples weight is fitted on out-of-group scores, as they would be for a new question.
    """
    x = np.concatenate([features for _, features in datasets])
    y = np.concatenate([np.array([r.target for r in d.rows]) for d, _ in datasets])
    groups = [f"{d.name}/{r.group}" for d, _ in datasets for r in d.rows]
    names = " + ".join(f"{d.name} ({len(d.rows)} answers)" for d, _ in datasets)
    base = leave_one_group_out(x, y, groups, kind="ridge")
    vectors = {dataset.name: answer_vectors(dataset) for dataset, _ in datasets}
    estimates, start = [], 0
    for dataset, _ in datasets:
        end = start + len(dataset.rows)
        estimates.append(example_estimates(dataset, vectors[dataset.name], base[start:end]))
        start = end
    weight = fit_weight(base, np.concatenate(estimates), y)
    # A few examples deserve less pull than many: fit the prior of the n / (n + prior) scaling on draws of n.
    by_size: dict[int, Array] = {}
    for size in PRIOR_SIZES:
        drawn, start = [], 0
        for dataset, _ in datasets:
            end = start + len(dataset.rows)
            drawn.append(example_estimates(dataset, vectors[dataset.name], base[start:end], limit=size))
            start = end
        by_size[size] = np.concatenate(drawn)
    prior = fit_prior(base, by_size, y, weight)
    fitted = fit(x, y, kind="ridge", alpha=RIDGE_ALPHA, fitted_on=names)
    return replace(fitted, examples_weight=weight, examples_prior=prior)


CURVE_SIZES = (0, 5, 10, 20, 50)
"""Graded answers per question at which the learning curve is measured."""


@dataclass(frozen=True)
class CurvePoint:
    """Agreement with people when each answer is scored with `examples` graded answers of its question.

    `used` is the mean number actually used (a question with fewer other graded answers gives all it has).
    """

    examples: int
    used: float
    metrics: dict[str, float]
    shipped: dict[str, float] = field(default_factory=dict)


def learning_curve(
    dataset: Dataset, x: Array, *, sizes: tuple[int, ...] = CURVE_SIZES, seeds: int = 3
) -> list[CurvePoint]:
    """Return agreement with the human grades after 0, 5, 10... graded answers per question.

    The base score is the leave-one-group-out calibrated model; at each size, every answer gets that many other
    answers of its question drawn at random (never itself) as graded examples, with the blend weight fitted on the
    other groups, as `evaluate` does (`metrics`), and with the shipped calibration's pull for that many examples,
    as the app scores (`shipped`). Figures are averaged over `seeds` draws.
    """
    from mlscreen.scoring.calibration import load

    shipped_calibration = load()
    groups = [r.group for r in dataset.rows]
    if dataset.graded:
        y = np.array([r.target for r in dataset.rows])
        base = leave_one_group_out(x, y, groups, kind="ridge")
    else:
        y = np.array([float(r.label or 0) for r in dataset.rows])
        base = leave_one_group_out(x, y, groups, kind="logistic")
    vectors = answer_vectors(dataset)
    questions = question_groups(dataset)
    counts: dict[str, int] = {}
    for q in questions:
        counts[q] = counts.get(q, 0) + 1

    def measure(pred: Array) -> dict[str, float]:
        if dataset.graded:
            return regression_metrics(pred, y, dataset.scale)
        return classification_metrics(np.clip(pred, 0.0, 1.0), y.astype(int))

    def mean(runs: list[dict[str, float]]) -> dict[str, float]:
        return {key: float(np.mean([r[key] for r in runs])) for key in runs[0]}

    out = []
    for size in sizes:
        n = np.array([min(size, counts[q] - 1) for q in questions])
        pull = np.array([shipped_calibration.examples_blend(int(k)) for k in n])
        fitted, shipped = [], []
        for seed in range(seeds if size else 1):
            estimates = example_estimates(dataset, vectors, base, limit=size, seed=seed) if size else base
            fitted.append(measure(blend_cv(base, estimates, y, groups) if size else base))
            shipped.append(measure((1 - pull) * base + pull * estimates))
        out.append(CurvePoint(size, float(n.mean()), mean(fitted), mean(shipped)))
    return out
