"""Charts as a Python API: `iwf_stats.chart(name_or_series, ds, …)` returns a live matplotlib
Figure in the house style, with its source line, that an analyst can restyle or draw on.
`iwf-stats charts` and the build render through the same call.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> fig = iwf_stats.chart("webpages_actioned", ds, years=(2019, 2024), highlight="latest")
    >>> fig.chart.title
    'Webpages actioned, 2019–2024'
    >>> [row[0] for row in fig.chart.rows]
    [2019, 2020, 2021, 2022, 2023, 2024]

A name is a chart of the catalogue (`data/charts.toml`) or a bespoke chart; any other series
id is drawn by the kind that fits it (a percentage → shares, a series with categories →
ranked bars, any other count → bars by year).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from ..catalogue import BESPOKE as BESPOKE_NAMES
from ..catalogue import ChartEntry, read_entry_problems
from ..claims import CheckReport
from ..dataset import Dataset
from .base import Chart, Options
from .style import Look
from .style import look as make_look

Years = tuple[int | None, int | None] | Sequence[int] | range | int | None


class HouseFigure(Figure):
    """A matplotlib Figure that knows the chart it shows (`.chart`: data rows, sources, alt
    text) and shows itself in a notebook as an image with that alt text."""

    chart: Chart
    look: Look

    def png(self, dpi: float | None = None) -> bytes:
        """The figure as PNG bytes, saved in the house style without varying metadata, by the
        same writer as `iwf-stats charts` (`png`: matplotlib's pixels, a quarter of Pillow's time)."""
        from .png import png

        with matplotlib.rc_context(self.look.rc()):  # type: ignore[arg-type]
            return png(self, dpi or self.dpi)

    def _repr_html_(self) -> str:
        return _img(self.png(), self.chart.alt if hasattr(self, "chart") else "", self.look.size.pixels)

    def _ipython_display_(self) -> None:
        # One image with its alt text, whatever backend the kernel runs (the build uses Agg).
        from IPython.display import display

        display({"text/html": self._repr_html_(), "text/plain": repr(self)}, raw=True)  # type: ignore[no-untyped-call]

    def __repr__(self) -> str:
        name = self.chart.name if hasattr(self, "chart") else "chart"
        return f"<chart {name}: {self.chart.title if hasattr(self, 'chart') else ''}>"


def _img(png: bytes, alt: str, pixels: tuple[int, int]) -> str:
    """An inline image with its alt text (escaped: it is built from the data), at most as wide
    as the page."""
    w, h = pixels
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" width="{w}" height="{h}" '
            f'style="max-width: 100%; height: auto">')


def show(fig: Figure, alt: str) -> None:
    """Show a notebook's own matplotlib figure as an image with `alt` as its text, then close
    it: `plt.show()` shows nothing on the Agg backend the build runs its kernels on (the
    figure would be missing from the published page), and an image without alt text says
    nothing to a screen reader. Closed, it is not shown a second time by Jupyter's inline
    backend. Saved with the same writer as the charts, without varying metadata."""
    from IPython.display import display

    from .png import png

    if not alt.strip():
        raise ValueError("a figure needs alt text: say what it shows, with its main numbers")
    import matplotlib.pyplot as plt

    try:
        w, h = fig.get_size_inches() * fig.dpi
        display({"text/html": _img(png(fig, fig.dpi), alt, (round(w), round(h))), "text/plain": alt},  # type: ignore[no-untyped-call]
                raw=True)
    finally:
        plt.close(fig)


def chart_names(ds: Dataset) -> list[str]:
    """Every chart the dataset makes: the catalogue's, in its order, then the bespoke ones."""
    return [e.name for e in ds.charts] + list(BESPOKE_NAMES)


def chart(name_or_series: str, ds: Dataset, *, years: Years = None, highlight: str | None = None,
          size: str | None = None, theme: str | None = None, report: CheckReport | None = None,
          editable: bool = False) -> HouseFigure:
    """Draw one chart and return the live Figure (its `.chart` holds the rows, sources and alt text).

    `years`: a (first, last) pair (either may be None), a range or list of years, or one year
    (the year of ranked bars). `highlight`: 'highest' or 'latest' for charts over years, a
    category to show apart for ranked bars. `size`, `theme`: preset names (see
    `iwf_stats.charts.style.SIZES` and `THEMES`). `report`: the claims report, for the chart
    that shows a claim (computed when not given). Raises ValueError for an unknown name or an
    option the chart cannot take, naming what is known.
    """
    look = make_look(size, theme, editable)
    opts = Options(look, report)
    with matplotlib.rc_context(look.rc()):  # type: ignore[arg-type]
        if name_or_series in BESPOKE_NAMES:
            if years is not None or highlight is not None:
                raise ValueError(f"chart {name_or_series} is bespoke: it takes no years or highlight")
            from .figures import BESPOKE

            drawn = BESPOKE[name_or_series](ds, opts)
        else:
            from .kinds import KINDS

            entry = resolve(name_or_series, ds, years, highlight)
            drawn = KINDS[entry.kind](ds, entry, opts)
    fig = drawn.figure
    assert isinstance(fig, HouseFigure)
    fig.chart, fig.look = drawn, look
    return fig


def resolve(name_or_series: str, ds: Dataset, years: Years = None,
            highlight: str | None = None) -> ChartEntry:
    """The catalogue entry for a name (or a default one for a series id), with the options
    applied and checked against the data like the catalogue itself."""
    catalogue = {e.name: e for e in ds.charts}
    if name_or_series in catalogue:
        base = catalogue[name_or_series].model_dump(exclude_defaults=True)
    elif name_or_series in ds.series:
        base = {"name": name_or_series, "kind": _default_kind(ds, name_or_series), "series": name_or_series}
    else:
        raise ValueError(f"unknown chart or series {name_or_series!r}; charts: {', '.join(chart_names(ds))}; "
                         f"series: {', '.join(ds.series)}")
    fields: dict[str, Any] = dict(base)
    if years is not None:
        if base["kind"] == "ranked_bars":
            if not isinstance(years, int):
                raise ValueError(f"chart {name_or_series} shows one year: give years=YEAR")
            fields["year"] = years
        else:
            first, last = _span(years)
            fields.pop("from_year", None)
            fields.pop("to_year", None)
            fields.update({k: v for k, v in (("from_year", first), ("to_year", last)) if v is not None})
    if highlight is not None:
        fields["highlight"] = highlight
    try:
        entry = ChartEntry.model_validate(fields)
    except Exception as e:  # pydantic's ValidationError, worded for a caller
        raise ValueError(f"chart {name_or_series}: {e}") from None
    problems = read_entry_problems(entry, ds.series, ds.observations)
    if problems:
        raise ValueError(f"chart {name_or_series}: " + "; ".join(f"{f}: {m}" for f, m in problems))
    return entry


def _span(years: Years) -> tuple[int | None, int | None]:
    if isinstance(years, int):
        return years, years
    if isinstance(years, range):
        return years[0], years[-1]
    seq = list(years or [])
    if isinstance(years, tuple) and len(seq) == 2:
        return seq[0], seq[1]
    ints = [y for y in seq if y is not None]
    if not ints:
        raise ValueError("years: give (first, last), a range or a list of years")
    return min(ints), max(ints)


def _default_kind(ds: Dataset, series_id: str) -> str:
    if ds.series[series_id].unit == "percent":
        return "shares"
    if any(o.category for o in ds.observations if o.series_id == series_id):
        return "ranked_bars"
    return "bars_by_year"
