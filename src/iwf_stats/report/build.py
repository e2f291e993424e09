"""`iwf-stats build`: data → claims → charts → notebooks → site, incrementally and atomically.

Each step has a key: the SHA-256 of everything it reads (the data files, the library code it
runs, the notebook, the pinned versions, the Python version). A step whose key matches the
previous build is not run again: its outputs are linked from the previous site. When every
key matches, nothing is touched at all.

The site is built in a staging folder beside the output and swapped in only when every step
has succeeded, so a failing notebook, an exception or a killed build leaves the previous
site exactly as it was. The output folder must be new, empty or a site this tool wrote
(`outdir`): a build never deletes what it did not write. The state file records the hash of
every file of the site, so a deleted or edited output reruns the step that made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import stat
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue import CATALOGUE_FILE
from ..claims import CheckReport, Ledger, check, load_ledger
from ..dataset import Dataset
from ..forking import frozen_heap
from ..loading import dataset_files, load
from ..resources import PACKAGE, checkout_root, lock_file
from ..resources import notebooks_dir as shipped_notebooks
from . import site
from .dated import Dated, site_date
from .outdir import (
    MARKER,
    STAGING_MARKER,
    OutputRefused,
    check_output,
    make_staging,
    publishable,
    read_small,
    remove_dead_staging,
    swap_in,
    unknown_entries,
    write_marker,
)

STATE_FILE = ".build-state.json"
SITE_KIND = "site"
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


def _digest(step: str, paths: Iterable[Path], bases: dict[Path, str], extra: str = "") -> str:
    """SHA-256 of the step's inputs, each named relative to its base folder (the data, the
    notebooks, the checkout), so the same files give the same key wherever they sit."""
    h = hashlib.sha256(f"{step}\0{platform.python_version()}\0{extra}\0".encode())
    named = {}
    for p in set(paths):
        name = p.name
        for base, label in bases.items():
            if base in p.parents:
                name = f"{label}/{p.relative_to(base).as_posix()}"
                break
        named[name] = p
    for name, p in sorted(named.items()):  # in the order of the names, not of where the files sit
        h.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b"<missing>") + b"\0")
    return h.hexdigest()


def notebook_paths(notebooks_dir: Path) -> list[Path]:
    return sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))


def plan(data_dir: Path, notebooks_dir: Path, lock: Path | None, dated: str = "") -> list[Step]:
    """The steps and what each reads. A notebook that shows charts also reads the chart code.
    `dated` is the date every page's footer carries: a change of it reruns the page steps."""
    ledger = data_dir / "claims.toml"
    # The dataset's own files, the saved source texts included (data/sources/*.txt).
    data = [data_dir / rel for rel in dataset_files(data_dir) if data_dir / rel != ledger]
    tables = [p for p in data if p.name != CATALOGUE_FILE]  # what the claims read
    claims = [ledger, *_files(PACKAGE / "claims")]
    core = _files(PACKAGE)
    charts_code = _files(PACKAGE / "charts")
    report_code = _files(PACKAGE / "report")
    pins = [lock] if lock and lock.exists() else []
    # Installed without the checkout's lock file: the installed versions stand in for the pins.
    environment = "" if pins else _installed_versions()
    steps = [
        Step("claims", tables + claims + core + pins, ["claims.json"]),
        Step("charts", data + claims + core + charts_code + pins, ["charts"]),
    ]
    for nb in notebook_paths(notebooks_dir):
        text = nb.read_text(encoding="utf-8")
        uses_charts = "iwf_stats.chart(" in text  # the charts embed the claims' growth figure
        uses_claims = uses_charts or "iwf_stats.claims" in text
        draws = uses_charts or "iwf_stats.charts" in text  # e.g. the house style, for its own plots
        steps.append(Step(f"notebook:{nb.stem}",
                          [nb, *data, *core, *report_code, *pins, *(claims if uses_claims else []),
                           *(charts_code if draws else [])],
                          [f"notebooks/{nb.stem}.html", f"notebooks/{nb.stem}.ipynb"]))
    draft_code = _files(PACKAGE / "draft")  # the site's page of what the drafter finds
    steps.append(Step("site", data + claims + core + report_code + charts_code + draft_code + pins,
                      ["index.html", "claims.html", "sources.html", "draft.html", "style.css", "data", site.PAGES]))
    bases = {data_dir: "data", notebooks_dir: "notebooks", PACKAGE: "iwf_stats"}
    if lock is not None:
        bases[lock.parent] = "lock"
    # The index lists the notebooks: adding or removing one changes the site.
    names = "\0".join(nb.stem for nb in notebook_paths(notebooks_dir))
    for s in steps:
        extra = environment + (names if s.name == "site" else "") + (
            f"\0{dated}" if s.name == "site" or s.name.startswith("notebook:") else "")
        s.key = _digest(s.name, s.inputs, bases, extra)
    return steps


