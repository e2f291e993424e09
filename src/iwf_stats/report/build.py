"""`iwf-stats build`: data → claims → charts → notebooks → site, incrementally and atomically.

Each step has a key: the SHA-256 of everything it reads (the data files, the library code it
runs, the notebook, the pinned versions, the Python version). A step whose key matches the
previous build is not run again: its outputs are linked from the previous site. When every
key matches, nothing is touched at all.

The site is built in a staging folder beside the output and swapped in only when every step
has succeeded, so a failing notebook, an exception or a killed build leaves the previous
site exactly as it was. Stale staging folders from a killed build are removed by the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..claims import CheckReport, Ledger, check, load_ledger
from ..dataset import Dataset
from ..loading import load
from . import site

PACKAGE = Path(__file__).resolve().parents[1]
STATE_FILE = ".build-state.json"
STAGING_PREFIX = ".build-"
Progress = Callable[[str], None]


class BuildError(Exception):
    """A step failed; the previous site is untouched."""


@dataclass
class Step:
    name: str
    inputs: list[Path]
    outputs: list[str]
    key: str = ""
    ran: bool = False


@dataclass
class BuildResult:
    out: Path
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return not self.ran


def _files(folder: Path, pattern: str = "*.py") -> list[Path]:
    return sorted(folder.glob(pattern))


def _digest(step: str, paths: Iterable[Path], root: Path) -> str:
    h = hashlib.sha256(f"{step}\0{platform.python_version()}\0".encode())
    for p in sorted(set(paths)):
        try:
            name = str(p.relative_to(root))
        except ValueError:
            name = p.name
        h.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b"<missing>") + b"\0")
    return h.hexdigest()


def notebook_paths(notebooks_dir: Path) -> list[Path]:
    return sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))


def plan(data_dir: Path, notebooks_dir: Path, lock: Path | None) -> list[Step]:
    """The steps and what each reads. A notebook that shows charts also reads the chart code."""
    ledger = data_dir / "claims.toml"
    data = [p for p in _files(data_dir, "*") if p != ledger]
    claims = [ledger, *_files(PACKAGE / "claims")]
    core = _files(PACKAGE)
    charts_code = _files(PACKAGE / "charts")
    report_code = _files(PACKAGE / "report")
    pins = [lock] if lock and lock.exists() else []
    steps = [
        Step("claims", data + claims + core + pins, ["claims.json"]),
        Step("charts", data + claims + core + charts_code + pins, ["charts"]),
    ]
    for nb in notebook_paths(notebooks_dir):
        text = nb.read_text(encoding="utf-8")
        uses_charts = "chart_images" in text  # the charts embed the claims' growth figure
        uses_claims = uses_charts or "iwf_stats.claims" in text
        steps.append(Step(f"notebook:{nb.stem}",
                          [nb, *data, *core, *report_code, *pins, *(claims if uses_claims else []),
                           *(charts_code if uses_charts else [])],
                          [f"notebooks/{nb.stem}.html", f"notebooks/{nb.stem}.ipynb"]))
    steps.append(Step("site", data + claims + core + report_code + charts_code + pins,
                      ["index.html", "claims.html", "sources.html", "style.css", "data"]))
    root = PACKAGE.parents[1]
    for s in steps:
        s.key = _digest(s.name, s.inputs, root)
    return steps


def build(out: Path, data_dir: Path | None = None, notebooks_dir: Path | None = None,
          lock: Path | None = None, force: bool = False, progress: Progress = lambda _m: None,
          jobs: int = 3) -> BuildResult:
    """Build the site into `out`. Raises `DataError` on invalid data, `BuildError` when a
    claim no longer reproduces or a notebook fails; `out` is untouched in both cases."""
    root = PACKAGE.parents[1]
    notebooks_dir = notebooks_dir or root / "notebooks"
    lock = lock or root / "requirements.lock"
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)

    progress("validating the data and the claims ledger")
    ds = load(data_dir)
    ledger = load_ledger(ds)
    steps = plan(ds.root, notebooks_dir, lock)
    previous = _read_state(out)
    if not force and all(previous.get(s.name) == s.key for s in steps) and out.exists():
        progress("up to date: every step's inputs are unchanged")
        return BuildResult(out, skipped=[s.name for s in steps])

    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + out.name + "-", dir=out.parent))
    try:
        result = _run_steps(steps, previous, out, staging, ds, ledger, notebooks_dir, force, progress, jobs)
        (staging / STATE_FILE).write_text(json.dumps({s.name: s.key for s in steps}, indent=2) + "\n")
        _swap(staging, out)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _run_steps(steps: list[Step], previous: dict[str, str], out: Path, staging: Path, ds: Dataset,
               ledger: Ledger, notebooks_dir: Path, force: bool, progress: Progress,
               jobs: int) -> BuildResult:
    result = BuildResult(out)
    total = len(steps)
    report = check(ds, ledger)

    by_name = {s.name: s for s in steps}
    order = {s.name: i for i, s in enumerate(steps, start=1)}

    def announce(i: int, step: Step, what: str) -> None:
        progress(f"[{i}/{total}] {step.name}: {what}")

    def reuse(step: Step) -> bool:
        """Link the step's outputs from the previous site if its inputs are unchanged, and
        record it as skipped; False when the step must run."""
        if force or previous.get(step.name) != step.key:
            return False
        if not all((out / o).exists() for o in step.outputs):
            return False
        for o in step.outputs:
            _link_tree(out / o, staging / o)
        result.skipped.append(step.name)
        announce(order[step.name], step, "unchanged, reused")
        return True

    # claims
    step = by_name["claims"]
    if report.differing:
        names = ", ".join(r.id for r in report.differing)
        raise BuildError(f"claims no longer reproduce as recorded: {names} (run `iwf-stats check`)")
    if not reuse(step):
        (staging / "claims.json").write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
        result.ran.append(step.name)
        announce(order[step.name], step, f"{len(report.results)} claims reproduced")

    notebooks = [s for s in steps if s.name.startswith("notebook:")]
    env = {**os.environ, "IWF_STATS_DATA": str(ds.root), "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "SOURCE_DATE_EPOCH": "0"}
    charts_env = {**env, "IWF_STATS_CHARTS": str(staging / "charts")}

    def run_notebook(step: Step, nb_env: dict[str, str]) -> None:
        from .notebooks import execute, write_outputs

        stem = step.name.split(":", 1)[1]
        announce(order[step.name], step, "executing")
        nb = execute(notebooks_dir / f"{stem}.ipynb", nb_env)
        write_outputs(nb, staging / "notebooks", stem)
        announce(order[step.name], step, "done")

    (staging / "notebooks").mkdir(exist_ok=True)
    to_run = [s for s in notebooks if not reuse(s)]
    charts_step = by_name["charts"]
    charts_reused = reuse(charts_step)
    # The charts render in a child process (forked before any thread exists, so it holds no
    # lock a thread might own) while the notebooks run here: neither waits on the other's GIL.
    renderer = [] if charts_reused else _start_chart_renderer(ds, report, staging / "charts")
    if to_run:
        from .notebooks import preload

        preload()
    # Every notebook starts at once; one that shows charts waits, inside its kernel, for the
    # charts' manifest, so kernel start-up overlaps the rendering.
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending = {s.name: pool.submit(run_notebook, s, charts_env if _shows_charts(s) else env) for s in to_run}
        failed: str | None = None
        if not charts_reused:
            from ..charts import CHARTS

            announce(order[charts_step.name], charts_step, f"rendering {len(CHARTS)} charts")
            failed = _finish_chart_renderer(renderer, ds, report, staging / "charts")
            if failed:
                from .notebook import FAILED_MARKER

                (staging / FAILED_MARKER).touch()
            else:
                result.ran.append(charts_step.name)
                announce(order[charts_step.name], charts_step, "done")
        errors: list[Exception] = []
        for name, fut in pending.items():
            try:
                fut.result()
                result.ran.append(name)
            except Exception as e:  # every notebook is awaited, then the first failure reported
                errors.append(e)
        if failed:
            raise BuildError(f"charts: {failed}")
        if errors:
            from .notebooks import NotebookError

            if isinstance(errors[0], NotebookError):
                raise BuildError(f"notebook {errors[0]}") from None
            raise errors[0]

    step = by_name["site"]
    if not reuse(step):
        _write_site(staging, ds, report, [s.name.split(":", 1)[1] for s in notebooks])
        result.ran.append(step.name)
        announce(order[step.name], step, "index.html, claims.html, sources.html")
    return result


def _render_charts(ds: Dataset, report: CheckReport, folder: Path, only: list[str] | None = None) -> None:
    from ..charts import ChartContext, render

    render(ChartContext(ds, report), folder, only=only, manifest=False)


def _start_chart_renderer(ds: Dataset, report: CheckReport, folder: Path) -> list[Any]:
    """Two child processes, each rendering every other chart: once the notebooks are done,
    both cores draw. Forked before any thread exists, so no child inherits a held lock."""
    import multiprocessing

    from ..charts import CHARTS

    if "fork" not in multiprocessing.get_all_start_methods():
        return []  # rendered in this process by _finish_chart_renderer
    names = list(CHARTS)
    fork = multiprocessing.get_context("fork")
    procs = [fork.Process(target=_render_charts, args=(ds, report, folder, names[i::2]),
                          name=f"iwf-stats-charts-{i}") for i in range(2)]
    for p in procs:
        p.start()
    return procs


def _finish_chart_renderer(procs: list[Any], ds: Dataset, report: CheckReport, folder: Path) -> str | None:
    """Wait for the charts and write their manifest; None when all went well, else what failed."""
    from ..charts.export import write_manifest

    if not procs:
        try:
            _render_charts(ds, report, folder)
        except Exception as e:
            return f"{type(e).__name__}: {e}"
    for p in procs:
        p.join()
    bad = [p.exitcode for p in procs if p.exitcode != 0]
    if bad:
        return f"a chart renderer exited with status {bad[0]}"
    write_manifest(folder)
    return None


def _shows_charts(step: Step) -> bool:
    return any(p.parent.name == "charts" and p.suffix == ".py" for p in step.inputs)


def _write_site(staging: Path, ds: Dataset, report: CheckReport, notebooks: list[str]) -> None:
    (staging / "style.css").write_text(site.CSS.lstrip(), encoding="utf-8")
    (staging / "index.html").write_text(site.index(ds, report, staging / "charts", notebooks), encoding="utf-8")
    (staging / "claims.html").write_text(site.claims(ds, report), encoding="utf-8")
    (staging / "sources.html").write_text(site.sources(ds), encoding="utf-8")
    data = staging / "data"
    data.mkdir(exist_ok=True)
    for p in sorted(ds.root.iterdir()):
        if p.is_file():
            shutil.copyfile(p, data / p.name)


def _link_tree(src: Path, dst: Path) -> None:
    """Hard-link (or copy) a file or folder from the previous site: outputs are never edited in
    place, so sharing them between builds is safe."""
    if src.is_dir():
        dst.mkdir(parents=True, exist_ok=True)
        for child in src.iterdir():
            _link_tree(child, dst / child.name)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _read_state(out: Path) -> dict[str, str]:
    try:
        state = json.loads((out / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _swap(staging: Path, out: Path) -> None:
    """Put the new site in place: two renames, the old site kept until the new one is in."""
    old = out.with_name(f"{STAGING_PREFIX}{out.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stale_staging(out: Path) -> None:
    """Clear what a killed build left behind, restoring the previous site if a swap was cut short."""
    old = out.with_name(f"{STAGING_PREFIX}{out.name}-old")
    if old.exists() and not out.exists():
        os.replace(old, out)
    for p in out.parent.glob(f"{STAGING_PREFIX}{out.name}-*"):
        shutil.rmtree(p, ignore_errors=True)
