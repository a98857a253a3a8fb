"""The candidates list at scale: how long one page of `/candidates` takes to query, with many candidates.

Run: python benchmarks/candidate_list.py [--candidates N] [--openings N] [--repeat N]

Seeds a temporary SQLite database with N candidates spread over the openings (each with an interviewer assigned
to every tenth), then times `list_candidates` for the list's usual questions, as an admin and as a hiring
manager who sees one opening, and prints the median milliseconds of each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mlscreen.bank import load_bank
from mlscreen.store.accounts import create_user
from mlscreen.store.candidate_list import CandidateFilter, list_candidates
from mlscreen.store.db import Database
from mlscreen.store.migrate import upgrade
from mlscreen.store.models import Assignment, Candidate, User
from mlscreen.store.openings import add_member, create_opening


def seed(db: Database, *, candidates: int, openings: int) -> tuple[int, int, int]:
    """Return (admin id, hiring manager id, interviewer id) after storing the candidates."""
    bank = load_bank()
    with db.session() as s:
        admin = create_user(s, email="a@example.org", name="Admin", role="admin", password="benchmark password 1")
        hm = create_user(s, email="h@example.org", name="Manager", role="hiring_manager", password="benchmark pass 2")
        one = create_user(s, email="i@example.org", name="Interviewer", role="interviewer", password="benchmark pw 3")
        made = [
            create_opening(s, bank, title=f"Role {n}", profile_id="ml-engineer", actor=hm if n == 0 else admin)
            for n in range(openings)
        ]
        s.flush()
        add_member(s, made[0], one.id)
        rows = [
            Candidate(
                opening_id=made[n % openings].id,
                name=f"Person {n:06d}",
                email=f"person{n}@example.net",
                stage_position=n % 5,
                status=("active", "rejected", "withdrawn")[n % 3],
            )
            for n in range(candidates)
        ]
        s.add_all(rows)
        s.flush()
        s.add_all(
            Assignment(candidate_id=c.id, stage_position=2, interviewer_id=one.id) for c in rows[:: 10 * openings]
        )
        return admin.id, hm.id, one.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20000)
    parser.add_argument("--openings", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        db = Database(f"sqlite:///{Path(directory) / 'bench.db'}")
        upgrade(db)
        started = time.perf_counter()
        admin, hm, one = seed(db, candidates=options.candidates, openings=options.openings)
        print(f"seeded {options.candidates} candidates in {time.perf_counter() - started:.1f} s")
        questions = {
            "first page, newest first": CandidateFilter(),
            "search a name": CandidateFilter(text="person 01234"),
            "search a substring of e-mails": CandidateFilter(text="99@"),
            "status + stage, by name": CandidateFilter(status="active", stage=2, sort="name"),
            "by assigned interviewer": CandidateFilter(interviewer_id=one),
            "page 100, by name": CandidateFilter(sort="name", page=100),
        }
        for who, user_id in (("admin", admin), ("hiring manager (1 opening)", hm), ("interviewer", one)):
            with db.session() as s:
                user = s.get_one(User, user_id)
                for label, wanted in questions.items():
                    times = []
                    for _ in range(options.repeat):
                        t = time.perf_counter()
                        page = list_candidates(s, user, wanted)
                        times.append((time.perf_counter() - t) * 1000)
                    print(f"{who:28} {label:32} {statistics.median(times):7.1f} ms  ({page.total} match)")
        db.dispose()


if __name__ == "__main__":
    main()
