"""Charts in the house style, exported with their data, alt text and provenance.

Imports matplotlib: only the chart and report commands load this package.
"""

from .export import FORMATS, render
from .figures import CHARTS, Chart, ChartContext

__all__ = ["CHARTS", "FORMATS", "Chart", "ChartContext", "render"]
