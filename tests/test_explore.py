"""The library as an analyst explores it: a short repr, loud misspellings, frames that carry units
and sources."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import iwf_stats
from iwf_stats import Dataset
from iwf_stats.errors import UnknownName

from conftest import DATA, REPO

TYPO = "webpages_actoned"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return iwf_stats.load(DATA)


def test_repr_is_short_and_says_what_is_in_it(ds: Dataset) -> None:
    text = repr(ds)
    shown = min(len(ds.series), 10)
    assert len(text) < 2000 and len(text.splitlines()) == 1 + shown + (len(ds.series) > shown)
    assert text.startswith(f"<Dataset: {len(ds.observations)} figures of {len(ds.series)} series from "
                           f"{len(ds.sources)} sources by {len(ds.publishers)} publishers, {len(ds.facts)} facts; "
                           f"{len(ds.conflicts)} disagreements")
    years = ds.years("webpages_actioned")
    unit = ds.series["webpages_actioned"].counts
    assert f"  webpages_actioned ({unit}): {years[0]}–{years[-1]}, {len(years)} years" in text.splitlines()
    assert str(ds) == text
    assert repr(ds.series).startswith(f"<{len(ds.series)} series: webpages_actioned, ")


@pytest.mark.parametrize("call", [
    lambda ds: ds.preferred(TYPO, 2024),
    lambda ds: ds.observations_for(TYPO, 2024),
    lambda ds: ds.years(TYPO),
    lambda ds: ds.preferred_values(TYPO),
    lambda ds: ds.preferred_frame(TYPO),
    lambda ds: ds.values(TYPO),
    lambda ds: ds.wide_frame(["reports_assessed", TYPO]),
    lambda ds: ds.series[TYPO],
], ids=["preferred", "observations_for", "years", "preferred_values", "preferred_frame", "values",
        "wide_frame", "series[]"])
def test_a_misspelt_series_is_a_key_error_with_a_suggestion(ds: Dataset, call: Callable[[Dataset], Any]) -> None:
    with pytest.raises(KeyError) as e:
        call(ds)
    assert isinstance(e.value, UnknownName) and e.value.suggestions == ["webpages_actioned"]
    assert str(e.value) == f"unknown series '{TYPO}'; did you mean 'webpages_actioned'?"


def test_other_catalogues_suggest_too(ds: Dataset) -> None:
    with pytest.raises(KeyError, match=r"unknown source 'iwf_ar_2O23'; did you mean 'iwf_ar_2023'"):
        ds.sources["iwf_ar_2O23"]
    with pytest.raises(KeyError, match=rf"unknown series 'hosting'; the {len(ds.series)} known: "):
        ds.values("hosting")
    assert ds.series.get(TYPO) is None  # dict.get keeps its meaning


def test_a_missing_category_is_a_key_error(ds: Dataset) -> None:
    with pytest.raises(KeyError, match=r"unknown category of webpages_actioned_by_hosting_country 'Romnia'; "
                                       r"did you mean 'Romania'"):
        ds.values("webpages_actioned_by_hosting_country", "Romnia")
    with pytest.raises(KeyError, match=r"category .* ''"):
        ds.values("webpages_actioned_by_hosting_country")


def test_a_known_series_without_that_year_is_none(ds: Dataset) -> None:
    assert ds.preferred("webpages_actioned", 1999) is None
    assert ds.observations_for("webpages_actioned", 1999) == []


def test_tidy_frame_carries_units_and_sources(ds: Dataset) -> None:
    frame = ds.preferred_frame()
    assert len(frame) == len(ds.preferred_values())
    assert frame.attrs["units"] == {s: ds.series[s].counts for s in frame.series_id.unique()}
    for sid, group in frame.groupby("series_id"):
        assert frame.attrs["sources"][sid] == sorted(set(group.source_id))


def test_values_are_the_preferred_values(ds: Dataset) -> None:
    values = ds.values("webpages_actioned")
    expected = {o.year: o.value for o in ds.preferred_values("webpages_actioned")}
    assert values.to_dict() == expected and values.name == "webpages_actioned" and values.index.name == "year"
    assert values.attrs["unit"] == ds.series["webpages_actioned"].counts
    assert values.attrs["sources"] == {o.year: o.source_id for o in ds.preferred_values("webpages_actioned")}


def test_wide_frame_is_years_by_series(ds: Dataset) -> None:
    wide = ds.wide_frame()
    totals = sorted({o.series_id for o in ds.observations if o.category == ""})
    assert list(wide.columns) == totals and list(wide.index) == sorted({o.year for o in ds.observations
                                                                      if o.category == ""})
    for sid in totals:
        for year in wide.index:
            o = ds.preferred(sid, int(year))
            cell = wide.loc[year, sid]
            assert (pd.isna(cell) and o is None) or (o is not None and cell == o.value), (sid, year)
            if o is not None:
                assert wide.attrs["sources"][sid][year] == o.source_id
        assert wide.attrs["units"][sid] == ds.series[sid].counts
    hosting = ds.wide_frame(category="Romania")
    assert list(hosting.columns) == sorted({o.series_id for o in ds.observations if o.category == "Romania"})
    assert "webpages_actioned_by_hosting_country" in hosting.columns


def test_api_reference_is_built_from_the_docstrings(tmp_path: Path) -> None:
    """`make docs` runs pdoc; the page of the dataset module carries the methods and their examples."""
    out = subprocess.run([sys.executable, "-m", "pdoc", "--output-directory", str(tmp_path), "--docformat",
                          "markdown", "--no-show-source", "iwf_stats.dataset"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "iwf_stats" / "dataset.html").read_text(encoding="utf-8")
    assert "wide_frame" in page and "did you mean" in page
    assert "pdoc" in (REPO / "Makefile").read_text(encoding="utf-8")
