"""Writing charts to disk: every format, the data beside it, and a manifest of hashes.

Everything is rendered into a staging folder first; only when every chart has rendered
are the files moved into the output folder, each by an atomic rename. A failure part-way
therefore leaves the previous output exactly as it was, and no file is ever half-written.
The same inputs give byte-identical files: no dates or versions in metadata, a fixed SVG
hash salt, text drawn as paths.

Speed (every chart in every size and theme is over a thousand files; issue 13 asks for all
160 looks in 15 s on two CPUs): each chart is built and laid out once per size, and its
artists walked once, by Agg for its PNG, that drawing's calls recorded; its PDF and SVG are
those calls played back on their renderers, scaled to points (`replay.Scaled`), and its
second theme is the same calls played back in the theme's colours (`replay`: a theme changes
colours and nothing else), without building the chart or walking its artists again. A
screen size is drawn once, at 2×, and its 1× PNG is those pixels halved (`png.screen_pngs`);
PNGs are written by `png` (compressed by zlib-ng). Text sizes, layouts, Agg's glyph bitmaps
and the PDF and SVG glyph shapes and outlines computed for one figure serve the next, and
fonts are read from memory (`speed`). With `jobs` > 1 the charts are drawn by that many
worker processes, forked once the data is loaded and the backends imported. Each worker
writes its files into the staging folder, so the result is the same files, byte for byte, as
drawing them one by one; a failure in a worker stops the others and is raised here, as
itself, before anything is moved. The measured times are in the README (Performance).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np

from ..claims import CheckReport
from ..dataset import Dataset
from ..forking import frozen_heap
from .api import HouseFigure, chart, chart_names
from .base import Chart
from .png import encode, pixels, screen_pngs
from .replay import ClipMoved, Pairs, Recording
from .speed import fast_rendering
from .style import METADATA, SIZES, THEMES, Look, look

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

FORMATS = ("png", "svg", "pdf")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Written:
    name: str
    files: tuple[str, ...]


def chart_files(stem: str, formats: Iterable[str], retina: bool = True) -> list[str]:
    """The files one chart produces in one look (`stem` is its name plus the look's suffix;
    `retina`: whether the size has a 2× PNG)."""
    out = []
    for fmt in formats:
        out += ([f"{stem}.png"] + ([f"{stem}@2x.png"] if retina else [])) if fmt == "png" else [f"{stem}.{fmt}"]
    return [*out, f"{stem}.csv", f"{stem}.txt", f"{stem}.json"]


def looks(sizes: Sequence[str] | None = None, themes: Sequence[str] | None = None,
          editable: bool = False) -> list[Look]:
    """Every size × theme asked for (default: the web size, light), checked by name."""
    return [look(s, t, editable) for s in (sizes or ["web"]) for t in (themes or ["light"])]


def render(ds: Dataset, out_dir: Path, only: Sequence[str] | None = None,
           formats: Sequence[str] = FORMATS, manifest: bool = True, report: CheckReport | None = None,
           styles: Sequence[Look] | None = None, jobs: int = 1) -> list[Written]:
    """Render the charts named in `only` (default: all) into `out_dir`, in every look of
    `styles` (default: web, light); return what was written. Each chart is drawn by
    `iwf_stats.chart`, the call analysts use. `manifest=False` leaves the manifest to the
    caller, for renderers working side by side. Formats are read case-insensitively.
    `jobs`: worker processes drawing side by side (where the system can fork; 1 draws here)."""
    known = chart_names(ds)
    names = list(dict.fromkeys(only)) if only else known  # each chart once, however often named
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown chart(s): {', '.join(unknown)}; known: {', '.join(known)}")
    formats = [f.lower() for f in formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format(s): {', '.join(bad)}; known: {', '.join(FORMATS)}")
    styles = list(dict.fromkeys(styles or looks()))
    if report is None and any(n == "decade_growth" for n in names):
        from ..claims import check, load_ledger

        report = check(ds, load_ledger(ds))
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".charts-", dir=out_dir.parent))
    try:
        # One task per chart and size: its themes are drawn one after the other by the same
        # process, which has then measured their text already.
        tasks = [(name, tuple(lk for lk in styles if lk.size == size))
                 for name in names for size in dict.fromkeys(lk.size for lk in styles)]
        job = _Job(ds, report, staging, tuple(formats))
        with fast_rendering():
            done = _render_forked(job, tasks, jobs) if jobs > 1 and len(tasks) > 1 else None
            if done is None:
                done = [_render_task(job, name, task_looks) for name, task_looks in tasks]
        by_look = {(w.name, lk): w for (name, task_looks), ws in zip(tasks, done, strict=True)
                   for lk, w in zip(task_looks, ws, strict=True)}
        written = [by_look[name, lk] for name in names for lk in styles]
        for w in written:
            for f in w.files:
                os.replace(staging / f, out_dir / f)
        if manifest:
            write_manifest(out_dir, known)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class _Job:
    """What every chart of one render shares: the data, the claims, where to write, the formats."""

    ds: Dataset
    report: CheckReport | None
    folder: Path
    formats: tuple[str, ...]


Task = tuple[str, tuple[Look, ...]]


def _render_task(job: _Job, name: str, task_looks: Sequence[Look]) -> list[Written]:
    """One chart in some looks of one size: the first built, drawn once by Agg and that
    drawing recorded (`_write_chart`); each look after it that differs only in its theme is
    that drawing played back in the look's colours (`replay`), in every format, and built
    afresh where it cannot be."""
    written = []
    fig: HouseFigure | None = None
    recording: Recording | None = None
    for lk in task_looks:
        pairs = recording.pairs(lk) if recording is not None else None
        if fig is None or recording is None or pairs is None:
            fig = chart(name, job.ds, size=lk.size.name, theme=lk.theme.name, report=job.report,
                        editable=lk.editable)
            recording, pairs = Recording(fig, lk), None
        with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
            files = _write_chart(fig, lk, job.ds, job.folder, job.formats, recording, pairs)
        written.append(Written(name, tuple(files)))
    return written


#: The job of the render that forked this worker (set in the parent while it forks).
_JOB: _Job | None = None
_FORKING = threading.Lock()


def _render_forked(job: _Job, tasks: list[Task], jobs: int) -> list[list[Written]] | None:
    """Draw `tasks` in `jobs` forked workers; the results in the order of `tasks`, or None
    where no worker can be started (no fork, no shared semaphores): then nothing was drawn.
    The first failure stops every worker (none is left writing) and is raised here."""
    global _JOB
    from concurrent.futures import FIRST_EXCEPTION, wait

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    preload_backends(job.formats)  # imported once here, not once per worker
    # Largest first, so that no large chart is left to draw alone at the end.
    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i][1], job.formats))
    with _FORKING, frozen_heap():  # one render's job at a time is what a forked worker finds in _JOB
        _JOB = job
        try:
            pool = _start_workers(min(jobs, len(tasks)))
        finally:
            _JOB = None
    if pool is None:
        return None
    try:
        futures = {i: pool.submit(_worker_render, *tasks[i]) for i in order}
        wait(futures.values(), return_when=FIRST_EXCEPTION)
        failed = [f for f in futures.values() if f.done() and not f.cancelled() and f.exception() is not None]
        if failed:
            raise failed[0].exception()  # type: ignore[misc]
        done = [futures[i].result() for i in range(len(tasks))]
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return done


def _start_workers(n: int) -> ProcessPoolExecutor | None:
    """A pool of `n` workers, forked now (each with the job set), or None if they cannot be
    started here (no /dev/shm for the pool's locks, no processes left): then nothing is lost
    and the charts are drawn in this process."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_worker_started)
    except (OSError, ImportError, NotImplementedError):
        return None
    try:
        pool.submit(int).result()  # with fork, every worker starts at the first task
    except (OSError, BrokenProcessPool):
        _stop(pool)
        return None
    return pool


def _cost(task_looks: Sequence[Look], formats: Sequence[str]) -> float:
    """Roughly how long some looks take to draw: their pixels, and a fixed share for the rest."""
    total = 0.0
    for lk in task_looks:
        w, h = lk.size.pixels
        total += (w * h * (5 if lk.size.retina else 1) if "png" in formats else 0) + 2_000_000
    return total


def preload_backends(formats: Sequence[str]) -> None:
    """Import what saving needs before forking, so that no worker imports it again (the PDF
    backend brings fontTools: half a second when the modules are compiled afresh)."""
    import importlib

    for fmt in ("pdf", "svg"):
        if fmt in formats:
            importlib.import_module(f"matplotlib.backends.backend_{fmt}")


def _worker_started() -> None:
    # Ctrl-C reaches every process of the terminal's group: a worker leaves at once and quietly;
    # the parent reports the interruption and removes the staging folder. (Where the parent
    # ignores Ctrl-C, as a background job does, the workers ignore it too.)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, lambda _sig, _frame: os._exit(130))


def _worker_render(name: str, task_looks: tuple[Look, ...]) -> list[Written]:
    assert _JOB is not None, "a chart worker runs only in a process forked by render"
    try:
        return _render_task(_JOB, name, task_looks)
    except Exception as e:
        raise _portable(e) from None


def _portable(e: Exception) -> Exception:
    """The exception itself if it survives the trip back to the parent, else a RuntimeError
    saying what it was (an exception that cannot be pickled would break the pool instead)."""
    try:
        back = pickle.loads(pickle.dumps(e))
    except Exception:
        return RuntimeError(f"{type(e).__name__}: {e}")
    return back if isinstance(back, Exception) else RuntimeError(f"{type(e).__name__}: {e}")


def _stop(pool: Any) -> None:
    """Cancel what has not started and end the workers now, waiting until they have ended,
    so that none writes into the staging folder after it is removed."""
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.join()


#: The resolution of PDF and SVG drawings: their unit is the point.
VECTOR_DPI = 72


def _write_chart(fig: HouseFigure, lk: Look, ds: Dataset, folder: Path, formats: Sequence[str],
                 recording: Recording | None = None, pairs: Pairs | None = None) -> list[str]:
    """The chart's files in look `lk` (call it inside the look's rc context).

    The figure is walked once, by Agg, at the resolution of its largest PNG, and that drawing
    is recorded: its pixels are the PNGs, and the PDF and SVG are the same drawing played back
    on their renderers, scaled to points (`replay.Scaled`), so every format of a look shows
    the one layout. With `pairs`, the look is `recording` (another theme's drawing of this
    figure) played back in these colours instead, in every format. A drawing that cannot be
    played back (an image, a rasterised part: `Recording.complete`) leaves each vector file
    to walk the figure itself, as matplotlib draws it."""
    chart = fig.chart
    stem = chart.name + lk.suffix
    csv_bytes = _csv(chart)
    files: dict[str, bytes] = {f"{stem}.csv": csv_bytes, f"{stem}.txt": (chart.alt + "\n").encode()}
    raster_dpi = lk.size.dpi * (2 if lk.size.retina else 1)
    assert recording is not None or pairs is None, "colour pairs play back a recording"
    recording = recording or Recording(chart.figure, lk)
    if pairs is None:
        with recording.record("png"):
            drawn: np.ndarray | None = pixels(chart.figure, raster_dpi)
    elif "png" in formats:
        with recording.replay("png", pairs):
            drawn = pixels(chart.figure, raster_dpi)
    else:
        drawn = None
    played = "png" in recording.calls and recording.complete
    for fmt in formats:
        if fmt == "png":
            assert drawn is not None
            files.update(_pngs(drawn, stem, lk))
        elif played:
            try:
                with recording.replay("png", pairs or {}, scale=VECTOR_DPI / raster_dpi):
                    files[f"{stem}.{fmt}"] = _image(chart, fmt, lk.size.dpi)
            except ClipMoved:  # the recording has marked itself incomplete: other looks are built afresh
                # Met in a theme played back from another, the walk below would draw the other
                # theme's figure. It cannot be: the clips are the first theme's, which met the
                # same refusal and marked the recording incomplete, so this look was built.
                if pairs:
                    raise
                played = False
                files[f"{stem}.{fmt}"] = _image(chart, fmt, lk.size.dpi)
        else:
            files[f"{stem}.{fmt}"] = _image(chart, fmt, lk.size.dpi)
    files[f"{stem}.json"] = _json(chart, ds, lk, csv_bytes, formats)
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return list(files)


def _pngs(drawn: np.ndarray, stem: str, lk: Look) -> dict[str, bytes]:
    """The look's PNGs from its pixels: a print size's as drawn, at its dpi; a screen size's
    drawn at twice its dpi, for the 2× file, and its 1× file made from those pixels
    (`png.screen_pngs`: `png.halve`)."""
    dpi = lk.size.dpi
    if not lk.size.retina:
        return {f"{stem}.png": encode(drawn, dpi)}
    assert (drawn.shape[1] // 2, drawn.shape[0] // 2) == lk.size.pixels, "a 1× PNG the size the look gives"
    double, single = screen_pngs(drawn, dpi)
    return {f"{stem}.png": single, f"{stem}@2x.png": double}


def _image(chart: Chart, fmt: str, dpi: float) -> bytes:
    buf = io.BytesIO()
    chart.figure.savefig(buf, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return buf.getvalue()


def _csv(chart: Chart) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(chart.columns)
    w.writerows(chart.rows)
    return buf.getvalue().encode("utf-8")


def _json(chart: Chart, ds: Dataset, lk: Look, csv_bytes: bytes, formats: Sequence[str]) -> bytes:
    stem = chart.name + lk.suffix
    sources = []
    for sid in dict.fromkeys(chart.source_ids):
        s = ds.sources[sid]
        sources.append({"id": sid, "title": s.title, "url": s.url, "publisher": ds.attribution(sid),
                        "date_published": s.date_published.isoformat() if s.date_published else None})
    doc: dict[str, Any] = {
        "name": chart.name,
        "title": chart.title,
        "subtitle": chart.subtitle,
        "note": chart.note,
        "alt": chart.alt,
        "sources": sources,
        "data_file": f"{stem}.csv",
        "data_sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "images": [f for f in chart_files(stem, formats, lk.size.retina)
                   if not f.endswith((".csv", ".txt", ".json"))],
        **({"size": lk.size.name, "theme": lk.theme.name} if lk.suffix else {}),
        **({"editable": True} if lk.editable else {}),
        **({"extra": chart.extra} if chart.extra else {}),
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(out_dir: Path, names: Iterable[str]) -> None:
    """SHA-256 of every file of the charts `names` in the folder (in every size and theme), so
    a changed chart is a visible, checkable change. Only the charts' own files are read and
    listed: whatever else sits in the folder is not the tool's business, and is never opened
    (links are not followed)."""
    every_look = [Look(SIZES[s], THEMES[t]).suffix for s in SIZES for t in THEMES]
    ours = {f for name in names for sfx in every_look for f in chart_files(name + sfx, FORMATS)}
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(out_dir.iterdir())
             if p.name in ours and p.is_file() and not p.is_symlink()}
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps({"files": files}, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / MANIFEST)
