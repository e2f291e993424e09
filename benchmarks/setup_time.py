"""How long a first `make report` takes on a fresh clone, by installer (issue 12: target ≤ 25 s).

Not part of the tests or of `make bench` (it clones the repository several times and installs
hundreds of megabytes). Run it by hand, on a quiet machine if possible:

    python3 benchmarks/setup_time.py [--runs N] [--modes uv,uv-bootstrap,pip,before]

Each run clones the committed HEAD into a temporary folder, then times `make .venv/.installed`
(the set-up) and `make report` (the build) separately. Modes:

- uv:           uv on PATH, its cache as this machine has it (the usual case here);
- uv-bootstrap: no uv on PATH, so the Makefile installs uv with pip into .tools/ first;
- pip:          IWF_STATS_INSTALLER=pip: pip alone, from the same runtime lock;
- before:       the commit before the lock was split (pip installing every pin, JupyterLab,
                mypy and the rest included), for comparison.

The load average is recorded with each run: the machine is shared, and a busy one is slower.
Writes benchmarks/setup_results.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The last commit whose Makefile installed the single, undivided lock with pip.
BEFORE = "f17e771"
#: A PATH without uv on it, and the interpreter named directly, for the bootstrap mode.
NO_UV_PATH = "/usr/local/bin:/usr/bin:/bin"


def cpu() -> float:
    """CPU seconds (user + system) used so far by finished children: unlike the wall clock, it
    hardly depends on how busy the shared machine is."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(mode: str, scratch: Path) -> dict[str, object]:
    clone = scratch / f"clone-{mode}"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    if mode == "before":
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", BEFORE], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("IWF_STATS_INSTALLER", "IWF_STATS_DATA", "MAKEFLAGS")}
    make = ["make", "--no-print-directory"]
    if mode == "pip":
        env["IWF_STATS_INSTALLER"] = "pip"
    if mode == "uv-bootstrap":
        python = shutil.which("python3") or sys.executable
        real = subprocess.run([python, "-c", "import sys; print(sys.executable)"], capture_output=True,
                              text=True, check=True).stdout.strip()
        env["PATH"] = NO_UV_PATH
        make.append(f"PYTHON={real}")
        assert shutil.which("uv", path=NO_UV_PATH) is None
    load = os.getloadavg()[0]
    c0, t0 = cpu(), time.perf_counter()
    subprocess.run([*make, ".venv/.installed"], cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL)
    c1, t1 = cpu(), time.perf_counter()
    subprocess.run([*make, "report"], cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    c2, t2 = cpu(), time.perf_counter()
    size = sum(f.stat().st_size for f in (clone / ".venv").rglob("*") if f.is_file() and not f.is_symlink())
    bootstrapped = (clone / ".tools" / "bin" / "uv").exists()
    shutil.rmtree(clone, ignore_errors=True)
    return {"mode": mode, "setup_s": round(t1 - t0, 1), "build_s": round(t2 - t1, 1),
            "total_s": round(t2 - t0, 1), "setup_cpu_s": round(c1 - c0, 1), "build_cpu_s": round(c2 - c1, 1),
            "venv_mib": round(size / 2**20), "load_avg_1min": round(load, 1),
            "uv_bootstrapped": bootstrapped}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--modes", default="uv,uv-bootstrap,pip,before")
    parser.add_argument("--append", action="store_true", help="add to the runs already in the results file")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="iwf-stats-setup-"))
    path = REPO / "benchmarks" / "setup_results.json"
    results = json.loads(path.read_text(encoding="utf-8"))["runs"] if args.append and path.exists() else []
    try:
        for _ in range(args.runs):
            for mode in args.modes.split(","):
                r = {"date": date.today().isoformat(), **run_once(mode, scratch)}
                print(json.dumps(r), file=sys.stderr)
                results.append(r)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    doc = {"machine": f"{os.cpu_count()} CPUs, {platform.machine()}, "
           f"Python {platform.python_version()}", "runs": results}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print("| installer | set-up | build | first `make report` | CPU time (set-up + build) | .venv | load average |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['mode']} | {r['setup_s']} s | {r['build_s']} s | {r['total_s']} s "
              f"| {r['setup_cpu_s']} + {r['build_cpu_s']} s | {r['venv_mib']} MiB | {r['load_avg_1min']} |")


if __name__ == "__main__":
    main()
