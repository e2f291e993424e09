"""Time `iwf-stats draft` on a 2,000-word article, from a cold start (a new process each run,
imports included), as a journalist would run it.

The article is composed from the test texts (tests/fixtures/draft/*.txt and the seed article),
repeated until it reaches 2,000 words. Prints the median of seven runs and writes nothing
into the repository.

    .venv/bin/python benchmarks/draft.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WORDS = 2000
RUNS = 7


def compose(words: int = WORDS) -> str:
    """The test texts, one after another and repeated, cut at the first paragraph end past `words`."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "draft").glob("*.txt"))]
    texts.append((FIXTURES / "seed-article.txt").read_text(encoding="utf-8"))
    paragraphs = [p for t in texts for p in t.split("\n\n") if p.strip()]
    out: list[str] = []
    count = 0
    i = 0
    while count < words:
        p = paragraphs[i % len(paragraphs)]
        out.append(p.strip())
        count += len(p.split())
        i += 1
    return "\n\n".join(out) + "\n"


def _child_cpu() -> float:
    """CPU seconds used so far by finished child processes."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "article.txt"
        text = compose()
        article.write_text(text, encoding="utf-8")
        exe = [sys.executable, "-m", "iwf_stats", "draft", str(article), "--json"]
        subprocess.run(exe, check=True, capture_output=True)  # warm the file cache and bytecode
        times, cpu = [], []
        for _ in range(RUNS):
            start, used = time.perf_counter(), _child_cpu()
            done = subprocess.run(exe, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            cpu.append(_child_cpu() - used)
        base = []  # `iwf-stats check` in the same run: the machine's load shows in both
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "iwf_stats", "check"], check=True, capture_output=True)
            base.append(time.perf_counter() - start)
    import json

    n = len(json.loads(done.stdout)["statements"])
    print(f"draft of a {len(text.split()):,}-word article ({n} statements): median {statistics.median(times):.2f} s "
          f"of {RUNS} cold runs (min {min(times):.2f}, max {max(times):.2f}); `iwf-stats check` in the same "
          f"run: median {statistics.median(base):.2f} s; CPU time of the draft (user + system, less sensitive "
          f"to other load on the machine): median {statistics.median(cpu):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
