"""Grader throughput: warm-pool latency and rate against a fresh interpreter per submission (data-cleaning).

Run: python benchmarks/grader_throughput.py [--submissions N] [--baseline N]

Every submission is a distinct source (the five exercise files, each with a numbered comment), so nothing cached
by source text helps, and each `grade()` computes everything it returns: checks in the sandbox, rubric and the
advisory signals (ruff, radon, idioms). The baseline runs the same hidden tests in a fresh interpreter per
submission, unsandboxed and without signals.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.grader import GraderPool

EXERCISE = PACKAGED_BANK / "exercises" / "data-cleaning"
FILES = ["reference.py", "wrong_mean.py", "wrong_fraction.py", "wrong_mutates_input.py", "wrong_all_columns.py"]
# The baseline: a fresh interpreter per submission that imports the libraries and runs the same checks.
BASELINE = """
import sys, importlib.util
sys.argv = sys.argv[:1]
spec = importlib.util.spec_from_file_location("submission", {sub!r}); sub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sub)
spec = importlib.util.spec_from_file_location("tests", {tests!r}); tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
from mlscreen.grader.checks import collect
class Direct:
    def call(self, name, *a, **k): return getattr(sub, name)(*a, **k)
    def call_full(self, name, *a, **k):
        class O: pass
        o = O(); o.value = getattr(sub, name)(*a, **k); o.args = list(a); o.kwargs = k; return o
    def batch(self, calls):
        return [self.call_full(c.name, *c.args, **c.kwargs) if c.full else self.call(c.name, *c.args, **c.kwargs)
                for c in calls]
passed = 0
for check in collect(tests):
    try:
        check.function(Direct()); passed += 1
    except Exception:
        pass
print(passed)
"""


def supervisor_cpu() -> float:
    """Return the CPU seconds of this process and its reaped children (one-shot linters, if any)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def sandbox_cpu(pool: GraderPool) -> float:
    """Return the CPU seconds used so far by the pool's sandboxes: every live process under each bubblewrap,
    with the time of the children they reaped (finished jobs)."""
    parents: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    roots = [s._process.pid for s in pool._all if s._process is not None]
    ticks, stack = 0, list(roots)
    while stack:
        pid = stack.pop()
        ticks += times.get(pid, 0) if pid not in roots else 0
        stack.extend(parents.get(pid, []))
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Return the `q` quantile (0-1) of `values`, interpolated."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=60, help="submissions through the warm pool")
    parser.add_argument("--baseline", type=int, default=4, help="submissions through fresh interpreters")
    args = parser.parse_args()
    sources = [
        (EXERCISE / FILES[i % len(FILES)]).read_text(encoding="utf-8") + f"\n# submission {i}\n"
        for i in range(args.submissions)
    ]
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    with GraderPool(workers=1) as pool:
        pool.warm("data-cleaning")
        pool.grade("# warm-up\n" + sources[0], "data-cleaning")
        latencies = []
        for source in sources:
            started = time.perf_counter()
            pool.grade(source, "data-cleaning")
            latencies.append((time.perf_counter() - started) * 1000)

    with GraderPool(workers=2) as pool:
        pool.warm("data-cleaning")
        pool.grade("# warm-up\n" + sources[0], "data-cleaning")
        time.sleep(0.5)  # let the spare children finish warming up before the CPU is counted
        cpu_before = supervisor_cpu(), sandbox_cpu(pool)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as executor:
            results = list(executor.map(lambda s: pool.grade("# 2 workers\n" + s, "data-cleaning"), sources))
        rate = len(sources) / (time.perf_counter() - started)
        time.sleep(0.5)
        supervisor_ms = (supervisor_cpu() - cpu_before[0]) * 1000 / len(sources)
        sandbox_ms = (sandbox_cpu(pool) - cpu_before[1]) * 1000 / len(sources)
    expected = {"reference.py": "passed"}
    wrong = [r.status for i, r in enumerate(results) if r.status != expected.get(FILES[i % len(FILES)], "failed")]
    if wrong:
        raise SystemExit(f"unexpected verdicts: {wrong}")

    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(args.baseline):
            sub = Path(tmp) / f"sub{i}.py"
            sub.write_text(sources[i], encoding="utf-8")
            code = BASELINE.format(sub=str(sub), tests=str(EXERCISE / "tests.py"))
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    baseline_rate = 1 / statistics.median(times)

    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"warm pool, 1 worker: p50 latency {p50:.1f} ms (target <= 50 ms), p95 {p95:.1f} ms, {len(latencies)} subs")
    print(f"warm pool, 2 workers: {rate:.1f} submissions/s (target >= 30)")
    print(f"fresh interpreter per submission (unsandboxed): {baseline_rate:.2f} submissions/s")
    print(f"ratio warm pool (2 workers) / fresh interpreter: {rate / baseline_rate:.0f}x (target >= 20x)")
    total_ms = supervisor_ms + sandbox_ms
    cores = os.cpu_count() or 1
    print(
        f"CPU per submission: supervisor {supervisor_ms:.1f} ms + sandbox {sandbox_ms:.1f} ms = {total_ms:.1f} ms, "
        f"so at most {cores * 1000 / total_ms:.0f} submissions/s on {cores} otherwise idle cores"
    )


if __name__ == "__main__":
    main()
