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

from iwf_stats import Dataset, load
from iwf_stats.charts import Chart, chart_names, render
from iwf_stats.charts import kinds as kinds_module
from iwf_stats.charts.finish import source_line
from iwf_stats.claims import CheckReport, check, load_ledger
from iwf_stats.numbers import fmt_count

from conftest import DATA, REPO

SEVEN = ["webpages_actioned", "assessed_vs_actioned", "hosting", "actioned_share", "decade_growth",
         "source_disagreements", "year_on_year"]


class Ctx:
    def __init__(self, ds: Dataset, report: CheckReport) -> None:
        self.ds, self.report = ds, report


@pytest.fixture(scope="module")
def ctx() -> Ctx:
    ds = load(DATA)
    return Ctx(ds, check(ds, load_ledger(ds)))


@pytest.fixture(scope="module")
def rendered(ctx: Ctx, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("charts") / "charts"
    render(ctx.ds, out, report=ctx.report)
    return out


def test_the_seven_charts_keep_their_names(ctx: Ctx) -> None:
    names = chart_names(ctx.ds)
    assert set(SEVEN) <= set(names) and names[-3:] == SEVEN[-3:]  # the bespoke three come last
    assert set(SEVEN[:4]) <= {e.name for e in ctx.ds.charts}  # four drawn from the catalogue


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_every_chart_writes_every_file(rendered: Path) -> None:
    for name in SEVEN:
        for suffix in (".png", "@2x.png", ".svg", ".pdf", ".csv", ".txt", ".json"):
            assert (rendered / f"{name}{suffix}").stat().st_size > 0, name + suffix
    manifest = json.loads((rendered / "manifest.json").read_text())["files"]
    assert len(manifest) == 7 * len(chart_names(load(DATA)))
    for fname, digest in manifest.items():
        assert hashlib.sha256((rendered / fname).read_bytes()).hexdigest() == digest


def test_png_sizes_are_fixed(rendered: Path) -> None:
    from PIL import Image

    for name in SEVEN:
        assert Image.open(rendered / f"{name}.png").size == (640, 480)
        assert Image.open(rendered / f"{name}@2x.png").size == (1280, 960)


def test_webpages_chart_data_is_the_preferred_series(rendered: Path, ctx: Ctx) -> None:
    expected = [(str(o.year), str(o.value), o.source_id) for o in ctx.ds.preferred_values("webpages_actioned")]
    got = [(r["year"], r["webpages_actioned"], r["source_id"]) for r in rows(rendered / "webpages_actioned.csv")]
    assert got == expected


def test_hosting_chart_data_is_the_preferred_values(rendered: Path, ctx: Ctx) -> None:
    got = rows(rendered / "hosting.csv")
    assert {r["country"] for r in got} <= {o.category for o in ctx.ds.preferred_values(
        "webpages_actioned_by_hosting_country") if o.year == 2024}
    for r in got:
        pref = ctx.ds.preferred("webpages_actioned_by_hosting_country", 2024, r["country"])
        assert pref is not None and int(r["webpages_actioned_by_hosting_country"]) == pref.value
        share = ctx.ds.preferred("share_of_webpages_actioned_by_hosting_country", 2024, r["country"])
        assert share is not None and int(r["share_of_webpages_actioned_by_hosting_country"]) == share.value
    assert {r["country"]: r["shown"] for r in got}["United Kingdom"] == "apart"
    assert {r["country"]: r["shown"] for r in got}["Top ten countries"] == "total"


def test_hosting_chart_draws_the_top_ten_and_the_uk(rendered: Path, ctx: Ctx) -> None:
    """A year's full country table can list dozens of hosts: the chart ranks those the IWF's own
    top-ten total sums, and shows the UK apart."""
    drawn = list(rows(rendered / "hosting.csv"))
    top = ctx.ds.preferred("webpages_actioned_by_hosting_country", 2024, "Top ten countries")
    assert top is not None
    ranked = [r for r in drawn if r["shown"] == "ranked"]
    assert sum(int(r["webpages_actioned_by_hosting_country"]) for r in ranked) == top.value
    assert "United Kingdom" in {r["country"] for r in drawn} and "Azerbaijan" not in {r["country"] for r in drawn}


def test_assessed_chart_data_matches_the_dataset(rendered: Path, ctx: Ctx) -> None:
    for r in rows(rendered / "assessed_vs_actioned.csv"):
        for series, column in (("reports_assessed", "reports_assessed"), ("webpages_actioned", "webpages_actioned")):
            pref = ctx.ds.preferred(series, int(r["year"]))
            assert r[column] == (str(pref.value) if pref else "")


def test_disagreement_chart_lists_every_conflicting_value(rendered: Path, ctx: Ctx) -> None:
    got = {(int(r["year"]), r["source_id"], int(r["value"])) for r in rows(rendered / "source_disagreements.csv")}
    expected = {(c.year, o.source_id, o.value) for c in ctx.ds.conflicts for o in (c.preferred, *c.others)
                if c.series_id == "webpages_actioned"}
    assert got == expected
    assert {(2024, "iwf_pr_2025_01_22", 291270), (2024, "iwf_adir_2024_foreword", 291273)} <= got
    # other series, in other units or from other publishers, are never drawn on the webpages axis
    assert not any(int(r["value"]) > 10**7 for r in rows(rendered / "source_disagreements.csv"))


def test_growth_comes_from_the_claims_engine(rendered: Path, ctx: Ctx) -> None:
    result = ctx.report.result("article_830_percent")
    data = {r["label"]: r["value"] for r in rows(rendered / "decade_growth.csv")}
    assert data["growth 2014–2024"] == f"{result.computed_number:.2f}"
    assert data["stated by the article"] == result.stated
    alt = (rendered / "decade_growth.txt").read_text()
    assert f"{result.computed_number:.1f}%" in alt and result.stated in alt


def test_source_lines_name_every_source_used(rendered: Path, ctx: Ctx) -> None:
    for name in SEVEN:
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


def test_alt_text_mentions_the_key_numbers(rendered: Path, ctx: Ctx) -> None:
    ds = ctx.ds
    alt = (rendered / "webpages_actioned.txt").read_text()
    for o in ds.preferred_values("webpages_actioned"):
        assert f"{o.year}: {fmt_count(o.value)}" in alt
    hosting_alt = (rendered / "hosting.txt").read_text()
    assert "Netherlands: 83,037 (29%)" in hosting_alt and "United Kingdom: 987" in hosting_alt
    for name in SEVEN:
        text = (rendered / f"{name}.txt").read_text().strip()
        assert len(text) > 80 and text.endswith("."), name


def test_finishing_refuses_a_chart_without_sources(ctx: Ctx) -> None:
    with pytest.raises(ValueError, match="at least one source"):
        source_line(ctx.ds, [])


def test_two_runs_give_identical_files(ctx: Ctx, rendered: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    render(ctx.ds, again, report=ctx.report)
    assert (again / "manifest.json").read_bytes() == (rendered / "manifest.json").read_bytes()


def test_failure_mid_run_leaves_previous_output_untouched(ctx: Ctx, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "charts"
    render(ctx.ds, out, only=["webpages_actioned", "hosting"], formats=["png"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*_args: object) -> None:
        raise RuntimeError("injected failure")

    original = kinds_module.KINDS["bars_by_year"]

    def changed(*args: object) -> Chart:
        chart = original(*args)  # type: ignore[arg-type]
        chart.alt += " Changed."  # so the first chart, had it been written, would differ
        return chart

    monkeypatch.setitem(kinds_module.KINDS, "bars_by_year", changed)
    monkeypatch.setitem(kinds_module.KINDS, "ranked_bars", broken)
    with pytest.raises(RuntimeError, match="injected failure"):
        render(ctx.ds, out, only=["webpages_actioned", "hosting"], formats=["png"])
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
