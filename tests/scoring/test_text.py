"""Clauses, content terms, stemming and negation scope."""

from __future__ import annotations

from mlscreen.scoring.text import cap_words, content_terms, negated_terms, polarity_mismatch, split_clauses, stem


def test_clauses_keep_offsets_into_the_answer() -> None:
    text = "Check for drift first. Then compare recent metrics with the baseline; retrain if they dropped."
    clauses = split_clauses(text)
    assert [c.text for c in clauses] == [
        "Check for drift first.",
        "Then compare recent metrics with the baseline;",
        "retrain if they dropped.",
    ]
    assert all(text[c.start : c.end] == c.text for c in clauses)


def test_bullets_are_separate_clauses_even_when_short() -> None:
    assert [c.text for c in split_clauses("- class weighting\n- SMOTE\n- look at recall")] == [
        "class weighting",
        "SMOTE",
        "look at recall",
    ]


def test_long_sentences_split_at_conjunctions() -> None:
    text = "I would monitor the input feature distributions every day, and I would retrain the model every week."
    assert len(split_clauses(text)) == 2


def test_empty_text_has_no_clauses() -> None:
    assert split_clauses("  \n ") == []


def test_stem_brings_inflections_together() -> None:
    assert {stem(w) for w in ("monitoring", "monitored", "monitors")} == {"monitor"}
    assert stem("loss") == "loss"
    assert stem("classes") == stem("class")


def test_content_terms_drop_stop_words() -> None:
    assert content_terms("You should use the validation set") == (stem("validation"), "set")


def test_negation_scope_stops_at_punctuation_and_but() -> None:
    assert negated_terms("You should not use accuracy, use F1 instead.") == {"accuracy"}
    assert negated_terms("not accuracy but recall") == {"accuracy"}
    assert negated_terms("Accuracy is fine.") == set()


def test_polarity_mismatch() -> None:
    assert polarity_mismatch("use accuracy", "you should not use accuracy")
    assert not polarity_mismatch("use F1", "you should not use accuracy, use F1 instead")
    assert not polarity_mismatch("don't shuffle time series", "never shuffle a time series before splitting")
    assert not polarity_mismatch("use accuracy", "I like pizza")


def test_cap_words() -> None:
    text = " ".join(f"w{i}" for i in range(10))
    assert cap_words(text, 20) == (text, False)
    capped, cut = cap_words(text, 3)
    assert (capped, cut) == ("w0 w1 w2", True)
