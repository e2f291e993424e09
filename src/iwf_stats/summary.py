"""Plain-text summaries of a dataset, for the command line and the README."""

from __future__ import annotations

from .dataset import Dataset
from .numbers import fmt_count


def dataset_summary(ds: Dataset) -> str:
    """One paragraph: what was loaded, and where the sources disagree."""
    preferred = ds.preferred_values()
    years = [o.year for o in preferred]
    text = (
        f"Valid: {len(ds.sources)} sources from {len(ds.publishers)} publishers, "
        f"{len(ds.series)} series, {len(ds.observations)} observations "
        f"({len(preferred)} series-years, {min(years)}–{max(years)}) and {len(ds.facts)} facts. "
    )
    if not ds.conflicts:
        return text + "No two sources disagree."
    parts = [
        f"{c.series_id} {c.year}{' ' + c.category if c.category else ''}: "
        f"{fmt_count(c.preferred.value)} preferred over "
        + ", ".join(fmt_count(v) for v in c.values if v != c.preferred.value)
        for c in ds.conflicts
    ]
    return text + f"{len(ds.conflicts)} series-years have conflicting values ({'; '.join(parts)})."
