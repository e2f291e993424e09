"""The README's gallery (`make gallery`) shows every chart, and only charts that exist."""

from __future__ import annotations

import re
from pathlib import Path

from iwf_stats import load
from iwf_stats.charts.api import chart_names

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
THUMBS = REPO / "docs" / "charts"


def test_every_chart_has_a_thumbnail_in_the_readme() -> None:
    names = chart_names(load())
    shown = set(re.findall(r"\]\(docs/charts/([a-z0-9_]+)\.png\)", README))
    assert set(names) - shown == set(), "run `make gallery` and add the chart to the README's gallery"
    assert all((THUMBS / f"{n}.png").is_file() for n in names)


def test_no_thumbnail_outlives_its_chart() -> None:
    stems = {re.sub(r"-(web|social|square|print1|print2|light|dark)+(-(light|dark))?$", "", p.stem)
             for p in THUMBS.glob("*.png")}
    assert stems <= set(chart_names(load()))
    for link in re.findall(r"\]\((docs/charts/[^)]+)\)", README):
        assert (REPO / link).is_file(), link
