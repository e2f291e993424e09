"""`finish.wrap` measures words and lines through matplotlib's own cache of text sizes: the
widths are the renderer's own, and a wrapped block, laid out by matplotlib afterwards, is
not measured again line by line."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from iwf_stats.charts import finish
from iwf_stats.charts.speed import shared_text_metrics

TEXT = ("Reports assessed by analysts, including those that were found to show no criminal imagery, "
        "and the webpages they led to, by the year in which the assessment was completed")


def figure() -> Figure:
    fig = Figure(figsize=(6.4, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    return fig


@pytest.mark.parametrize("run_wide", [False, True], ids=["matplotlib's cache", "the run's cache"])
def test_lines_are_the_renderers_width_and_are_not_measured_again_when_laid_out(
        monkeypatch: pytest.MonkeyPatch, run_wide: bool) -> None:
    finish._WIDTHS.clear()
    fig = figure()
    renderer = finish._renderer(fig)
    font = fig.text(0, 0, "", fontsize=13, fontweight="bold").get_fontproperties()
    direct = [RendererAgg.get_text_width_height_descent(renderer, w, font, False)[0] for w in TEXT.split()]

    measured: list[str] = []
    original = RendererAgg.get_text_width_height_descent

    def counting(self: RendererAgg, s: str, prop: Any, ismath: Any) -> Any:
        measured.append(s)
        return original(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counting)
    with shared_text_metrics() if run_wide else nullcontext():
        lines = finish.wrap(fig, TEXT, 300, fontsize=13, fontweight="bold")
        assert len(lines) > 2
        assert [finish._text_width(renderer, w, font) for w in TEXT.split()] == direct
        for line in lines:
            assert original(renderer, line, font, False)[0] <= 300
        after_wrap = len(measured)
        t = fig.text(0, 0, "\n".join(lines), fontsize=13, fontweight="bold")
        t.get_window_extent(renderer)
    # Laying the block out measured its lines already measured by wrap no more (only what
    # matplotlib measures besides: the height of "lp", and a line of one word).
    again = [s for s in measured[after_wrap:] if " " in s]
    assert again == []
    assert [finish.wrap(fig, TEXT, 300, fontsize=13, fontweight="bold")] == [lines]