def _installed_versions() -> str:
    """Every installed distribution and its version, one per line, sorted."""
    from importlib.metadata import distributions

    return "\n".join(sorted({f"{d.metadata['Name']}=={d.version}" for d in distributions()})) + "\n"


def protected_paths(*read: Path) -> tuple[list[Path], list[Path]]:
    """(folders an output may be neither in nor around, folders it may be in but not around):
    what the tool reads, the package, and every top-level entry of the checkout except the
    output folders; the checkout itself may hold a new output folder."""
    protected = [*read, PACKAGE]
    roots = []
    root = checkout_root()
    if root is not None:
        roots.append(root)
        protected += [p for p in root.iterdir() if p.name not in ("output", "build", "dist")]
    return protected, roots


def _hash_file(path: Path) -> str | None:
    """SHA-256 of a regular file, or None when it is missing, a link or anything else."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree_hashes(folder: Path) -> dict[str, str]:
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            full = Path(dirpath) / name
            rel = full.relative_to(folder).as_posix()
            if rel in (STATE_FILE, MARKER, STAGING_MARKER):
                continue
            digest = _hash_file(full)
            if digest is not None:
                out[rel] = digest
    return out


def _outputs_intact(out: Path, outputs: list[str], files: dict[str, str]) -> bool:
    """Every file the previous build recorded under these outputs is still there, unchanged."""
    mine = {rel: h for rel, h in files.items() if any(rel == o or rel.startswith(o + "/") for o in outputs)}
    return bool(mine) and all(_hash_file(out / rel) == h for rel, h in mine.items())


def build(out: Path | str, data_dir: Path | None = None, notebooks_dir: Path | None = None,
          lock: Path | None = None, force: bool = False, progress: Progress = lambda _m: None,
          jobs: int | None = None) -> BuildResult:
    """Build the site into `out`. Raises `DataError` on invalid data, `OutputRefused` when
    `out` is not a folder the tool may write, `BuildError` when a claim no longer reproduces
    or a notebook fails; `out` is untouched in every case.

    `jobs`: how many notebooks run at once; by default all of them (the project ships four,
    and a notebooks folder of many more would want a number). Their kernels mostly wait
    on one another's turn at the two cores, and a notebook held back until another finished
    ran alone at the end while the other core had nothing to do: with four notebooks three at
    a time, the build's last 1.5 s used one core; with all four at once, only the site's pages
    (0.5 s) do."""
    notebooks_dir = notebooks_dir or shipped_notebooks()
    if notebooks_dir is None:
        raise BuildError("this installation ships no notebooks (reinstall iwf-stats)")
    notebooks_dir = notebooks_dir.absolute()
    lock = lock or lock_file()

    progress("validating the data and the claims ledger")
    ds = load(data_dir)
    ledger = load_ledger(ds)
    _check_chart_claims(ds, ledger)
    dated = site_date(ds)
    out = check_output(out, SITE_KIND, *protected_paths(ds.root, notebooks_dir))
    previous = _read_state(out)
    if out.exists():
        strangers = unknown_entries(out, {STATE_FILE, MARKER, *previous.get("files", {})})
        if strangers:
            raise OutputRefused(f"{out} holds files iwf-stats did not write: {', '.join(strangers[:5])}"
                                f"{' …' if len(strangers) > 5 else ''}; move them away or name another folder")
    _check_writable(out.parent)
    remove_dead_staging(out)
    steps = plan(ds.root, notebooks_dir, lock, f"{dated.iso} {dated.from_env}")
    keys = previous.get("steps", {})
    files = previous.get("files", {})
    if not force and out.exists() and all(keys.get(s.name) == s.key for s in steps) \
            and _tree_hashes(out) == files:
        progress("up to date: every step's inputs and outputs are unchanged")
        return BuildResult(out, skipped=[s.name for s in steps])

    staging = make_staging(out)
    try:
        result = _run_steps(steps, previous, out, staging, ds, ledger, notebooks_dir, force, progress, jobs,
                            dated)
        write_marker(staging, SITE_KIND)
        state = {"steps": {s.name: s.key for s in steps}, "files": _tree_hashes(staging)}
        (staging / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
        publishable(staging)
        swap_in(staging, out)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _draft_page(ds: Dataset, ledger: Ledger, dated: Dated) -> str:
    """What `iwf-stats draft` finds in the newspaper articles the ledger checks, drafted from
    their saved passages (the sentences the ledger quotes; the project never republishes a
    whole article), beside the ledger's own verdicts on the overview."""
    from ..draft import draft

    articles = sorted({c.document for c in ledger.claims if ds.sources[c.document].kind == "newspaper_article"})
    statements = []
    for doc in articles:
        text = ds.source_texts.get(doc)
        if text is not None:
            body = "\n\n".join(p.text for p in text.passages)
            statements += list(draft(ds, body, document=doc).statements)
    return site.draft_page(ds, statements, dated)


