"""`iwf_stats.chart()`: a live house-style Figure with its source line, the options an analyst
passes, clear errors for what cannot be drawn, and the command line's rough edges."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import iwf_stats
from iwf_stats import Dataset, load
from iwf_stats.charts import chart_names

from conftest import DATA, REPO


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(DATA)


def test_chart_returns_a_live_figure_with_its_source_line(ds: Dataset) -> None:
    fig = iwf_stats.chart("webpages_actioned", ds)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches() * fig.dpi) == (640, 480)
    assert any(t.get_text().startswith("Source") for t in fig.texts)
    fig.axes[0].set_title("restyled")  # an ordinary Figure: the analyst can change it
    assert fig.png().startswith(b"\x89PNG")
    html = fig._repr_html_()
    assert html.startswith('<img src="data:image/png;base64,') and 'alt="Bar chart of webpages actioned' in html


def test_years_and_highlight_narrow_and_mark_the_chart(ds: Dataset) -> None:
    fig = iwf_stats.chart("webpages_actioned", ds, years=(2019, None), highlight="latest")
    years = [r[0] for r in fig.chart.rows]
    assert years == [y for y in ds.years("webpages_actioned") if y >= 2019]
    last = ds.preferred("webpages_actioned", years[-1])
    assert last is not None and fig.chart.subtitle.startswith(f"{years[-1]}: {last.value:,} webpages")
    assert [r[0] for r in iwf_stats.chart("webpages_actioned", ds, years=range(2015, 2018)).chart.rows] == \
        [2015, 2016, 2017]


def test_any_series_id_is_drawn_by_the_kind_that_fits(ds: Dataset) -> None:
    assert iwf_stats.chart("reports_assessed", ds).chart.extra["kind"] == "bars_by_year"
    assert iwf_stats.chart("webpages_actioned_by_hosting_country", ds).chart.extra["kind"] == "ranked_bars"
    assert iwf_stats.chart("self_generated_share_of_webpages_actioned", ds).chart.extra["kind"] == "shares"


def test_sizes_and_themes_are_presets(ds: Dataset) -> None:
    fig = iwf_stats.chart("hosting", ds, size="social", theme="dark")
    assert tuple(round(x) for x in fig.get_size_inches() * fig.dpi) == (1200, 675)
    assert fig.get_facecolor()[:3] != (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="unknown size 'poster'; known: web, social, square, print1, print2"):
        iwf_stats.chart("hosting", ds, size="poster")


@pytest.mark.parametrize(("name", "options", "message"), [
    ("pie", {}, "unknown chart or series 'pie'; charts: webpages_actioned"),
    ("hosting", {"highlight": "Atlantis"}, "highlight: webpages_actioned_by_hosting_country has no category"),
    ("hosting", {"years": (2020, 2024)}, "shows one year: give years=YEAR"),
    ("decade_growth", {"years": (2020, 2024)}, "bespoke: it takes no years or highlight"),
    ("webpages_actioned", {"years": (2090, None)}, "no figures to draw from 2090"),
])
def test_what_cannot_be_drawn_is_a_clear_error(ds: Dataset, name: str, options: dict[str, object],
                                               message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        iwf_stats.chart(name, ds, **options)  # type: ignore[arg-type]


def test_charts_help_lists_the_chart_names(ds: Dataset) -> None:
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--help"], capture_output=True, text=True,
                         cwd=REPO)
    assert run.returncode == 0
    assert "charts: " + ", ".join(chart_names(ds)) in run.stdout
    assert "sizes: web" in run.stdout and "themes: light, dark" in run.stdout


def test_format_is_read_in_any_case(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(tmp_path / "c"),
                          "--format", "PNG", "--only", "hosting"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "c" / "hosting.png").exists() and not (tmp_path / "c" / "hosting.svg").exists()
