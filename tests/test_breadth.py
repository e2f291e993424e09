"""Issue 11: the IWF's breakdowns and the other hotlines' series, each with one unit and one
publisher, never joined; the figures as those publishers print them; notebook 4 runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from iwf_stats import DataError, load
from iwf_stats.numbers import NumberFormatError, parse_count
from iwf_stats.report.notebooks import execute

from conftest import DATA, REPO, TODAY, append, edit

#: The series the dataset held before issue 11 (the article's headline table and the 2024 breakdowns).
HEADLINE = {"webpages_actioned", "reports_actioned_incl_newsgroups", "reports_assessed"}


def problems_of(data: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(DataError) as info:
        load(data, today=TODAY)
    return [(Path(p.path).name, p.line, p.field, p.message) for p in info.value.problems]


# --- the shipped data ---

def test_at_least_ten_series_beyond_the_headline_from_three_publishers() -> None:
    ds = load(DATA, today=TODAY)
    observed = {o.series_id for o in ds.observations}
    beyond = {s for s in observed if s not in HEADLINE}
    assert len(beyond) >= 10
    assert {ds.series[s].publisher_id for s in beyond} >= {"iwf", "ncmec", "inhope"}
    for s in beyond:  # every series states its unit and what one unit is
        assert ds.series[s].unit in ("count", "percent") and ds.series[s].counts


def test_no_series_mixes_publishers() -> None:
    """A series is one publisher's: its figures come from that publisher's pages or from third
    parties' copies, never from another producer of series (an IWF page is not a source of
    NCMEC's counts, nor the reverse)."""
    ds = load(DATA, today=TODAY)
    producers = {s.publisher_id for s in ds.series.values()}
    for o in ds.observations:
        owner = ds.series[o.series_id].publisher_id
        by = ds.sources[o.source_id].publisher_id
        assert by == owner or by not in producers, (o.series_id, o.year, o.source_id)
    for s in ds.series.values():  # shares and bounds only ever refer to the same publisher's series
        for other in (s.share_of, s.within):
            assert other is None or ds.series[other].publisher_id == s.publisher_id, s.series_id


def test_units_that_differ_are_different_series() -> None:
    """Different things counted are different series, each saying what one unit is."""
    ds = load(DATA, today=TODAY)
    groups = [("ai_generated_reports_actioned", "ai_videos", "ai_images_videos_realistic"),
              ("cybertipline_reports", "cybertipline_files_reported", "cybertipline_reports_incident_adjusted"),
              ("inhope_reports_exchanged", "inhope_content_urls", "inhope_records"),
              ("commercial_webpages_actioned", "commercial_share_of_webpages_actioned")]
    for group in groups:
        units = {(ds.series[s].unit, ds.series[s].counts) for s in group}
        assert len(units) == len(group), group
    # Europe (a continent) and the European Union are never one series
    assert ds.series["continent_share_of_webpages_actioned"].dimension == "continent"
    assert "EU" not in {o.category for o in ds.observations if o.series_id == "continent_share_of_webpages_actioned"}


def test_method_changes_are_breaks() -> None:
    ds = load(DATA, today=TODAY)
    assert [b.year for b in ds.breaks_for("cybertipline_reports")] == [2024]
    assert [b.year for b in ds.breaks_for("commercial_webpages_actioned")] == [2023]
    assert [b.year for b in ds.breaks_for("inhope_content_urls")] == [2020]
    assert [b.year for b in ds.breaks_for("inhope_records")] == [2024]


def test_cells_searched_and_not_found_are_gaps_not_zeros() -> None:
    ds = load(DATA, today=TODAY)
    assert ds.gap("cybertipline_reports", 2022) is not None  # only 'more than 32 million' was found
    assert ds.preferred("cybertipline_reports", 2022) is None
    assert ds.gap("self_generated_share_of_webpages_actioned", 2024) is not None