def _check_chart_claims(ds: Dataset, ledger: Ledger) -> None:
    """A chart that shows a claim's figure needs that claim: a ledger without it is a data
    problem, reported before anything is built (not a failure inside a chart process)."""
    from ..catalogue import REQUIRED_CLAIMS
    from ..errors import DataError, Problem, shown_path

    ids = {c.id for c in ledger.claims}
    missing = [Problem(shown_path(ledger.path), 0, "id", f"the chart {name} shows claim {claim!r}, which the "
                       "ledger does not hold; restore it or remove the chart")
               for name, claim in REQUIRED_CLAIMS.items() if claim not in ids]
    if missing:
        raise DataError(missing)


def _check_writable(folder: Path) -> None:
    """Fail now, not after the whole build, when the output cannot be created."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputRefused(f"cannot write into {probe}: permission denied")


def _run_steps(steps: list[Step], previous: dict[str, Any], out: Path, staging: Path, ds: Dataset,
               ledger: Ledger, notebooks_dir: Path, force: bool, progress: Progress,
               jobs: int | None, dated: Dated) -> BuildResult:
    result = BuildResult(out)
    total = len(steps)
    report = check(ds, ledger)

    by_name = {s.name: s for s in steps}
    # Steps are numbered as they are first announced, so the numbers count up as the log is read,
    # whichever of the notebooks and the charts starts first; later lines reuse a step's number.
    numbers: dict[str, int] = {}
    announcing = threading.Lock()

    def announce(step: Step, what: str) -> None:
        with announcing:
            i = numbers.setdefault(step.name, len(numbers) + 1)
            progress(f"[{i}/{total}] {step.name}: {what}")

    keys: dict[str, str] = previous.get("steps", {})
    files: dict[str, str] = previous.get("files", {})

    def reuse(step: Step) -> bool:
        """Link the step's outputs from the previous site if its inputs are unchanged and its
        outputs are as that build wrote them, and record it as skipped; False when it must run."""
        if force or keys.get(step.name) != step.key or not _outputs_intact(out, step.outputs, files):
            return False
        for o in step.outputs:
            _link_tree(out / o, staging / o)
        result.skipped.append(step.name)
        announce(step, "unchanged, reused")
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
        announce(step, f"{len(report.results)} claims reproduced")

    notebooks = [s for s in steps if s.name.startswith("notebook:")]
    env = {**os.environ, "IWF_STATS_DATA": str(ds.root), "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "SOURCE_DATE_EPOCH": "0"}

    def run_notebook(step: Step, nb_env: dict[str, str]) -> None:
        from .notebooks import execute, write_outputs

        stem = step.name.split(":", 1)[1]
        announce(step, "executing")
        nb = execute(notebooks_dir / f"{stem}.ipynb", nb_env, factory)
        write_outputs(nb, staging / "notebooks", stem, dated)
        announce(step, "done")

    (staging / "notebooks").mkdir(exist_ok=True)
    to_run = [s for s in notebooks if not reuse(s)]
    charts_step = by_name["charts"]
    charts_reused = reuse(charts_step)
    # The kernels' factory starts first and imports what they need while this process imports
    # the Jupyter machinery, before the chart renderers start: imported beside them it took four
    # times as long, and no notebook could start before it was done.
    factory = None
    try:
        if to_run:
            from .notebooks import kernel_factory, preload

            factory = kernel_factory(env, notebooks_dir)
            preload()
        # The charts render in child processes (forked before any thread exists, so they hold no
        # lock a thread might own) while the notebooks run here: neither waits on the other's GIL.
        renderer = [] if charts_reused else _start_chart_renderer(ds, report, staging / "charts")
        # Every notebook starts at once (one that shows charts draws them itself, with the same
        # call), so kernel start-up overlaps the rendering.
        with ThreadPoolExecutor(max_workers=max(1, jobs or len(to_run))) as pool:
            pending = {s.name: pool.submit(run_notebook, s, env) for s in to_run}
            failed: str | None = None
            if not charts_reused:
                from ..charts import chart_names

                announce(charts_step, f"rendering {len(chart_names(ds))} charts")
                failed = _finish_chart_renderer(renderer, ds, report, staging / "charts")
                if not failed:
                    result.ran.append(charts_step.name)
                    announce(charts_step, "done")
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
    finally:
        if factory is not None:
            factory.close()

    step = by_name["site"]
    if not reuse(step):
        pages = _write_site(staging, ds, ledger, report, [s.name.split(":", 1)[1] for s in notebooks], dated)
        result.ran.append(step.name)
        announce(step, f"index.html, claims.html, sources.html and {pages} chart pages")
    return result


def _render_charts(ds: Dataset, report: CheckReport, folder: Path, only: list[str] | None = None) -> None:
    from ..charts import render

    render(ds, folder, only=only, manifest=False, report=report)


def _render_charts_child(ds: Dataset, report: CheckReport, folder: Path, only: list[str], index: int) -> None:
    """A chart process: on failure it writes the reason where the build reads it and exits
    with status 1, so the user sees one clean line, not a child's traceback; on Ctrl-C it
    exits quietly (the build reports the interruption)."""
    try:
        _render_charts(ds, report, folder, only)
    except KeyboardInterrupt:
        os._exit(130)
    except BaseException as e:  # reported by the parent as a build failure
        (folder.parent / f".chart-error-{index}").write_text(f"{type(e).__name__}: {e}", encoding="utf-8")
        os._exit(1)


def _start_chart_renderer(ds: Dataset, report: CheckReport, folder: Path) -> list[Any]:
    """Two child processes, each rendering every other chart: once the notebooks are done,
    both cores draw. Forked before any thread exists, so no child inherits a held lock."""
    import multiprocessing

    from ..charts import chart_names

    if "fork" not in multiprocessing.get_all_start_methods():
        return []  # rendered in this process by _finish_chart_renderer
    from ..charts.export import FORMATS, preload_backends

    preload_backends(FORMATS)  # the PDF and SVG backends imported once here, not once in each child
    names = chart_names(ds)
    fork = multiprocessing.get_context("fork")
    procs = [fork.Process(target=_render_charts_child, args=(ds, report, folder, names[i::2], i),
                          name=f"iwf-stats-charts-{i}") for i in range(2)]
    with frozen_heap():
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
    for i, p in enumerate(procs):
        if p.exitcode != 0:
            reason = folder.parent / f".chart-error-{i}"
            return reason.read_text(encoding="utf-8") if reason.exists() else \
                f"a chart renderer exited with status {p.exitcode}"
    from ..charts import chart_names

    write_manifest(folder, chart_names(ds))
    return None


def _write_site(staging: Path, ds: Dataset, ledger: Ledger, report: CheckReport, notebooks: list[str],
                dated: Dated) -> int:
    """The pages; returns how many chart pages were written."""
    charts = staging / "charts"
    (staging / "style.css").write_text(site.CSS.lstrip(), encoding="utf-8")
    (staging / "index.html").write_text(site.index(ds, ledger, report, charts, notebooks, dated), encoding="utf-8")
    (staging / "claims.html").write_text(site.claims(ds, report, dated), encoding="utf-8")
    (staging / "sources.html").write_text(site.sources(ds, dated), encoding="utf-8")
    (staging / "draft.html").write_text(_draft_page(ds, ledger, dated), encoding="utf-8")
    metas = site.chart_meta(ds, charts)
    (staging / site.PAGES).mkdir(exist_ok=True)
    for meta in metas:
        (staging / site.PAGES / f"{meta['name']}.html").write_text(site.chart_page(meta, charts, dated),
                                                                   encoding="utf-8")
    # Exactly the dataset's own files, read without following links: nothing else that
    # happens to sit in the data folder is ever published.
    data = staging / "data"
    for rel in dataset_files(ds.root):
        dest = data / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(read_small(ds.root / rel, limit=1 << 31))
    return len(metas)


def _link_tree(src: Path, dst: Path) -> None:
    """Hard-link (or copy) a file or folder from the previous site: outputs are never edited in
    place, so sharing them between builds is safe."""
    if src.is_symlink():
        return  # never followed: only what this tool wrote is carried over
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


def _read_state(out: Path) -> dict[str, Any]:
    try:
        state = json.loads(read_small(out / STATE_FILE))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or not isinstance(state.get("steps"), dict) \
            or not isinstance(state.get("files"), dict):
        return {}
    return state
