"""Text layouts kept for the run (`charts/layoutcache.py`) are the layouts matplotlib computes:
for every text of every chart in two looks, and for a text changed in each property the key
holds, after the cache has seen it as it was."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from iwf_stats import Dataset, chart, load
from iwf_stats.charts.api import chart_names
from iwf_stats.charts.layoutcache import shared_text_layouts
from iwf_stats.claims import CheckReport, check, load_ledger

from conftest import DATA


@pytest.fixture(scope="module")
def ctx() -> tuple[Dataset, CheckReport]:
    ds = load(DATA)
    return ds, check(ds, load_ledger(ds))


def plain(layout: tuple[Any, list[Any], Any]) -> tuple[Any, ...]:
    box, lines, corner = layout
    return tuple(box.bounds), lines, corner


def layouts(fig: Figure) -> list[tuple[Any, ...]]:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    return [plain(t._get_layout(renderer)) for t in fig.findobj(Text)]


@pytest.mark.parametrize(("size", "theme"), [("web", "light"), ("print2", "dark")])
def test_every_text_of_every_chart_is_laid_out_as_matplotlib_lays_it_out(
        ctx: tuple[Dataset, CheckReport], size: str, theme: str) -> None:
    for name in chart_names(ctx[0]):
        with shared_text_layouts():
            fig = chart(name, ctx[0], size=size, theme=theme, report=ctx[1])
            with matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
                fig.canvas.draw()
                cached = layouts(fig)
                assert layouts(fig) == cached  # from the cache, as it was
        with matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
            assert layouts(fig) == cached, name  # what matplotlib computes without it
            boxes = [t.get_window_extent().bounds for t in fig.findobj(Text)]
        with shared_text_layouts(), matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
            assert [t.get_window_extent().bounds for t in fig.findobj(Text)] == boxes, name


CHANGES = {
    "text": lambda t: t.set_text("Another line\nand a second"),
    "size": lambda t: t.set_fontsize(21),
    "weight": lambda t: t.set_fontweight("bold"),
    "style": lambda t: t.set_fontstyle("italic"),
    "rotation": lambda t: t.set_rotation(30),
    "rotation mode": lambda t: t.set_rotation_mode("anchor"),
    "horizontal alignment": lambda t: t.set_horizontalalignment("right"),
    "vertical alignment": lambda t: t.set_verticalalignment("top"),
    "multi-alignment": lambda t: t.set_multialignment("right"),
    "line spacing": lambda t: t.set_linespacing(2.0),
    "figure dpi": lambda t: t.get_figure(root=True).set_dpi(250),
    "family": lambda t: t.set_fontfamily("DejaVu Serif"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_text_is_laid_out_again(change: str) -> None:
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    t = fig.text(0.5, 0.5, "Two lines\nof text, ragged", ha="center", va="bottom", rotation=10, fontsize=12)
    with shared_text_layouts():
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        before = plain(t._get_layout(renderer))  # type: ignore[attr-defined]
        CHANGES[change](t)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        cached = plain(t._get_layout(renderer))  # type: ignore[attr-defined]
    assert cached == plain(t._get_layout(renderer)) and cached != before  # type: ignore[attr-defined]


def test_the_caller_may_change_the_box_it_is_given() -> None:
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    t = fig.text(0.1, 0.1, "Some text")
    with shared_text_layouts():
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        box, lines, _ = t._get_layout(renderer)  # type: ignore[attr-defined]
        first = box.bounds
        box.set_points(np.zeros((2, 2)))
        lines.clear()
        again, lines_again, _ = t._get_layout(renderer)  # type: ignore[attr-defined]
        assert again.bounds == first and lines_again


def test_the_cache_is_gone_after_the_block() -> None:
    before = Text._get_layout  # type: ignore[attr-defined]
    with shared_text_layouts():
        assert Text._get_layout is not before  # type: ignore[attr-defined]
        with shared_text_layouts():  # nested: the same cache
            pass
        assert Text._get_layout is not before  # type: ignore[attr-defined]
    assert Text._get_layout is before  # type: ignore[attr-defined]


def test_agg_pdf_and_svg_are_laid_out_through_the_cache() -> None:
    """The renderers the charts are saved with are the ones cached (PDF and SVG measure through
    a MixedModeRenderer; Agg's own `_renderer` is its C++ half, not a renderer to unwrap)."""
    import io

    from iwf_stats.charts.layoutcache import plain_kind

    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.1, "Some text")
    seen: list[str] = []
    original = Text._get_layout  # type: ignore[attr-defined]

    def spy(self: Text, renderer: Any) -> Any:
        kind = plain_kind(renderer, {})
        seen.append(kind.__name__ if kind else type(renderer).__name__)
        return original(self, renderer)

    Text._get_layout = spy  # type: ignore[attr-defined]
    try:
        for fmt in ("png", "pdf", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)
    finally:
        Text._get_layout = original  # type: ignore[attr-defined]
    assert set(seen) == {"RendererAgg", "RendererPdf", "RendererSVG"}


def test_an_axis_label_with_text_is_placed_and_an_empty_one_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.axis import Axis

    from iwf_stats.charts.layoutcache import empty_axis_labels_left

    def drawn(xlabel: str) -> tuple[tuple[float, float], tuple[float, float], int]:
        fig = Figure(figsize=(4, 3), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot([0, 1e6], [0, 12_345])
        ax.set_xlabel(xlabel)
        ax.set_ylabel("a y label")
        measured = 0
        original = Axis._get_tick_boxes_siblings

        def counting(self: Axis, renderer: Any) -> Any:
            nonlocal measured
            measured += 1
            return original(self, renderer)

        monkeypatch.setattr(Axis, "_get_tick_boxes_siblings", counting)
        fig.canvas.draw()
        monkeypatch.setattr(Axis, "_get_tick_boxes_siblings", original)
        return ax.xaxis.label.get_position(), ax.yaxis.label.get_position(), measured

    plain_x, plain_y, _ = drawn("an x label")
    with empty_axis_labels_left():
        assert drawn("an x label")[:2] == (plain_x, plain_y)  # placed as matplotlib places them
        assert drawn("")[2] == 1  # only the y label, which has text, was placed
    assert drawn("")[2] == 2