def test_every_value_kept_where_sources_disagree() -> None:
    ds = load(DATA, today=TODAY)
    assert sorted(o.value for o in ds.observations_for("cybertipline_reports", 2020)) == [21_400_000, 21_700_000]
    # both are copies: the press copy of NCMEC's own release outranks a third party's blog
    assert ds.preferred("cybertipline_reports", 2020).value == 21_700_000


# --- the figures as published: bad data fails ---

def test_a_share_of_another_publishers_series_is_refused(data_copy: Path) -> None:
    line = edit(data_copy, "series", {"series_id": "inhope_illegal_share_of_content_urls"},
                share_of="webpages_actioned")
    assert ("series.csv", line, "share_of",
            "webpages_actioned is iwf's series, this is inhope's: series of different publishers are never joined"
            ) in problems_of(data_copy)


def test_a_count_within_another_publishers_series_is_refused(data_copy: Path) -> None:
    line = edit(data_copy, "series", {"series_id": "cybertipline_child_pornography_reports"},
                within="webpages_actioned")
    assert any(p[:3] == ("series.csv", line, "within") and "never joined" in p[3] for p in problems_of(data_copy))


def test_counts_grouped_by_full_stops_or_spaces_read_as_printed() -> None:
    assert parse_count("587.852") == 587_852
    assert parse_count("1 038 250") == 1_038_250
    assert parse_count("1.218.420") == 1_218_420
    for bad in ("117, 544", "1.038 250", "1.5", "2013.0", "12.34.567"):
        with pytest.raises(NumberFormatError):
            parse_count(bad)


def test_a_stray_space_in_a_count_is_refused(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {"series_id": "inhope_content_urls", "year": "2021"},
                as_written="910 64 2")
    assert any(p[:3] == ("observations.csv", line, "as_written") for p in problems_of(data_copy))


def test_rounding_down_to_hundreds_is_checked_against_the_exact_figure(data_copy: Path) -> None:
    where = {"series_id": "webpages_actioned_by_hosting_country", "year": "2021", "category": "Netherlands",
             "source_id": "iwf_news_2022_04_26_europe"}
    line = edit(data_copy, "observations", where, rounding="nearest_100")
    assert ("observations.csv", line, "rounding",
            "102,600 is not 102,676 (iwf_ar_2021_hosting) rounded to the nearest hundred, which gives 102,700"
            ) in problems_of(data_copy)


def test_a_percentage_written_in_words_is_read_and_checked(data_copy: Path) -> None:
    where = {"series_id": "category_a_share_of_webpages_actioned", "year": "2017"}
    line = edit(data_copy, "observations", where, value="34")  # printed "33 per cent"
    assert ("observations.csv", line, "value", "34 differs from the figure as written, '33 per cent'"
            ) in problems_of(data_copy)


def test_a_hotline_figure_on_a_draft_page_is_refused(data_copy: Path) -> None:
    line = append(data_copy, "sources", {
        "source_id": "ncmec_draft", "publisher_id": "ncmec", "kind": "primary_report", "title": "CyberTipline data",
        "url": "https://www.missingkids.org/test/cybertiplinedata-draft", "text_sha256": "0" * 64})
    assert any(p[:3] == ("sources.csv", line, "url") and "pre-publication" in p[3] for p in problems_of(data_copy))


# --- notebook 4 ---

def test_beyond_the_article_notebook_executes() -> None:
    """Run as the build runs it (over IPC sockets), on the shipped data."""
    import os
    import re

    env = {**os.environ, "IWF_STATS_DATA": str(DATA), "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    nb = execute(REPO / "notebooks" / "04-beyond-the-article.ipynb", env)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    text = " ".join(o.data["text/markdown"] for c in code for o in c.outputs if "text/markdown" in o.get("data", {}))
    assert "nan" not in text.lower().split() and "None" not in text
    # Every figure it draws is shown as an image with alt text, on the build's Agg backend too.
    drawn = sum(len(re.findall(r"\bshow\(fig\b", c.source)) for c in code)
    images = [o for c in code for o in c.outputs if '<img src="data:image/png;base64,' in o.get("data", {}).get(
        "text/html", "")]
    assert drawn >= 5 and len(images) == drawn
