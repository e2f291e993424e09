"""Writing charts to disk: every format, the data beside it, and a manifest of hashes.

Everything is rendered into a staging folder first; only when every chart has rendered
are the files moved into the output folder, each by an atomic rename. A failure part-way
therefore leaves the previous output exactly as it was, and no file is ever half-written.
The same inputs give byte-identical files: no dates or versions in metadata, a fixed SVG
hash salt, text drawn as paths.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

from ..claims import CheckReport
from ..dataset import Dataset
from .api import HouseFigure, chart, chart_names
from .base import Chart
from .style import METADATA, SIZES, THEMES, Look, look

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
           styles: Sequence[Look] | None = None) -> list[Written]:
    """Render the charts named in `only` (default: all) into `out_dir`, in every look of
    `styles` (default: web, light); return what was written. Each chart is drawn by
    `iwf_stats.chart`, the call analysts use. `manifest=False` leaves the manifest to the
    caller, for renderers working side by side. Formats are read case-insensitively."""
    known = chart_names(ds)
    names = list(only) if only else known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown chart(s): {', '.join(unknown)}; known: {', '.join(known)}")
    formats = [f.lower() for f in formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format(s): {', '.join(bad)}; known: {', '.join(FORMATS)}")
    styles = list(styles or looks())
    if report is None and any(n == "decade_growth" for n in names):
        from ..claims import check, load_ledger

        report = check(ds, load_ledger(ds))
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".charts-", dir=out_dir.parent))
    try:
        written = []
        for name in names:
            for lk in styles:
                fig = chart(name, ds, size=lk.size.name, theme=lk.theme.name, report=report,
                            editable=lk.editable)
                with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
                    files = _write_chart(fig, ds, staging, formats)
                written.append(Written(name, tuple(files)))
        for w in written:
            for f in w.files:
                os.replace(staging / f, out_dir / f)
        if manifest:
            write_manifest(out_dir, known)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_chart(fig: HouseFigure, ds: Dataset, folder: Path, formats: Sequence[str]) -> list[str]:
    chart, lk = fig.chart, fig.look
    stem = chart.name + lk.suffix
    csv_bytes = _csv(chart)
    files: dict[str, bytes] = {f"{stem}.csv": csv_bytes, f"{stem}.txt": (chart.alt + "\n").encode()}
    for fmt in formats:
        if fmt == "png":
            files[f"{stem}.png"] = _image(chart, "png", lk.size.dpi)
            if lk.size.retina:
                files[f"{stem}@2x.png"] = _image(chart, "png", lk.size.dpi * 2)
        else:
            files[f"{stem}.{fmt}"] = _image(chart, fmt, lk.size.dpi)
    files[f"{stem}.json"] = _json(chart, ds, lk, csv_bytes, formats)
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return list(files)


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
