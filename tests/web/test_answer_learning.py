"""Reviewed answers teach later suggestions for their question; the kit shows how many were used and how reliable
the advice is on the question once enough answers were reviewed."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mlscreen.bank import Bank, KnowledgeQuestion
from mlscreen.jobs.handlers import score_answers
from mlscreen.reports.agreement import quadratic_kappa
from mlscreen.scoring.config import load_config
from mlscreen.store.accounts import token_hash
from mlscreen.store.candidates import add_candidate
from mlscreen.store.grades import graded_examples, question_reliability
from mlscreen.store.models import Invite, Opening, WrittenAnswer
from mlscreen.store.openings import stage_at
from mlscreen.store.privacy import erase_candidate
from tests.web.conftest import World
from tests.web.test_portal import begin, invite, portal_csrf, wait_until

KIT = "/candidates/{}/stages/2/scorecard"
_people = itertools.count()


def add_answers(world: World, question_id: str, texts: list[str], *, suggested: int | None = 2) -> list[int]:
    """Give each text as another candidate's answer to `question_id` at stage 2; returns the answers' ids."""
    ids = []
    with world.db.session() as s:
        opening = s.get_one(Opening, world.opening)
        for text in texts:
            n = next(_people)
            who = add_candidate(s, opening, name=f"Peer {n}", email=f"peer.{n}@example.net")
            advice = None if suggested is None else {"suggested_level": suggested, "points": []}
            answer = WrittenAnswer(
                candidate_id=who.id, stage_position=2, question_id=question_id, answer=text, advice=advice
            )
            s.add(answer)
            s.flush()
            ids.append(answer.id)
    return ids


def review(world: World, answer_id: int, level: int, suggested: int) -> None:
    """Confirm (same level) or override (with a reason) an answer's suggested level through the kit's form."""
    reason = "" if level == suggested else "The answer deserves another level."
    done = world.client("hm").form(f"/answers/{answer_id}/review", {"level": level, "reason": reason})
    assert done.status_code == 303, done.text


def knowledge_question(world: World, bank: Bank) -> KnowledgeQuestion:
    with world.db.session() as s:
        stage = stage_at(s.get_one(Opening, world.opening), 2)
        ids = [q for q in stage.question_ids if isinstance(bank.get(q), KnowledgeQuestion)]
    assert ids, "stage 2 of the seeded opening asks no knowledge question"
    return bank.get(ids[0], KnowledgeQuestion)


@pytest.mark.model
@pytest.mark.slow
def test_confirmed_levels_become_examples_for_later_answers_once_there_are_enough(world: World, bank: Bank) -> None:
    question = knowledge_question(world, bank)
    k = load_config().examples_min
    points = " ".join(p.text for p in question.expected_points)
    peers = add_answers(world, question.id, [f"{points} (peer {i})" for i in range(k)])
    for answer_id in peers[: k - 1]:
        review(world, answer_id, 2, suggested=2)  # confirmed: graded level 2
    # One fewer than k reviewed: the suggestion is the calibrated model's alone.
    with world.db.session() as s:
        first = WrittenAnswer(candidate_id=world.candidate, stage_position=2, question_id=question.id, answer=points)
        s.add(first)
    assert score_answers(world.db, {"candidate_id": world.candidate}) == {"scored": 1}
    with world.db.session() as s:
        advice = s.scalars(select(WrittenAnswer.advice).where(WrittenAnswer.question_id == question.id)).all()
        scored = [a for a in advice if a and "examples_used" in a]
    assert [a["examples_used"] for a in scored] == [0]
    assert any(f"count from {k} on" in n for n in scored[0]["notices"])
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    assert "used no graded answers of this question" in kit
    # The k-th review (an override to level 1) makes k examples: the next suggestion uses them all.
    review(world, peers[-1], 1, suggested=2)
    with world.db.session() as s:
        examples = graded_examples(s, question.id, exclude_candidate=world.candidate)
        assert sorted(e["grade"] for e in examples) == [0.0] + [1 / 3] * (k - 1)
        later = add_candidate(s, s.get_one(Opening, world.opening), name="Later", email="later@example.net")
        s.add(WrittenAnswer(candidate_id=later.id, stage_position=2, question_id=question.id, answer=points))
        s.flush()
        later_id = later.id
    assert score_answers(world.db, {"candidate_id": later_id}) == {"scored": 1}
    with world.db.session() as s:
        now = s.scalar(select(WrittenAnswer.advice).where(WrittenAnswer.candidate_id == later_id))
    assert now is not None and now["examples_used"] == k
    assert any(f"score uses {k} graded example(s)" in n for n in now["notices"])
    # Graded like level 1-2 peers that say the same, it is pulled well below a full-marks answer.
    assert now["score"] < scored[0]["score"]
    kit = world.client("hm").get(KIT.format(later_id)).text
    assert f"learned from {k} answers to this question that interviewers graded" in kit
    assert f'href="/questions/{question.id}"' in kit


def test_the_kit_shows_agreement_on_a_question_once_it_has_enough_reviews(world: World) -> None:
    config = load_config()
    n = config.reliability_min_grades
    # The seeded candidate's answer to "q" (suggested level 2) is on the kit; peers answered "q" too.
    suggested = [1, 2, 3, 4] * (n // 4 + 1)
    suggested = suggested[:n]
    given = list(suggested)
    given[0], given[1] = 2, 1  # two small disagreements: high agreement
    ids = [add_answers(world, "q", [f"peer answer {i}"], suggested=s)[0] for i, s in enumerate(suggested)]
    for answer_id, level, advised in list(zip(ids, given, suggested, strict=True))[: n - 1]:
        review(world, answer_id, level, advised)
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    assert "quadratic weighted kappa" not in kit  # n - 1 reviews: not shown yet
    review(world, ids[-1], given[-1], suggested[-1])
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    expected = quadratic_kappa(suggested, given)
    assert expected is not None and expected >= config.reliability_min_kappa
    shown = re.search(r"quadratic weighted kappa ([0-9.]+) over (\d+) reviewed answers", kit)
    assert shown is not None and (shown[1], shown[2]) == (f"{expected:.2f}", str(n))
    assert "Unreliable here" not in kit
    # People who disagree with the advice on this question make it unreliable, and the kit says so.
    more = [add_answers(world, "q", [f"late answer {i}"], suggested=4)[0] for i in range(n)]
    for answer_id in more:
        review(world, answer_id, 1, suggested=4)
    with world.db.session() as s:
        reliability = question_reliability(s, ["q"])["q"]
    assert reliability.pairs == 2 * n and reliability.unreliable
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    assert f"over {2 * n} reviewed answers" in kit and "Unreliable here" in kit


def test_only_reviewed_answers_of_other_candidates_are_examples(world: World) -> None:
    reviewed, pending = add_answers(world, "q", ["reviewed answer", "pending answer"])
    review(world, reviewed, 4, suggested=2)
    with world.db.session() as s:
        owner = s.get_one(WrittenAnswer, reviewed).candidate_id
        assert graded_examples(s, "q") == [{"answer": "reviewed answer", "grade": 1.0}]
        assert graded_examples(s, "q", exclude_candidate=owner) == []
        assert graded_examples(s, "other question") == []
        assert s.get_one(WrittenAnswer, pending).final_level is None
        erase_candidate(s, owner, actor=None)
    with world.db.session() as s:
        assert graded_examples(s, "q") == []  # erased: the answer no longer teaches anything


def test_a_question_page_shows_reviewed_answers_learning_and_agreement(world: World, bank: Bank) -> None:
    question = knowledge_question(world, bank)
    config = load_config()
    page = world.client("interviewer").get(f"/questions/{question.id}")
    assert page.status_code == 200 and question.prompt in page.text
    assert "reviewed <strong>0</strong> answers" in page.text and f"once there are {config.examples_min}" in page.text
    assert f"shown once {config.reliability_min_grades} answers" in page.text
    ids = add_answers(world, question.id, [f"answer {i}" for i in range(config.reliability_min_grades)], suggested=3)
    for answer_id in ids:
        review(world, answer_id, 1, suggested=3)  # people disagree with every suggestion
    page = world.client("interviewer").get(f"/questions/{question.id}")
    assert f"reviewed <strong>{len(ids)}</strong> answers" in page.text and "use them as graded examples" in page.text
    assert f"over {len(ids)} reviewed answers" in page.text and "Unreliable on this question" in page.text
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    assert world.client("interviewer").get("/questions/no-such-question").status_code == 404
    assert "/questions/" not in kit  # the seeded answer's question is not in the bank: no link


@pytest.mark.model
@pytest.mark.slow
def test_a_candidate_who_submits_later_gets_a_suggestion_learned_from_the_reviews(
    make_world: Callable[..., World],
) -> None:
    world = make_world(workers=1)
    token = invite(world, 2)
    with world.db.session() as s:
        invited = s.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
        assert invited is not None and invited.question_ids
        question_id = invited.question_ids[0]
    k = load_config().examples_min
    answer = "I would monitor feature distributions for drift and check the upstream pipeline for breakage."
    peers = add_answers(world, question_id, [f"{answer} ({i})" for i in range(k + 1)], suggested=3)
    for answer_id in peers:
        review(world, answer_id, 3, suggested=3)
    with TestClient(world.app) as anon:
        begin(anon, world, token)
        done = anon.post(
            f"/assess/{token}/submit",
            data={"csrf_token": portal_csrf(world, token), f"answer:{question_id}": answer, "confirm": "yes"},
        )
        assert done.status_code == 200

        def scored() -> bool:
            with world.db.session() as s:
                query = select(WrittenAnswer.advice).where(WrittenAnswer.candidate_id == world.candidate)
                return any(a is not None and "examples_used" in a for a in s.scalars(query))

        wait_until(scored, 120)
    kit = world.client("interviewer").get(KIT.format(world.candidate)).text
    assert f"learned from {k + 1} answers to this question that interviewers graded" in kit
