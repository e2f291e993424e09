"""Benchmarks: run on demand (`make bench`), never as part of the tests.

Prints a table and writes benchmarks/results.json. Every figure is the median of several
runs, and every ratio is measured in the same run as its baseline, on the same machine.

    python benchmarks/run.py [--quick]

--quick runs fewer repetitions and skips the million-row load (for a smoke check).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

BASELINE = """
from pydantic import BaseModel, Field
class Row(BaseModel):
    series_id: str
    year: int = Field(ge=1996)
    value: int = Field(ge=0)
rows = [Row.model_validate({"series_id": "s", "year": 2000 + i % 25, "value": i}) for i in range(100)]
"""

LOAD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from iwf_stats import load
start = time.perf_counter()
ds = load(Path(sys.argv[1]))
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "rows": len(ds.observations),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def timed(cmd: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(n: int, fn: object) -> float:
    return statistics.median(fn() for _ in range(n))  # type: ignore[operator]


def cold_starts(reps: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """The baseline, `validate` and `check`, each a new process, run in turns (this machine's
    speed drifts within minutes): the medians of their wall times and of their CPU times, and
    the ratios of each. A start this short is a few hundred milliseconds of one process's
    work, which its CPU time measures with less of the noise of what else the host runs."""
    commands = {"baseline": [sys.executable, "-c", BASELINE], "validate": [str(BIN / "iwf-stats"), "validate"],
                "check": [str(BIN / "iwf-stats"), "check"]}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(reps):
        for name, cmd in commands.items():
            runs[name].append(timed_cpu(cmd, env=env))
    out: dict[str, float] = {}
    for name in commands:
        out[f"{name}_s"] = statistics.median(w for w, _ in runs[name])
        out[f"{name}_cpu_s"] = statistics.median(c for _, c in runs[name])
    for name in ("validate", "check"):
        out[f"{name}_ratio"] = out[f"{name}_s"] / out["baseline_s"]
        out[f"{name}_cpu_ratio"] = out[f"{name}_cpu_s"] / out["baseline_cpu_s"]
    return out


def without_bytecode() -> dict[str, str]:
    """An environment in which no .pyc file is found or written (an empty cache prefix), so
    every module, pydantic's included, is compiled from source at each start: how a venv that
    was installed without bytecode behaves where PYTHONDONTWRITEBYTECODE is set."""
    empty = tempfile.mkdtemp(prefix="iwf-bench-nopyc-")
    return {**os.environ, "PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}


def compile_sources() -> None:
    """The package's bytecode brought up to date, as an install leaves it (`make` runs the same
    compileall): edits since would otherwise be compiled again at every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True,
                   stdout=subprocess.DEVNULL)


def builds(reps: int) -> dict[str, Any]:
    """The clean build against the notebooks run one by one with nbconvert (as installed, and
    without the IRI parser the build does without), run in turns: build, lean nbconvert,
    nbconvert, and again. This machine's speed drifts by a third within minutes, so each
    ratio is taken within one turn, and the medians of those ratios are reported beside the
    medians of the times."""
    work = Path(tempfile.mkdtemp(prefix="iwf-bench-"))
    turns: list[dict[str, float]] = []
    try:
        def full() -> tuple[float, float]:
            out = work / "site"
            shutil.rmtree(out, ignore_errors=True)
            return timed_cpu([str(BIN / "iwf-stats"), "build", "--out", str(out)])

        def notebooks(lean: bool) -> tuple[float, float]:
            """Every notebook through nbconvert, one process each; `lean`: without jsonschema's
            optional IRI parser, which JupyterLab's pins bring into this venv and which costs each
            nbconvert process 2.3 s at import (the build does without it): the comparison that
            does not flatter the build."""
            lean_code = ("import sys; sys.modules['rfc3987_syntax'] = None; sys.argv[0] = 'jupyter-nbconvert'; "
                         "from nbconvert.nbconvertapp import main; main()")
            command = [sys.executable, "-c", lean_code] if lean else [str(BIN / "jupyter"), "nbconvert"]
            wall = used = 0.0
            for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb")):
                w, c = timed_cpu([*command, "--to", "html", "--execute",
                                  "--output-dir", str(work / "nbconvert"), str(nb)], cwd=REPO / "notebooks")
                wall, used = wall + w, used + c
            return wall, used

        for _ in range(reps):
            (b, b_cpu), (lean, lean_cpu), (plain, _cpu) = full(), notebooks(lean=True), notebooks(lean=False)
            turns.append({"build_s": b, "build_cpu_s": b_cpu, "nbconvert_lean_s": lean,
                          "nbconvert_lean_cpu_s": lean_cpu, "nbconvert_s": plain,
                          "ratio_lean": b / lean, "ratio": b / plain})
        noop_s = median_of(max(reps, 5), lambda: timed([str(BIN / "iwf-stats"), "build", "--out", str(work / "site")]))
        peak = _build_peak_memory(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(key: str) -> float:
        return statistics.median(t[key] for t in turns)

    return {"full_build_s": med("build_s"), "nbconvert_s": med("nbconvert_s"), "build_ratio": med("ratio"),
            "nbconvert_lean_s": med("nbconvert_lean_s"), "build_ratio_lean": med("ratio_lean"),
            "full_build_cpu_s": med("build_cpu_s"), "nbconvert_lean_cpu_s": med("nbconvert_lean_cpu_s"),
            "noop_build_s": noop_s, "turns": turns, **peak}


def _build_peak_memory(work: Path) -> dict[str, float]:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(BIN / "iwf-stats"), "build", "--force",
                          "--out", str(work / "mem-site")], capture_output=True, text=True, check=True)
    return {"build_peak_process_mib": float(out.stdout.strip())}


