"""Charts: each renders, plots exactly the dataset's numbers, credits every source, describes
itself in alt text, and comes out byte-identical on every run."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from iwf_stats import load
from iwf_stats.charts import CHARTS, ChartContext, render
from iwf_stats.charts import figures as figures_module
from iwf_stats.charts.finish import source_line
from iwf_stats.claims import check, load_ledger
from iwf_stats.numbers import fmt_count

from conftest import DATA, REPO


@pytest.fixture(scope="module")
def ctx() -> ChartContext:
    ds = load(DATA)
    return ChartContext(ds, check(ds, load_ledger(ds)))


@pytest.fixture(scope="module")
def rendered(ctx: ChartContext, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("charts") / "charts"
    render(ctx, out)
    return out


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_every_chart_writes_every_file(rendered: Path) -> None:
    for name in CHARTS:
        for suffix in (".png", "@2x.png", ".svg", ".pdf", ".csv", ".txt", ".json"):
            assert (rendered / f"{name}{suffix}").stat().st_size > 0, name + suffix
    manifest = json.loads((rendered / "manifest.json").read_text())["files"]
    assert len(manifest) == 7 * len(CHARTS)
    for fname, digest in manifest.items():
        assert hashlib.sha256((rendered / fname).read_bytes()).hexdigest() == digest


def test_png_sizes_are_fixed(rendered: Path) -> None:
    from PIL import Image

    for name in CHARTS:
        assert Image.open(rendered / f"{name}.png").size == (640, 480)
        assert Image.open(rendered / f"{name}@2x.png").size == (1280, 960)


def test_webpages_chart_data_is_the_preferred_series(rendered: Path, ctx: ChartContext) -> None:
    expected = [(str(o.year), str(o.value), o.source_id) for o in ctx.ds.preferred_values("webpages_actioned")]
    got = [(r["year"], r["webpages_actioned"], r["source_id"]) for r in rows(rendered / "webpages_actioned.csv")]
    assert got == expected


def test_hosting_chart_data_is_the_preferred_values(rendered: Path, ctx: ChartContext) -> None:
    for r in rows(rendered / "hosting.csv"):
        pref = ctx.ds.preferred("webpages_actioned_by_hosting_country", 2024, r["country"])
        assert pref is not None and int(r["webpages"]) == pref.value


def test_hosting_chart_draws_the_top_ten_and_the_uk(rendered: Path, ctx: ChartContext) -> None:
    """A year's full country table can list dozens of hosts: the chart draws those the IWF's own
    top-ten total sums, and the UK."""
    drawn = list(rows(rendered / "hosting.csv"))
    top = ctx.ds.preferred("webpages_actioned_by_hosting_country", 2024, "Top ten countries")
    assert top is not None
    assert sum(int(r["webpages"]) for r in drawn if r["country"] != "United Kingdom") == top.value
    assert "United Kingdom" in {r["country"] for r in drawn} and "Azerbaijan" not in {r["country"] for r in drawn}


def test_assessed_chart_data_matches_the_dataset(rendered: Path, ctx: ChartContext) -> None:
    for r in rows(rendered / "assessed_vs_actioned.csv"):
        for series, column in (("reports_assessed", "reports_assessed"), ("webpages_actioned", "webpages_actioned")):
            pref = ctx.ds.preferred(series, int(r["year"]))
            assert r[column] == (str(pref.value) if pref else "")


def test_disagreement_chart_lists_every_conflicting_value(rendered: Path, ctx: ChartContext) -> None:
    got = {(int(r["year"]), r["source_id"], int(r["value"])) for r in rows(rendered / "source_disagreements.csv")}
    expected = {(c.year, o.source_id, o.value) for c in ctx.ds.conflicts for o in (c.preferred, *c.others)
                if c.series_id == "webpages_actioned"}
    assert got == expected
    assert {(2024, "iwf_pr_2025_01_22", 291270), (2024, "iwf_adir_2024_foreword", 291273)} <= got
    # other series, in other units or from other publishers, are never drawn on the webpages axis
    assert not any(int(r["value"]) > 10**7 for r in rows(rendered / "source_disagreements.csv"))


def test_growth_comes_from_the_claims_engine(rendered: Path, ctx: ChartContext) -> None:
    result = ctx.report.result("article_830_percent")
    data = {r["label"]: r["value"] for r in rows(rendered / "decade_growth.csv")}
    assert data["growth 2014–2024"] == f"{result.computed_number:.2f}"
    assert data["stated by the article"] == result.stated
    alt = (rendered / "decade_growth.txt").read_text()
    assert f"{result.computed_number:.1f}%" in alt and result.stated in alt


def test_source_lines_name_every_source_used(rendered: Path, ctx: ChartContext) -> None:
    for name in CHARTS:
        meta = json.loads((rendered / f"{name}.json").read_text())
        ids = [s["id"] for s in meta["sources"]]
        line = source_line(ctx.ds, ids)
        for sid in ids:
            assert ctx.ds.attribution(sid) in line
            assert meta["sources"][ids.index(sid)]["url"] == ctx.ds.sources[sid].url
        data_sources = {v for r in rows(rendered / f"{name}.csv") for k, v in r.items()
                        if k.endswith("source_id") and v and not v.startswith("computed") and v != "seed_article"}
        assert data_sources <= set(ids), name
        svg = (rendered / f"{name}.svg").read_text()
        assert "<svg" in svg


def test_alt_text_mentions_the_key_numbers(rendered: Path, ctx: ChartContext) -> None:
    ds = ctx.ds
    alt = (rendered / "webpages_actioned.txt").read_text()
    for o in ds.preferred_values("webpages_actioned"):
        assert f"{o.year}: {fmt_count(o.value)}" in alt
    hosting_alt = (rendered / "hosting.txt").read_text()
    assert "Netherlands: 83,037 (29%)" in hosting_alt and "United Kingdom: 987" in hosting_alt
    for name in CHARTS:
        text = (rendered / f"{name}.txt").read_text().strip()
        assert len(text) > 80 and text.endswith("."), name


def test_finishing_refuses_a_chart_without_sources(ctx: ChartContext) -> None:
    with pytest.raises(ValueError, match="at least one source"):
        source_line(ctx.ds, [])


def test_two_runs_give_identical_files(ctx: ChartContext, rendered: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    render(ctx, again)
    assert (again / "manifest.json").read_bytes() == (rendered / "manifest.json").read_bytes()


def test_failure_mid_run_leaves_previous_output_untouched(ctx: ChartContext, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "charts"
    render(ctx, out, only=["webpages_actioned", "hosting"], formats=["png"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(_ctx: ChartContext) -> None:
        raise RuntimeError("injected failure")

    original = figures_module.CHARTS["webpages_actioned"]

    def changed(c: ChartContext) -> figures_module.Chart:
        chart = original(c)
        chart.alt += " Changed."  # so the first chart, had it been written, would differ
        return chart

    monkeypatch.setitem(figures_module.CHARTS, "webpages_actioned", changed)
    monkeypatch.setitem(figures_module.CHARTS, "hosting", broken)
    with pytest.raises(RuntimeError, match="injected failure"):
        render(ctx, out, only=["webpages_actioned", "hosting"], formats=["png"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".charts-")] == []


def test_cli_rejects_an_unknown_chart(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(tmp_path / "c"),
                          "--only", "pie"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 2
    assert out.stderr.startswith("iwf-stats: unknown chart(s): pie; known: webpages_actioned")
    assert not (tmp_path / "c" / "manifest.json").exists()


def test_fonts_come_from_the_pinned_matplotlib_not_the_system() -> None:
    """The same text must render the same everywhere: DejaVu Sans is read from the files that
    ship inside the pinned matplotlib, even on a machine with its own DejaVu installed."""
    import matplotlib
    from matplotlib import font_manager

    from iwf_stats.charts.style import RC

    bundled = Path(matplotlib.get_data_path()).resolve()
    for props in ({}, {"weight": "bold"}, {"style": "italic"}):
        path = Path(font_manager.findfont(font_manager.FontProperties(family=RC["font.family"], **props),
                                          fallback_to_default=False)).resolve()
        assert bundled in path.parents, path
