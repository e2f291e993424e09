"""Helpers the notebooks call, so that no logic lives in the notebooks themselves."""

from __future__ import annotations

import base64
import html
import os
import tempfile
import time
from pathlib import Path

from ..claims import CheckReport
from ..dataset import Dataset

#: Set by `iwf-stats build` to the folder its charts are being rendered into, so a notebook
#: reuses them instead of drawing them again; the build starts the notebook early and the
#: notebook waits here for the charts' manifest (or the build's failure marker).
CHARTS_ENV = "IWF_STATS_CHARTS"
FAILED_MARKER = ".failed"
WAIT_S = 600


class ChartsUnavailable(RuntimeError):
    """The build that was rendering the charts failed, or never finished."""


class ChartImage:
    """A chart's PNG as a notebook shows it: inline, with the chart's generated alt text, so
    the notebook's HTML page describes the image as the site does."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.alt = path.with_suffix(".txt").read_text(encoding="utf-8").strip()

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" '
                f'width="640" height="480">')

    def __repr__(self) -> str:
        return f"<chart {self.path.stem}: {self.alt}>"


def chart_images(ds: Dataset, report: CheckReport) -> dict[str, ChartImage]:
    """Each chart's PNG and alt text: the build's own charts when it provides them, otherwise
    freshly rendered (PNG only) into a temporary folder."""
    from ..charts import CHARTS, ChartContext, render

    given = os.environ.get(CHARTS_ENV)
    if given:
        folder = Path(given)
        _wait_for(folder)
    else:
        folder = Path(tempfile.mkdtemp(prefix="iwf-stats-charts-"))
        render(ChartContext(ds, report), folder, formats=["png"])
    return {name: ChartImage(folder / f"{name}.png") for name in CHARTS}


def _wait_for(folder: Path) -> None:
    from ..charts.export import MANIFEST

    deadline = time.monotonic() + WAIT_S
    while not (folder / MANIFEST).exists():
        if (folder.parent / FAILED_MARKER).exists() or time.monotonic() > deadline:
            raise ChartsUnavailable(f"the charts in {folder} were not rendered")
        time.sleep(0.05)