def timed_cpu(cmd: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the command and every process it waited for,
    its workers included): on a shared machine the CPU time is the steadier measure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(cmd, cwd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def all_presets(reps: int) -> dict[str, Any]:
    """Every chart in every size and theme, as a graphics desk would ask for them (issue 13:
    at most 15 s on this machine), each run into a new folder. With the load average before
    each run: wall time says little when other work shares the CPUs."""
    from iwf_stats.charts.style import SIZES, THEMES

    work = Path(tempfile.mkdtemp(prefix="iwf-bench-charts-"))
    runs = []
    try:
        for _ in range(reps):
            out = work / "charts"
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            wall, cpu = timed_cpu([str(BIN / "iwf-stats"), "charts", "--out", str(out), "--size", ",".join(SIZES),
                                   "--theme", ",".join(THEMES)])
            runs.append({"wall_s": wall, "cpu_s": cpu, "load_before": load})
        files = sum(1 for _ in (work / "charts").iterdir())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"all_presets_s": statistics.median(r["wall_s"] for r in runs),
            "all_presets_cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "files": files, "presets": len(SIZES) * len(THEMES), "cpus": len(os.sched_getaffinity(0)),
            "date": date.today().isoformat(), "runs": runs}


def loader_scaling(sizes: list[int], reps: int) -> list[dict[str, float]]:
    work = Path(tempfile.mkdtemp(prefix="iwf-bench-data-"))
    results = []
    try:
        for n in sizes:
            folder = synthetic.make(work / f"n{n}", n)
            runs = []
            for _ in range(reps):
                out = subprocess.run([sys.executable, "-c", LOAD_CHILD, str(folder)], capture_output=True,
                                     text=True, check=True)
                runs.append(json.loads(out.stdout))
            results.append({"observations": runs[0]["rows"],
                            "seconds": statistics.median(r["seconds"] for r in runs),
                            "peak_mib": max(r["peak_mib"] for r in runs)})
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def machine() -> dict[str, str | int]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
    return {"cpus": os.cpu_count() or 0, "cpu_model": model, "memory_gib": mem,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.machine()}"}


