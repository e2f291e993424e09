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

from .figures import CHARTS, Chart, ChartContext
from .style import DPI, METADATA, RC

FORMATS = ("png", "svg", "pdf")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Written:
    name: str
    files: tuple[str, ...]


def chart_files(name: str, formats: Iterable[str]) -> list[str]:
    """The files one chart produces, for the given image formats."""
    out = []
    for fmt in formats:
        out += [f"{name}.png", f"{name}@2x.png"] if fmt == "png" else [f"{name}.{fmt}"]
    return [*out, f"{name}.csv", f"{name}.txt", f"{name}.json"]


def render(ctx: ChartContext, out_dir: Path, only: Sequence[str] | None = None,
           formats: Sequence[str] = FORMATS, manifest: bool = True) -> list[Written]:
    """Render the charts named in `only` (default: all) into `out_dir`; return what was written.

    `manifest=False` leaves the manifest to the caller, for renderers working side by side.
    """
    names = list(only) if only else list(CHARTS)
    unknown = [n for n in names if n not in CHARTS]
    if unknown:
        raise ValueError(f"unknown chart(s): {', '.join(unknown)}; known: {', '.join(CHARTS)}")
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format(s): {', '.join(bad)}; known: {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".charts-", dir=out_dir.parent))
    try:
        written = []
        with matplotlib.rc_context(RC):  # type: ignore[arg-type]
            for name in names:
                chart = CHARTS[name](ctx)
                written.append(Written(name, tuple(_write_chart(chart, ctx, staging, formats))))
        for w in written:
            for f in w.files:
                os.replace(staging / f, out_dir / f)
        if manifest:
            write_manifest(out_dir)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_chart(chart: Chart, ctx: ChartContext, folder: Path, formats: Sequence[str]) -> list[str]:
    csv_bytes = _csv(chart)
    files: dict[str, bytes] = {f"{chart.name}.csv": csv_bytes,
                               f"{chart.name}.txt": (chart.alt + "\n").encode()}
    for fmt in formats:
        if fmt == "png":
            files[f"{chart.name}.png"] = _image(chart, "png", DPI)
            files[f"{chart.name}@2x.png"] = _image(chart, "png", DPI * 2)
        else:
            files[f"{chart.name}.{fmt}"] = _image(chart, fmt, DPI)
    files[f"{chart.name}.json"] = _json(chart, ctx, csv_bytes, formats)
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return list(files)


def _image(chart: Chart, fmt: str, dpi: int) -> bytes:
    buf = io.BytesIO()
    chart.figure.savefig(buf, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return buf.getvalue()


def _csv(chart: Chart) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(chart.columns)
    w.writerows(chart.rows)
    return buf.getvalue().encode("utf-8")


def _json(chart: Chart, ctx: ChartContext, csv_bytes: bytes, formats: Sequence[str]) -> bytes:
    ds = ctx.ds
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
        "data_file": f"{chart.name}.csv",
        "data_sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "images": [f for f in chart_files(chart.name, formats) if not f.endswith((".csv", ".txt", ".json"))],
        **({"extra": chart.extra} if chart.extra else {}),
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(out_dir: Path) -> None:
    """SHA-256 of every chart file in the folder, so a changed chart is a visible, checkable
    change. Only the charts' own files are read and listed: whatever else sits in the folder
    is not the tool's business, and is never opened (links are not followed)."""
    ours = {f for name in CHARTS for f in chart_files(name, FORMATS)}
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(out_dir.iterdir())
             if p.name in ours and p.is_file() and not p.is_symlink()}
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps({"files": files}, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / MANIFEST)
