"""iwf-stats: published IWF figures as a sourced, validated dataset.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> ds.preferred("webpages_actioned", 2024).value
    291273

Importing this package loads neither pandas nor matplotlib; frames and charts import
them when asked for, so the command-line checks start fast. `load`, `Dataset` and
`Conflict` are imported on first use too (they bring pydantic), so that the command line
can set up its process before they are (see `cli.run`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import DataError, Problem

if TYPE_CHECKING:
    from .charts.api import HouseFigure, Years
    from .claims import CheckReport
    from .dataset import Conflict, Dataset
    from .loading import load

#: The names imported on first use, and the module each comes from.
_LAZY = {"Conflict": "dataset", "Dataset": "dataset", "load": "loading"}

__all__ = ["Conflict", "DataError", "Dataset", "Problem", "chart", "load"]
__version__ = "0.1.0"


def chart(name_or_series: str, ds: Dataset, *, years: Years = None, highlight: str | None = None,
          size: str | None = None, theme: str | None = None, report: CheckReport | None = None,
          editable: bool = False) -> HouseFigure:
    """A live matplotlib Figure of one chart in the house style, with its source line.

    `name_or_series`: a chart of the catalogue (`data/charts.toml`), a bespoke chart, or any
    series id; `years`: (first, last), a range or one year; `highlight`: 'highest' or 'latest'
    (or, for ranked bars, a category to show apart); `size`: web, social, square, print1 or
    print2; `theme`: light or dark; `report`: the claims report (computed when needed).
    `fig.chart` holds the rows plotted, the sources and the alt text. matplotlib is imported
    only now; see `iwf_stats.charts.api.chart`.
    """
    from .charts.api import chart as draw

    return draw(name_or_series, ds, years=years, highlight=highlight, size=size, theme=theme, report=report,
                editable=editable)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
