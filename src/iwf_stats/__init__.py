"""iwf-stats: published IWF figures as a sourced, validated dataset.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> ds.preferred("webpages_actioned", 2024).value
    291273

Importing this package loads neither pandas nor matplotlib; frames and charts import
them when asked for, so the command-line checks start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dataset import Conflict, Dataset
from .errors import DataError, Problem
from .loading import load

if TYPE_CHECKING:
    from .charts.api import HouseFigure

__all__ = ["Conflict", "DataError", "Dataset", "Problem", "chart", "load"]


def chart(name_or_series: str, ds: Dataset, **options: Any) -> HouseFigure:
    """A live matplotlib Figure of one chart in the house style, with its source line (see
    `iwf_stats.charts.api.chart` for the options: years, highlight, size, theme, report).
    matplotlib is imported only now."""
    from .charts.api import chart as draw

    return draw(name_or_series, ds, **options)
__version__ = "0.1.0"
