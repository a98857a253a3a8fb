"""The packaged question bank: it validates, is big enough, covers every loop, and encodes the framework faithfully."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel

from mlscreen.bank import Bank, DesignPrompt, KnowledgeQuestion, PrescreenQuestion, load_bank
from mlscreen.bank.loader import PACKAGED_BANK, load_items, parse_file
from mlscreen.bank.models import (
    ITEM_TYPES,
    CombinationChanges,
    DesignComponent,
    EquivalentMutant,
    ExerciseLimits,
    ExpectedPoint,
    LoopStep,
    MustFail,
    Question,
    RubricCategory,
    TimeBlock,
    VisibleExample,
)
from tests.conftest import CliResult

PROFILES = ["data-scientist", "ml-engineer", "ml-research-engineer", "mlops-engineer"]
KNOWLEDGE_TOPICS = [
    "bias-variance",
    "overfitting-regularization",
    "evaluation-metrics",
    "data-leakage",
    "feature-engineering",
    "hyperparameter-tuning",
    "embeddings",
    "llm-vs-traditional-ml",
    "ml-safety",
    "experimentation",
    "imbalanced-data",
    "data-quality",
    "production-monitoring",
]
RECRUITER_TOPICS = {"production-experience", "incident-response", "data-leakage", "production-monitoring"}


def _lower(*parts: str | list[str]) -> str:
    flat: list[str] = []
    for part in parts:
        flat.extend([part] if isinstance(part, str) else part)
    return " ".join(flat).lower()


def test_packaged_bank_validates_without_problems() -> None:
    items, problems = load_items([PACKAGED_BANK])
    assert problems == []
    assert len(items) >= 100


def test_cli_check_accepts_the_packaged_bank(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("bank", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_ids_are_unique_across_all_files() -> None:
    ids = [
        raw.data["id"]
        for path in sorted(PACKAGED_BANK.rglob("*.yaml"))
        for raw in parse_file(path)
        if isinstance(raw.data, dict)
    ]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []


def test_the_bank_has_the_profiles_of_the_framework(bank: Bank) -> None:
    assert [p.id for p in bank.profiles()] == PROFILES


# ---------------------------------------------------------------------------- counts


def test_counts_per_item_type(bank: Bank) -> None:
    knowledge = bank.items(KnowledgeQuestion)
    design = bank.items(DesignPrompt)
    prescreen = bank.items(PrescreenQuestion)
    behavioural = [q for q in prescreen if "collaboration" in q.topics]
    recruiter = [q for q in prescreen if "collaboration" not in q.topics]
    assert len(knowledge) >= 44
    assert len(design) >= 10
    assert len(recruiter) >= 10
    assert len(behavioural) >= 5
    assert any(q.knockout for q in recruiter)


@pytest.mark.parametrize("topic", KNOWLEDGE_TOPICS)
def test_every_knowledge_topic_has_at_least_four_questions(bank: Bank, topic: str) -> None:
    assert len(bank.items(KnowledgeQuestion, topic=topic)) >= 4


def test_behavioural_and_recruiter_questions_do_not_mix(bank: Bank) -> None:
    for q in bank.items(PrescreenQuestion):
        if "collaboration" in q.topics:
            assert q.topics == ["collaboration"], q.id
        else:
            assert set(q.topics) <= RECRUITER_TOPICS, q.id


# ---------------------------------------------------------------------------- shape of each question


def test_knowledge_questions_are_complete(bank: Bank) -> None:
    for q in bank.items(KnowledgeQuestion):
        assert 3 <= len(q.expected_points) <= 7, q.id
        assert any(p.required for p in q.expected_points), q.id
        assert q.follow_ups and q.red_flags and q.hints, q.id
        assert all(p.variants for p in q.expected_points), q.id


def test_design_prompts_are_complete(bank: Bank) -> None:
    categories = {"architecture", "data-pipeline", "observability", "safety-privacy"}
    for q in bank.items(DesignPrompt):
        assert q.rubric == "system-design", q.id
        assert 5 <= len(q.expected_components) <= 9, q.id
        assert q.clarifications and q.constraints and q.deep_dives and q.red_flags, q.id
        rated = {c for comp in q.expected_components for c in comp.rubric_categories}
        assert rated == categories, f"{q.id} rates only {sorted(rated)}"


def test_design_prompts_span_the_framework_scenarios(bank: Bank) -> None:
    ids = {q.id for q in bank.items(DesignPrompt)}
    assert {
        "support-ticket-classifier",
        "realtime-fraud-detection",
        "product-recommendations",
        "search-ranking",
        "llm-assistant-rag",
        "demand-forecasting",
        "content-moderation-hitl",
        "feature-store-training-pipeline",
        "monitoring-retraining-platform",
    } <= ids
    for profile in PROFILES:
        assert len(bank.items(DesignPrompt, profile=profile)) >= 4, profile


# ---------------------------------------------------------------------------- loops are covered


def test_every_loop_references_existing_stages(bank: Bank) -> None:
    for profile in bank.profiles():
        for step in profile.loop:
            assert step.stage in bank, f"{profile.id}: {step.stage}"
        assert [e.stage.kind for e in bank.loop(profile.id)] == [
            "recruiter_screen",
            "coding",
            "knowledge",
            "system_design",
            "culture",
        ]


def _stage_cases() -> list[tuple[str, str]]:
    bank = load_bank(packaged=False, extra=[PACKAGED_BANK])
    return [
        (p.id, e.stage.id)
        for p in bank.profiles()
        for e in bank.loop(p.id)
        if e.stage.question_type not in (None, "exercise")
    ]


@pytest.mark.parametrize(("profile", "stage"), _stage_cases())
def test_every_stage_topic_is_covered_for_the_profile(bank: Bank, profile: str, stage: str) -> None:
    (entry,) = [e for e in bank.loop(profile) if e.stage.id == stage]
    assert entry.stage.question_type is not None
    kind = ITEM_TYPES[entry.stage.question_type]
    pool = [q for q in bank.items(kind, profile=profile) if isinstance(q, Question)]
    missing = [t for t in entry.topics if not any(t in q.topics for q in pool)]
    assert missing == [], f"{profile} / {stage}: no {entry.stage.question_type} question for {missing}"
    on_topic = [q for q in pool if set(q.topics) & set(entry.topics)]
    assert len(on_topic) >= entry.question_count


# ---------------------------------------------------------------------------- the framework's own content

FRAMEWORK_POINTS = {
    "diagnose-model-degradation": [
        ["data drift"],
        ["feature distribution"],
        ["labels", "relevant"],
        ["upstream", "pipeline"],
        ["recent", "performance metrics"],
        ["retraining cadence"],
    ],
    "handle-imbalanced-data": [
        ["class weighting"],
        ["oversampling", "undersampling"],
        ["focal loss"],
        ["synthetic", "smote"],
        ["f1", "recall", "auprc"],
    ],
    "llm-vs-simple-ml": [
        ["unstructured", "summarisation", "question answering"],
        ["traditional ml", "tabular", "structured"],
        ["prompting", "retrieval-augmented generation (rag)", "fine-tuning"],
    ],
}


@pytest.mark.parametrize("question_id", sorted(FRAMEWORK_POINTS))
def test_framework_reasoning_questions_carry_exactly_its_points(bank: Bank, question_id: str) -> None:
    question = bank.get(question_id, KnowledgeQuestion)
    wanted = FRAMEWORK_POINTS[question_id]
    assert len(question.expected_points) == len(wanted)
    for point, words in zip(question.expected_points, wanted, strict=True):
        for word in words:
            assert word in point.text.lower(), f"{question_id}: {word!r} not in {point.text!r}"


def test_imbalanced_question_requires_the_metrics_point(bank: Bank) -> None:
    question = bank.get("handle-imbalanced-data", KnowledgeQuestion)
    assert question.expected_points[-1].required
    assert "accuracy" in _lower(question.red_flags)


SUPPORT_TICKET_COMPONENTS = [
    ("data ingestion", ["streaming", "batch"]),
    ("preprocessing", ["tokenization", "embeddings"]),
    ("model selection", ["transformer", "classical ml baseline"]),
    ("deployment", ["rest api", "model serving platform"]),
    ("monitoring", ["response time", "accuracy drift", "input distribution"]),
    ("retraining strategy", ["scheduled", "event-based"]),
    ("fallback", ["rule-based", "heuristic", "confidence", "threshold"]),
    ("safety", ["pii detection", "data masking"]),
]


def test_support_ticket_prompt_has_the_framework_components(bank: Bank) -> None:
    prompt = bank.get("support-ticket-classifier", DesignPrompt)
    assert "support ticket" in prompt.prompt.lower() and "as they arrive" in prompt.prompt.lower()
    components = prompt.expected_components
    assert len(components) == len(SUPPORT_TICKET_COMPONENTS) == 8
    for component, (name, words) in zip(components, SUPPORT_TICKET_COMPONENTS, strict=True):
        assert component.name.lower().startswith(name), component.name
        for word in words:
            assert word in component.name.lower(), f"{word!r} not in {component.name!r}"
    assert "observability" in components[4].rubric_categories
    assert "safety-privacy" in components[7].rubric_categories


def test_framework_prescreen_questions_with_their_signals(bank: Bank) -> None:
    deployed = bank.get("prescreen-deployed-system", PrescreenQuestion)
    assert deployed.question == "Tell me about an ML system you helped deploy into production."
    assert "jupyter notebooks" in _lower(deployed.red_flags)

    incident = bank.get("prescreen-production-incident", PrescreenQuestion)
    assert incident.question == "What was your biggest production incident?"
    for signal in ("root cause", "debugging", "metrics"):
        assert signal in _lower(incident.look_fors), signal

    leakage = bank.get("prescreen-data-leakage", PrescreenQuestion)
    assert leakage.question == "How do you prevent data leakage?"
    assert "confidence check" in leakage.purpose.lower()

    monitoring = bank.get("prescreen-monitoring", PrescreenQuestion)
    assert monitoring.question == "How do you monitor ML systems?"
    for signal in ("drift", "model decay", "pipeline health"):
        assert signal in _lower(monitoring.look_fors), signal

    for q in (deployed, incident, leakage, monitoring):
        assert sorted(q.profiles) == PROFILES


# ---------------------------------------------------------------------------- the content-format reference

DOC = Path(__file__).parents[2] / "docs" / "content-format.md"
NESTED_MODELS: list[type[BaseModel]] = [
    CombinationChanges,
    RubricCategory,
    TimeBlock,
    LoopStep,
    ExpectedPoint,
    DesignComponent,
    MustFail,
    EquivalentMutant,
    VisibleExample,
    ExerciseLimits,
]


def test_content_format_doc_lists_every_field() -> None:
    rows = "\n".join(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `"))
    missing = [
        f"{model.__name__}.{name}"
        for model in [*ITEM_TYPES.values(), *NESTED_MODELS]
        for name in model.model_fields
        if f"`{name}`" not in rows
    ]
    assert missing == []


def test_content_format_doc_examples_load(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 6
    for number, block in enumerate(blocks):
        folder = tmp_path
        if "type: exercise" in block:
            folder = tmp_path / "exercises" / "example"
            folder.mkdir(parents=True)
            for name in ("starter.py", "reference.py", "tests.py", "wrong_keeps_last.py"):
                (folder / name).write_text("", encoding="utf-8")
        (folder / f"example-{number}.yaml").write_text(block, encoding="utf-8")
    bank = load_bank(extra=[tmp_path])
    for item_id in ("recsys-cold-start", "churn-label-window", "churn-scoring-service", "prescreen-on-call"):
        assert bank.source(item_id).path.parent == tmp_path
    assert bank.source("dedupe-events").path.parent == tmp_path / "exercises" / "example"
    assert bank.get("prescreen-data-leakage").title == "Preventing data leakage (our wording)"
