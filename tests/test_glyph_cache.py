"""Agg's glyph bitmaps kept for the run (`charts/glyphcache.py`) give the pixels matplotlib
draws: texts at many fractions of a pixel, sizes, rotations, weights, with and without
antialiasing, drawn again moved by whole pixels and by fractions, so that both the kept
bitmaps and new ones are used."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from iwf_stats.charts.glyphcache import shared_glyphs


def figure(shift_px: float) -> Figure:
    fig = Figure(figsize=(4, 3), dpi=137)
    FigureCanvasAgg(fig)
    rng = np.random.default_rng(5)
    for i in range(40):
        x, y = rng.uniform(0.05, 0.8), rng.uniform(0.05, 0.9)
        fig.text(x + shift_px / (4 * 137), y + shift_px / (3 * 137), f"Webpages {i * 1234:,} ågy",
                 fontsize=[7, 9.5, 13][i % 3], rotation=[0, 90, 30, 0][i % 4],
                 fontweight="bold" if i % 5 == 0 else "normal", antialiased=i % 7 != 0,
                 fontstyle="italic" if i % 6 == 0 else "normal")
    return fig


def pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]


def test_cached_glyphs_draw_the_pixels_matplotlib_draws() -> None:
    shifts = [0.0, 3.0, 0.37, 11.0 + 1 / 64, 0.0]
    plain = [pixels(figure(s)) for s in shifts]
    with shared_glyphs():
        cached = [pixels(figure(s)) for s in shifts]
    assert all(np.array_equal(a, b) for a, b in zip(plain, cached, strict=True))
    assert not np.array_equal(plain[0], plain[2])  # the shifts do move the text


def test_the_cache_is_gone_after_the_block() -> None:
    from matplotlib.backends.backend_agg import RendererAgg

    before = RendererAgg.draw_text
    with shared_glyphs():
        assert RendererAgg.draw_text is not before
        with shared_glyphs():
            pass
        assert RendererAgg.draw_text is not before
    assert RendererAgg.draw_text is before


def test_regular_and_bold_glyphs_are_kept_apart() -> None:
    """The same string at the same size and position, regular and bold: each glyph's bitmap
    is its own face's, as matplotlib draws it."""
    def drawn() -> np.ndarray:
        fig = Figure(figsize=(2, 1), dpi=100)
        canvas = FigureCanvasAgg(fig)
        fig.text(0.1, 0.6, "Wave", fontsize=12)
        fig.text(0.1, 0.2, "Wave", fontsize=12, fontweight="bold")
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    plain = drawn()
    with shared_glyphs():
        cached = drawn()
    assert np.array_equal(plain, cached)
