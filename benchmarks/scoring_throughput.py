"""Answer-scoring speed: cold start (import + model load) and answers/s for 40-word answers against 5 points.

Usage: python benchmarks/scoring_throughput.py [--answers N] [--batch B] [--examples E]

With --examples, every answer is also scored with E graded answers of the question (as the web app does once a
question has enough reviewed answers); their embeddings are cached after the first call, as in a running worker.
"""

from __future__ import annotations

import argparse
import os
import random
import time

POINTS = [
    "Look for data drift in the input features",
    "Monitor feature distributions against the training data",
    "Check upstream data pipeline issues such as schema changes or nulls",
    "Evaluate recent performance metrics against the launch baseline",
    "Decide on a retraining cadence and retrain when performance drops",
]
VOCABULARY = (  # noqa: SIM905
    "model data drift feature distribution pipeline upstream monitor metric recall precision baseline retrain "
    "schedule label delay production traffic segment alert threshold dashboard null schema join window week "
    "compare check investigate latency rollback shadow test version training validation"
).split()
GLUE = "I would first then and also the a of in for with because so we when".split()  # noqa: SIM905


def _answer(rng: random.Random, words: int = 40) -> str:
    out = []
    for i in range(words):
        out.append(rng.choice(VOCABULARY if i % 2 else GLUE))
        if i % 13 == 12:
            out[-1] += "."
    return " ".join(out).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=400, help="how many distinct answers to score")
    parser.add_argument("--batch", type=int, default=200, help="answers per scoring call")
    parser.add_argument("--examples", type=int, default=0, help="graded examples of the question per answer")
    args = parser.parse_args()

    start = time.perf_counter()
    from mlscreen.scoring import score_answers
    from mlscreen.scoring.embedder import default_embedder
    from mlscreen.scoring.runtime import loaded_runtime

    default_embedder().embed(["warm up"])
    cold = time.perf_counter() - start
    print(f"cold start (import + model load): {cold:.2f} s")

    load = os.getloadavg()[0]
    rng = random.Random(7)
    answers = [_answer(rng) for _ in range(args.answers)]
    examples = [{"answer": _answer(rng), "grade": rng.choice((0.0, 1 / 3, 2 / 3, 1.0))} for _ in range(args.examples)]
    # Point (and example) embeddings cached, as in a running server.
    score_answers(answers[:8], expected_points=POINTS, examples=examples)
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(0, len(answers), args.batch):
        score_answers(answers[i : i + args.batch], expected_points=POINTS, examples=examples)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rate = len(answers) / elapsed
    print(f"runtime: {loaded_runtime()}; load average before the run: {load:.2f} on {os.cpu_count()} cores")
    print(
        f"throughput: {rate:.1f} answers/s ({len(answers)} answers of 40 words, 5 points, "
        f"{args.examples} graded examples, batches of {args.batch})"
    )
    print(f"cpu cost: {1000 * cpu / len(answers):.1f} ms of CPU per answer (other processes do not inflate it)")
    print(f"ratio to the 100 answers/s target: {rate / 100:.2f}")


if __name__ == "__main__":
    main()
