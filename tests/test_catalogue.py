"""The chart catalogue (data/charts.toml): a new series plus an entry makes a complete chart
with no new Python; every bad entry is refused with its file, line and field; the kinds
draw what the data says (gaps as gaps, breaks as dashed rules, a singled-out category apart)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.lines import Line2D

import iwf_stats
from iwf_stats import DataError, Problem, load
from iwf_stats.charts.style import RC

from conftest import DATA, REPO, append

WIDGETS = {2019: 1200, 2020: 1500, 2022: 2100, 2023: 2600}  # no figure for 2021: a gap
#: A title mathtext cannot parse: drawing it would raise if data text were read as mathtext.
WIDGETS_TITLE = r"Widgets in $\notacommand$ counted"


def add_widgets(data: Path, entry: str, with_break: bool = True) -> None:
    """A new series, its source (with the saved text it is quoted from), its observations and
    (optionally) a series break, written as data only, and a catalogue entry for it."""
    append(data, "series", {"series_id": "test_widgets", "title": WIDGETS_TITLE, "publisher_id": "iwf",
                            "unit": "count", "counts": "widgets", "wordings": "widgets",
                            "definition": "Widgets counted for this test."})
    quotes = {year: f"In {year} we counted {value:,} widgets." for year, value in WIDGETS.items()}
    break_quote = "From 2022 widgets are counted by a new method."
    url = "https://www.iwf.org.uk/test-widgets/"
    text = data / "sources" / "test_widget_report.txt"
    passages = [*quotes.values(), *([break_quote] if with_break else [])]
    text.write_text(f"address: {url}\ntaken: 2026-05-01 (made up for a test)\n"
                    + "".join(f"---\n{p}\n" for p in passages), encoding="utf-8")
    append(data, "sources", {"source_id": "test_widget_report", "publisher_id": "iwf", "kind": "primary_report",
                             "title": "Widgets, a test report", "url": url, "date_published": "2024-06-01",
                             "text_sha256": hashlib.sha256(text.read_bytes()).hexdigest()})
    for year, value in WIDGETS.items():
        append(data, "observations", {
            "series_id": "test_widgets", "year": str(year), "value": str(value), "as_written": f"{value:,}",
            "rounding": "exact", "source_id": "test_widget_report", "wording": "widgets", "quote": quotes[year]})
    if with_break:
        append(data, "breaks", {"series_id": "test_widgets", "year": "2022", "label": "new method",
                                "description": "Widgets counted by a new method", "source_id": "test_widget_report",
                                "quote": break_quote})
    with (data / "charts.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + entry)


def test_a_new_series_and_entry_make_a_complete_chart_with_no_python(data_copy: Path, tmp_path: Path) -> None:
    add_widgets(data_copy, '[[chart]]\nname = "widgets"\nkind = "bars_by_year"\nseries = "test_widgets"\n'
                           'highlight = "latest"\n')
    out = tmp_path / "charts"
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(out), str(data_copy),
                          "--only", "widgets"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    for suffix in (".png", "@2x.png", ".svg", ".pdf", ".csv", ".txt", ".json"):
        assert (out / f"widgets{suffix}").stat().st_size > 0, suffix
    assert "widgets.png" in json.loads((out / "manifest.json").read_text())["files"]
    data = list(csv.DictReader(io.StringIO((out / "widgets.csv").read_text(encoding="utf-8"))))
    assert [(int(r["year"]), int(r["test_widgets"]), r["source_id"]) for r in data] == [
        (y, v, "test_widget_report") for y, v in WIDGETS.items()]
    meta = json.loads((out / "widgets.json").read_text(encoding="utf-8"))
    assert meta["title"] == f"{WIDGETS_TITLE}, 2019–2023"  # generated: series title and years
    assert meta["subtitle"].startswith("2023: 2,600 widgets, +23.8% on 2022")
    assert [s["id"] for s in meta["sources"]] == ["test_widget_report"]
    assert meta["sources"][0]["url"] == "https://www.iwf.org.uk/test-widgets/"
    assert meta["extra"]["breaks"][0]["year"] == 2022
    alt = (out / "widgets.txt").read_text(encoding="utf-8")
    for year, value in WIDGETS.items():
        assert f"{year}: {value:,}" in alt
    assert f"{WIDGETS_TITLE} for 2021: no figure in the data." in alt and "break in the series in 2022" in alt

    fig = iwf_stats.chart("widgets", load(data_copy))
    texts = [t.get_text() for t in fig.texts]
    assert "Source: IWF" in texts  # the source line, from the publisher's attribution
    ax = fig.axes[0]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() not in ("-", "None")]
    assert [list(ln.get_xdata()) for ln in dashed] == [[2021.5, 2021.5]]  # the break, between 2021 and 2022
    assert "new method" in [t.get_text().strip() for t in ax.texts]
    assert 2023 in ax.get_xticks()  # the highlighted year has its label


def test_a_line_is_split_at_a_break_and_stops_at_a_gap(data_copy: Path) -> None:
    add_widgets(data_copy, '[[chart]]\nname = "widgets_and_webpages"\nkind = "lines"\n'
                           'series = ["test_widgets", "webpages_actioned"]\n')
    fig = iwf_stats.chart("widgets_and_webpages", load(data_copy))
    widgets = [ln for ln in fig.axes[0].get_lines() if ln.get_color() == fig.axes[0].get_lines()[0].get_color()
               and ln.get_linestyle() == "-"]
    assert len(widgets) == 2  # one piece before the break, one after
    for piece in widgets:
        xs = list(piece.get_xdata())
        assert not (2021 in xs and 2022 in xs)  # nothing joins values across the break
    before = dict(zip(widgets[0].get_xdata(), widgets[0].get_ydata(), strict=True))
    assert math.isnan(before[2021])  # no figure: a gap, not a line drawn across
    note = fig.chart.note or ""
    assert "2022, new method" in note and note.count("2014, proactive searching begins") == 1
    assert f"{WIDGETS_TITLE} for 2021: no figure in the data." in note  # inside its span, not before it


# --- validation: each bad entry, its file, line, field and message ---

BAD = [
    ('kind = "pie"\nseries = "webpages_actioned"', "kind",
     "must be one of bars_by_year, lines, ranked_bars, shares, got 'pie'"),
    ('kind = "bars_by_year"\nseries = "no_such_series"', "series", "unknown series 'no_such_series'"),
    ('kind = "bars_by_year"\nseries = "webpages_actioned"\ncolour = "red"', "colour", "unknown field"),
    ('kind = "bars_by_year"\nseries = "webpages_actioned"\ntitle = "Up 830 percent"', "title",
     "must not type a figure or year (titles are generated from the data when left out)"),
    ('kind = "bars_by_year"\nseries = ["webpages_actioned", "reports_assessed"]', "series",
     "kind bars_by_year draws one series, got 2"),
    ('kind = "lines"\nseries = ["webpages_actioned", "self_generated_share_of_webpages_actioned"]', "series",
     "kind lines draws series of one measure, got count and percent"),
    ('kind = "lines"\nseries = ["webpages_actioned", "reports_assessed"]\nhighlight = "latest"', "highlight",
     "not used by kind lines"),
    ('kind = "shares"\nseries = "webpages_actioned"', "series",
     "kind shares draws a percent series; webpages_actioned is a count (give two count series for a ratio)"),
    ('kind = "ranked_bars"\nseries = "webpages_actioned_by_hosting_country"\nhighlight = "Atlantis"', "highlight",
     "webpages_actioned_by_hosting_country has no category 'Atlantis'"),
    ('kind = "bars_by_year"\nseries = "webpages_actioned"\nhighlight = "biggest"', "highlight",
     "must be one of highest, latest, got 'biggest'"),
    ('kind = "bars_by_year"\nseries = "webpages_actioned"\nfrom_year = 2020\nto_year = 2015', "to_year",
     "2015 is before from_year 2020"),
    ('kind = "bars_by_year"\nseries = "webpages_actioned"\nfrom_year = 2090', "series",
     "no figures to draw from 2090"),
    ('kind = "bars_by_year"', "series", "required"),
]


def _append_entry(data: Path, body: str, name: str = "bad_chart") -> tuple[str, int]:
    path = data / "charts.toml"
    text = path.read_text(encoding="utf-8")
    start = text.count("\n") + 2  # the header line of the appended table
    path.write_text(text + f'\n[[chart]]\nname = "{name}"\n{body}\n', encoding="utf-8")
    return str(path), start


@pytest.mark.parametrize(("body", "field", "message"), BAD, ids=[f"{b[1]}:{b[2][:30]}" for b in BAD])
def test_a_bad_entry_is_refused_with_file_line_and_field(data_copy: Path, body: str, field: str,
                                                         message: str) -> None:
    path, start = _append_entry(data_copy, body)
    lines = ["[[chart]]", 'name = "bad_chart"', *body.splitlines()]
    line = next((start + i for i, x in enumerate(lines) if x.startswith(f"{field} ")), start)
    with pytest.raises(DataError) as e:
        load(data_copy)
    assert e.value.problems == [Problem(path, line, field, message)]


def test_a_name_taken_twice_or_by_a_bespoke_chart_is_refused(data_copy: Path) -> None:
    path, start = _append_entry(data_copy, 'kind = "bars_by_year"\nseries = "webpages_actioned"', "decade_growth")
    _, again = _append_entry(data_copy, 'kind = "bars_by_year"\nseries = "reports_assessed"', "hosting")
    with pytest.raises(DataError) as e:
        load(data_copy)
    first_hosting = next(n for n, x in enumerate((data_copy / "charts.toml").read_text().splitlines(), 1)
                         if x == 'name = "hosting"')
    assert e.value.problems == [
        Problem(path, start + 1, "name", "duplicate 'decade_growth', a bespoke chart"),
        Problem(path, again + 1, "name", f"duplicate 'hosting', first on line {first_hosting - 1}")]


def test_a_catalogue_that_is_not_toml_is_refused(data_copy: Path) -> None:
    path = data_copy / "charts.toml"
    path.write_text(path.read_text() + "\n[[chart]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(data_copy)
    (p,) = e.value.problems
    assert (p.path, p.field) == (str(path), "(toml)") and p.message.startswith("not valid TOML")


def test_validate_reports_a_bad_entry_and_exits_2(data_copy: Path) -> None:
    path, start = _append_entry(data_copy, 'kind = "pie"\nseries = "webpages_actioned"')
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "validate", str(data_copy)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert f"{path}:{start + 2}: kind: must be one of bars_by_year, lines, ranked_bars, shares, got 'pie'" \
        in run.stderr.splitlines()
    assert "Traceback" not in run.stderr


def test_a_data_folder_without_a_catalogue_loads_with_only_the_bespoke_charts(data_copy: Path) -> None:
    (data_copy / "charts.toml").unlink()
    from iwf_stats.charts import chart_names

    assert chart_names(load(data_copy)) == ["decade_growth", "source_disagreements", "year_on_year"]


# --- the shipped charts: defects that must not come back ---

@pytest.fixture(scope="module")
def ds() -> iwf_stats.Dataset:
    return load(DATA)


def test_lines_leave_years_without_figures_empty(ds: iwf_stats.Dataset) -> None:
    missing = [y for y in range(2013, 2025) if ds.preferred("reports_assessed", y) is None]
    assert missing  # the shipped data has gaps
    for name in ("assessed_vs_actioned", "actioned_share"):
        fig = iwf_stats.chart(name, ds)
        first: Line2D = fig.axes[0].get_lines()[0]
        pieces = [ln for ln in fig.axes[0].get_lines()
                  if ln.get_color() == first.get_color() and ln.get_linestyle() == "-"]
        ys = {x: y for ln in pieces for x, y in zip(ln.get_xdata(), ln.get_ydata(), strict=True)}
        for y in missing:
            assert math.isnan(ys[y]), (name, y)  # in the line's span, drawn as a gap


def test_a_singled_out_category_is_shown_apart_not_ranked(ds: iwf_stats.Dataset) -> None:
    fig = iwf_stats.chart("hosting", ds)
    ax = fig.axes[0]
    ticks = {t.get_text(): pos for t, pos in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    ranked = [pos for name, pos in ticks.items() if name != "United Kingdom"]
    assert ticks["United Kingdom"] < min(ranked) - 1  # below a gap, not the next rank
    assert "987 (under 1%)" in [t.get_text() for t in ax.texts]  # not "(0%)"
    assert "United Kingdom" not in ticks or "Top ten countries" not in ticks


def test_the_highlighted_bar_has_its_year_label(ds: iwf_stats.Dataset) -> None:
    for highlight in ("highest", "latest"):
        fig = iwf_stats.chart("webpages_actioned", ds, highlight=highlight)
        assert ds.years("webpages_actioned")[-1] in fig.axes[0].get_xticks()


def test_data_text_is_never_read_as_mathtext() -> None:
    assert RC["text.parse_math"] is False
