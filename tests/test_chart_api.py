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


# --- sizes, themes and editable exports (issue 13, items 1 and 2) ---

@pytest.mark.parametrize(("size", "pixels"), [("web", (640, 480)), ("social", (1200, 675)), ("square", (1080, 1080)),
                                              ("print1", (1039, 827)), ("print2", (2126, 1299))])
def test_each_size_preset_has_its_pixels_and_scaled_type(ds: Dataset, size: str, pixels: tuple[int, int]) -> None:
    from iwf_stats.charts.style import SIZES, TITLE_PT

    fig = iwf_stats.chart("webpages_actioned", ds, size=size)
    assert tuple(round(x) for x in fig.get_size_inches() * fig.dpi) == pixels
    title = max(fig.texts, key=lambda t: t.get_fontsize())
    assert title.get_fontsize() == pytest.approx(TITLE_PT * SIZES[size].scale)
    ax = fig.axes[0].get_position()
    assert ax.height > 0.3 and ax.width > 0.5  # the plot keeps its room at every size


def test_cli_renders_every_size_and_theme_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "c"
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(out), "--format", "png",
                          "--size", "web,print1", "--theme", "Light,dark", "--only", "hosting"],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["hosting-dark.png", "hosting-dark@2x.png", "hosting-print1-dark.png", "hosting-print1.png",
                    "hosting.png", "hosting@2x.png"]  # print sizes are 300 dpi already: no 2× file
    bad = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(tmp_path / "d"),
                          "--theme", "sepia"], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "unknown theme 'sepia'; known: light, dark" in bad.stderr


def test_editable_exports_keep_text_and_stay_byte_identical(ds: Dataset, tmp_path: Path) -> None:
    from iwf_stats.charts import render
    from iwf_stats.charts.export import looks

    for folder in ("a", "b"):
        render(ds, tmp_path / folder, only=["hosting"], formats=["svg", "pdf"], styles=looks(editable=True))
    render(ds, tmp_path / "paths", only=["hosting"], formats=["svg", "pdf"])
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    svg, pdf = (tmp_path / "a" / "hosting.svg").read_text(), (tmp_path / "a" / "hosting.pdf").read_bytes()
    assert "<text" in svg and "Netherlands" in svg
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType (Type 42) embedded
    plain_svg = (tmp_path / "paths" / "hosting.svg").read_text()
    plain_pdf = (tmp_path / "paths" / "hosting.pdf").read_bytes()
    assert "<text" not in plain_svg and b"/Type3" in plain_pdf  # the default: outlines, Type 3


def test_show_displays_a_notebook_figure_as_an_image_with_its_alt_text_and_closes_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import IPython.display
    import matplotlib.pyplot as plt

    from iwf_stats.charts import show

    shown: list[dict[str, str]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw=False: shown.append(data))
    # A constrained layout draws once into a throwaway file before the real save (it failed so).
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100, layout="constrained")
    ax.plot([1, 2], [3, 4])
    show(fig, 'Line chart: <b>"up"</b> & away')
    html = shown[0]["text/html"]
    assert html.startswith('<img src="data:image/png;base64,')
    assert 'alt="Line chart: &lt;b&gt;&quot;up&quot;&lt;/b&gt; &amp; away"' in html
    assert 'width="400" height="300"' in html
    assert not plt.fignum_exists(fig.number)  # closed: an inline backend will not show it again
    fig2, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        show(fig2, "  ")
    plt.close(fig2)
