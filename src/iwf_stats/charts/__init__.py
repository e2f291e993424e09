"""Charts in the house style, exported with their data, alt text and provenance.

Imports matplotlib: only the chart and report commands load this package.
"""

from .api import HouseFigure, chart, chart_names, show
from .base import Chart, Options
from .export import FORMATS, render

__all__ = ["FORMATS", "Chart", "HouseFigure", "Options", "chart", "chart_names", "render", "show"]
