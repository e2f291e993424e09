"""Plain-text summaries of a dataset, for the command line and the README."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dataset import Dataset
from .numbers import fmt_count
from .report.text import terminal

if TYPE_CHECKING:
    from .claims import CheckReport


def and_list(items: list[str]) -> str:
    """["2016", "2018", "2019"] → "2016, 2018 and 2019", as a sentence lists them."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def dataset_summary(ds: Dataset) -> str:
    """One paragraph: what was loaded, and where the sources disagree."""
    preferred = ds.preferred_values()
    years = [o.year for o in preferred]
    text = (
        f"Valid: {len(ds.sources)} sources from {len(ds.publishers)} publishers, "
        f"{len(ds.series)} series, {len(ds.observations)} observations "
        f"({len(preferred)} series-years, {min(years)}–{max(years)}) and {len(ds.facts)} facts. "
    )
    if ds.fact_conflicts:
        text += (f"Sources state different values for {len(ds.fact_conflicts)} facts "
                 f"({', '.join(ds.fact_conflicts)}). ")
    if not ds.conflicts:
        return text + "No two sources disagree on a figure."
    parts = [
        f"{c.series_id} {c.year}{' ' + c.category if c.category else ''}: "
        f"{fmt_count(c.preferred.value)} preferred over "
        + ", ".join(fmt_count(v) for v in c.values if v != c.preferred.value)
        for c in ds.conflicts
    ]
    return text + f"{len(ds.conflicts)} series-years have conflicting values ({'; '.join(parts)})."


def _clip(text: str, width: int) -> str:
    """Long phrases ("the most … ever discovered") would push the verdicts off a terminal."""
    return text if len(text) <= width else text[: width - 1] + "…"


def check_table(report: CheckReport, explain: bool = True) -> str:
    """The claims as a plain-text table, each row followed by its explanation."""
    header = ("claim", "stated", "computed", "verdict")
    rows = [(r.id, _clip(r.stated, 32), r.computed,
             r.verdict if r.reproduces else f"{r.verdict} (EXPECTED {r.expected})")
            for r in report.results]
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 7)
    for r, row in zip(report.results, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, [*widths, 0], strict=True)).rstrip())
        if explain:
            lines.append(f"    {r.explanation}")
    s = report.summary()
    lines.append("")
    lines.append(f"{s['claims']} claims: {s['supported']} supported, {s['contradicted']} contradicted, "
                 f"{s['unverifiable']} unverifiable; {s['as_expected']} as recorded, "
                 f"{s['differing']} differ.")
    return terminal("\n".join(lines))
