"""A chart's second theme is its first recoloured (`charts/recolour.py`): every file the same,
byte for byte, as the chart drawn directly in that theme, for every chart, both ways round;
and where the colours cannot be translated the chart is drawn again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib
import pytest

from iwf_stats import Dataset, chart, load
from iwf_stats.charts import export as export_module
from iwf_stats.charts import render
from iwf_stats.charts.api import chart_names
from iwf_stats.charts.export import _recoloured, _write_chart, looks
from iwf_stats.charts.recolour import colour_pairs, recolour
from iwf_stats.charts.speed import fast_rendering
from iwf_stats.charts.style import THEMES, look
from iwf_stats.claims import CheckReport, check, load_ledger

from conftest import DATA


@pytest.fixture(scope="module")
def ctx() -> tuple[Dataset, CheckReport]:
    ds = load(DATA)
    return ds, check(ds, load_ledger(ds))


def written(fig: export_module.HouseFigure, ds: Dataset, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    with matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
        names = _write_chart(fig, ds, folder, export_module.FORMATS)
    return {n: (folder / n).read_bytes() for n in names}


@pytest.mark.parametrize(("size", "first", "second"), [("web", "light", "dark"), ("print1", "dark", "light")])
def test_every_chart_recoloured_is_the_chart_drawn_in_that_theme(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, size: str, first: str, second: str) -> None:
    ds, report = ctx
    with fast_rendering():
        for name in chart_names(ds):
            direct = written(chart(name, ds, size=size, theme=second, report=report), ds, tmp_path / f"{name}-direct")
            fig = chart(name, ds, size=size, theme=first, report=report)
            written(fig, ds, tmp_path / f"{name}-first")  # drawn and saved, as the export does first
            assert _recoloured(fig, look(size, second)) and fig.look == look(size, second)
            again = written(fig, ds, tmp_path / f"{name}-recoloured")
            assert again.keys() == direct.keys()
            assert [f for f in direct if again[f] != direct[f]] == [], name


def test_themes_whose_colours_cannot_be_paired_are_not_recoloured(ctx: tuple[Dataset, CheckReport]) -> None:
    light, dark = THEMES["light"], THEMES["dark"]
    clash = replace(light, grid=light.grey)  # one light colour with two dark ones
    assert colour_pairs(clash, dark) is None
    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    before = [t.get_color() for t in fig.texts]
    assert not recolour(fig, clash, dark)
    assert [t.get_color() for t in fig.texts] == before


def test_a_size_or_editability_apart_is_drawn_again(ctx: tuple[Dataset, CheckReport]) -> None:
    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    assert not _recoloured(fig, look("social", "dark"))
    assert not _recoloured(fig, look("web", "dark", editable=True))
    assert fig.look == look("web", "light")


def test_where_recolouring_fails_the_chart_is_drawn_in_the_theme(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    styles = looks(["web"], ["light", "dark"])
    render(ctx[0], tmp_path / "recoloured", only=["hosting"], report=ctx[1], styles=styles)
    drawn: list[str] = []
    original = export_module.chart

    def counting(name: str, *args: object, **kwargs: object) -> export_module.HouseFigure:
        drawn.append(str(kwargs["theme"]))
        return original(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "chart", counting)
    monkeypatch.setattr(export_module, "recolour", lambda *_a: False)
    render(ctx[0], tmp_path / "drawn", only=["hosting"], report=ctx[1], styles=styles)
    assert drawn == ["light", "dark"]
    files = sorted(p.name for p in (tmp_path / "drawn").iterdir())
    assert all((tmp_path / "drawn" / f).read_bytes() == (tmp_path / "recoloured" / f).read_bytes() for f in files)
