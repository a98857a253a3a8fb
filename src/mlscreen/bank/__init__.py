"""The question bank: content model, loader, validator and interview kits."""

from mlscreen.bank.bank import Bank, LoopEntry, bank_dirs, load_bank
from mlscreen.bank.models import (
    COMPETENCIES,
    CombinationChanges,
    CombinationRule,
    DesignPrompt,
    Exercise,
    Item,
    KnowledgeQuestion,
    PrescreenQuestion,
    Profile,
    Rubric,
    Stage,
    Topic,
)

__all__ = [
    "COMPETENCIES",
    "Bank",
    "CombinationChanges",
    "CombinationRule",
    "DesignPrompt",
    "Exercise",
    "Item",
    "KnowledgeQuestion",
    "LoopEntry",
    "PrescreenQuestion",
    "Profile",
    "Rubric",
    "Stage",
    "Topic",
    "bank_dirs",
    "load_bank",
]
