"""iwf-stats: published IWF figures as a sourced, validated dataset.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> ds.preferred("webpages_actioned", 2024).value
    291273

Importing this package loads neither pandas nor matplotlib; frames and charts import
them when asked for, so the command-line checks start fast.
"""

from __future__ import annotations

from .dataset import Conflict, Dataset
from .errors import DataError, Problem
from .loading import load

__all__ = ["Conflict", "DataError", "Dataset", "Problem", "load"]
__version__ = "0.1.0"