MEASURES = ("cold", "build", "charts", "loader")
NAMES = {"cold": "cold starts", "build": "build", "charts": "charts", "loader": "loader"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=MEASURES, action="append",
                        help="run only this measure (repeatable); the others are kept from results.json")
    args = parser.parse_args()
    reps = 3 if args.quick else 7
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    only = set(args.only or MEASURES)
    result: dict[str, Any] = {}
    if only != set(MEASURES):
        result = json.loads((HERE / "results.json").read_text())
    compile_sources()
    if "cold" in only:
        print("cold starts…", file=sys.stderr)
        result["cold_start"] = cold_starts(3 * reps)
        result["cold_start_without_bytecode"] = cold_starts(reps, without_bytecode())
    if "build" in only:
        print("builds…", file=sys.stderr)
        result["build"] = builds(3)
    if "charts" in only:
        print("charts in every size and theme…", file=sys.stderr)
        result["charts"] = all_presets(3)
    if "loader" in only:
        print("loader scaling…", file=sys.stderr)
        scaling = loader_scaling(sizes, 3)
        first, last = scaling[0], scaling[-1]
        result["loader"] = scaling
        result["loader_time_per_row_growth"] = \
            (last["seconds"] / first["seconds"]) / (last["observations"] / first["observations"])
    if only == set(MEASURES):
        result.update({"date": date.today().isoformat(), "machine": machine(), "quick": args.quick})
    # Each measure's own date: a partial run keeps the others' rows, and says when they were made.
    result["dates"] = {**{m: result["date"] for m in MEASURES}, **result.get("dates", {}),
                       **{m: date.today().isoformat() for m in only}}
    (HERE / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    return 0


def table(r: dict) -> str:  # type: ignore[type-arg]
    c, b = r["cold_start"], r["build"]
    rows = [
        ("cold start: bare Python + pydantic, 100 records", f"{c['baseline_s']:.2f} s", "baseline"),
        ("cold start: iwf-stats validate", f"{c['validate_s']:.2f} s", f"{c['validate_ratio']:.2f}× (target < 1.5×)"),
        ("cold start: iwf-stats check", f"{c['check_s']:.2f} s", f"{c['check_ratio']:.2f}× (target < 1.5×)"),
    ]
    if "validate_cpu_ratio" in c:
        rows += [("cold start by CPU time: baseline, validate, check",
                  f"{c['baseline_cpu_s']:.2f}, {c['validate_cpu_s']:.2f}, {c['check_cpu_s']:.2f} s",
                  f"{c['validate_cpu_ratio']:.2f}×, {c['check_cpu_ratio']:.2f}×")]
    if "cold_start_without_bytecode" in r:
        n = r["cold_start_without_bytecode"]
        rows += [
            ("cold start without .pyc files: bare Python + pydantic", f"{n['baseline_s']:.2f} s", "baseline"),
            ("cold start without .pyc files: iwf-stats validate", f"{n['validate_s']:.2f} s",
             f"{n['validate_ratio']:.2f}×"),
            ("cold start without .pyc files: iwf-stats check", f"{n['check_s']:.2f} s", f"{n['check_ratio']:.2f}×"),
        ]
    rows += [
        ("full build (iwf-stats build, clean)", f"{b['full_build_s']:.1f} s",
         f"{b['build_ratio']:.2f}× nbconvert (target < 0.5×)"),
        ("jupyter nbconvert --execute, the notebooks one by one", f"{b['nbconvert_s']:.1f} s", "baseline"),
    ]
    if "nbconvert_lean_s" in b:
        rows += [("the same, without the IRI parser (see Performance)", f"{b['nbconvert_lean_s']:.1f} s",
                  f"build: {b['build_ratio_lean']:.2f}× this")]
    rows += [
        ("no-op rebuild", f"{b['noop_build_s']:.2f} s", "target < 1 s"),
        ("peak memory, full build (largest process)", f"{b['build_peak_process_mib']:.0f} MiB", ""),
    ]
    if "charts" in r:
        ch = r["charts"]
        cpu = f"; CPU {ch['all_presets_cpu_s']:.1f} s over {ch['cpus']} CPUs" if "all_presets_cpu_s" in ch else ""
        rows.append((f"every chart × {ch['presets']} size-theme presets ({ch['files']} files)",
                     f"{ch['all_presets_s']:.1f} s", f"target ≤ 15 s{cpu}"))
    for s in r["loader"]:
        rows.append((f"load {s['observations']:,} observations", f"{s['seconds']:.2f} s",
                     f"peak {s['peak_mib']:.0f} MiB"))
    rows.append(("loader: time growth per row, largest vs smallest", f"{r['loader_time_per_row_growth']:.2f}×",
                 "target ≤ 1.3×"))
    w = max(len(x[0]) for x in rows)
    lines = [f"| {'measure'.ljust(w)} | result | note |", f"|{'-' * (w + 2)}|---|---|"]
    lines += [f"| {a.ljust(w)} | {b_} | {n} |" for a, b_, n in rows]
    m = r["machine"]
    dates = r.get("dates", {k: r["date"] for k in MEASURES})
    by_date: dict[str, list[str]] = {}
    for measure in MEASURES:
        by_date.setdefault(dates[measure], []).append(NAMES[measure])
    when = (next(iter(by_date)) if len(by_date) == 1
            else "; ".join(f"{', '.join(names)} {day}" for day, names in sorted(by_date.items(), reverse=True)))
    lines.append(f"\n{when}, {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
                 f"Python {m['python']}, {m['system']}; medians of several runs.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
