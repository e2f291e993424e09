"""PDF and SVG text from shapes and glyph outlines kept for the run (`charts/vectorcache.py`):
the same bytes as matplotlib writes, for the same strings at several sizes, weights and
rotations, saved again once the cache holds them; and a font the renderer did not size just
before shaping with it is shaped as before."""

from __future__ import annotations

import io

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from iwf_stats.charts.vectorcache import shared_vector_glyphs

RC = {"svg.hashsalt": "test", "svg.fonttype": "path", "pdf.fonttype": 3}
META = {"pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        "svg": {"Date": None, "Creator": None}}


def saved(fmt: str, sizes: tuple[float, ...], rc: dict[str, object] | None = None) -> bytes:
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    for i, size in enumerate(sizes):
        fig.text(0.05, 0.1 + 0.2 * i, "Webpages actioned, 2011–2024: 291,273 ågy", fontsize=size,
                 rotation=[0, 90, 15][i % 3], fontweight="bold" if i % 2 else "normal",
                 fontstyle="italic" if i == 2 else "normal")
    return file_of(fig, fmt, rc)


def file_of(fig: Figure, fmt: str, rc: dict[str, object] | None = None) -> bytes:
    """The figure saved as `fmt` with the test's rc settings (and `rc`), no varying metadata."""
    buf = io.BytesIO()
    with matplotlib.rc_context({**RC, **(rc or {})}):
        fig.savefig(buf, format=fmt, metadata=META[fmt])
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "rc"), [
    ("pdf", {}), ("svg", {}),
    ("pdf", {"pdf.fonttype": 42}), ("svg", {"svg.fonttype": "none"}),  # editable
    ("pdf", {"pdf.compression": 0}), ("pdf", {"pdf.compression": 9})])
def test_text_is_written_as_matplotlib_writes_it(fmt: str, rc: dict[str, object]) -> None:
    """Fonts' widths, glyph procedures and character maps (PDF), glyph definitions and
    references (SVG), kept and written again: the files are matplotlib's own."""
    plain = [saved(fmt, (9, 13, 17), rc), saved(fmt, (13, 9, 21), rc)]
    with shared_vector_glyphs():
        cached = [saved(fmt, (9, 13, 17), rc), saved(fmt, (13, 9, 21), rc), saved(fmt, (9, 13, 17), rc)]
    assert cached == [*plain, plain[0]]
    assert plain[0] != plain[1]


def test_only_the_shaping_right_after_the_renderer_sized_the_font_is_kept() -> None:
    from matplotlib import font_manager
    from matplotlib.backends import backend_pdf
    from matplotlib.backends.backend_pdf import RendererPdf

    prop = font_manager.FontProperties(family="DejaVu Sans", size=12)
    with shared_vector_glyphs():
        renderer = RendererPdf.__new__(RendererPdf)
        font = renderer._get_font_ttf(prop)
        at_12 = [(i.glyph_index, i.x) for i in backend_pdf._text_helpers.layout("Wave", font)]
        font.set_size(30, 72)  # sized by someone else, after the renderer's shaping
        at_30 = [(i.glyph_index, i.x) for i in backend_pdf._text_helpers.layout("Wave", font)]
    assert [g for g, _ in at_12] == [g for g, _ in at_30] and at_12 != at_30


def nested_svg() -> bytes:
    """Text at several depths of the SVG's tree (a figure text, an axes text, one in a clip
    group), in colours and opacities, mathtext beside plain text, and an empty string: each
    glyph's definition and each string's references are kept per depth."""
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title("Webpages 2024")
    fig.text(0.1, 0.1, "Webpages 2024", color="#000000")
    ax.text(0.2, 0.5, "Webpages 2024", color="#336699", alpha=0.5, clip_on=True)
    ax.text(0.2, 0.3, "Webpages 2024 $x^2$", rotation=30)
    ax.text(0.2, 0.7, "", clip_on=True)
    ax.annotate("ågy Webpages", (0.5, 0.5), xytext=(0.6, 0.8), arrowprops={"arrowstyle": "->"}, clip_on=True)
    return file_of(fig, "svg")


def test_svg_text_at_every_depth_is_written_as_matplotlib_writes_it() -> None:
    plain = nested_svg()
    with shared_vector_glyphs():
        cached = [nested_svg(), nested_svg()]
    assert cached == [plain, plain]
    assert b"<defs>" in plain and b"<use " in plain


def test_numbers_are_written_into_pdfs_as_matplotlib_writes_them() -> None:
    """The short way for plain floats and ints gives matplotlib's bytes, and everything
    else (bools, numpy numbers, lists of numbers) goes to matplotlib's own; a number a PDF
    cannot hold raises as before."""
    import numpy as np
    from matplotlib.backends import backend_pdf

    values = [0.0, -0.0, 1.0, -1.5, 0.1 + 0.2, 0.1234567891, 1e-11, -1e-11, 123456789.123456789, 2.0 ** 60,
              1e300, 7, -3, 0, 2 ** 70, True, False, np.float32(0.25), np.int64(5), [1.5, 2, True], (0.5,), None]
    plain = [backend_pdf.pdfRepr(v) for v in values]
    with shared_vector_glyphs():
        fast = [backend_pdf.pdfRepr(v) for v in values]
        for bad in (float("nan"), float("inf")):
            with pytest.raises(ValueError, match="finite"):
                backend_pdf.pdfRepr(bad)
    assert fast == plain
    assert plain[:3] == [b"0", b"-0", b"1"] and plain[15] == b"true"


def one_text_svg(in_axes: bool) -> bytes:
    fig = Figure(figsize=(3, 2), dpi=100)
    FigureCanvasAgg(fig)
    if in_axes:
        fig.add_subplot().text(0.2, 0.5, "Wave", clip_on=True)
    else:
        fig.text(0.2, 0.5, "Wave")
    return file_of(fig, "svg")


def test_a_glyph_defined_at_another_depth_in_the_next_file_is_indented_for_it() -> None:
    """A glyph's definition is kept per depth: first defined at the figure's level in one file
    and inside the axes in the next, each file is matplotlib's own."""
    plain = [one_text_svg(False), one_text_svg(True)]
    with shared_vector_glyphs():
        cached = [one_text_svg(False), one_text_svg(True)]
    assert cached == plain


def test_fonts_with_other_fallbacks_draw_their_own_glyphs() -> None:
    """Two font lists with the same first font and different fallbacks: the characters the
    first lacks come from each list's own fallback, as matplotlib draws them."""
    def saved_with(fallback: str, fmt: str) -> bytes:
        fig = Figure(figsize=(3, 2))
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "Café Ω", family=["cmr10", fallback], fontsize=20)
        return file_of(fig, fmt)

    for fmt in ("pdf", "svg"):
        plain = [saved_with("DejaVu Sans", fmt), saved_with("DejaVu Serif", fmt)]
        with shared_vector_glyphs():
            cached = [saved_with("DejaVu Sans", fmt), saved_with("DejaVu Serif", fmt)]
        assert cached == plain and plain[0] != plain[1]


def test_streams_are_kept_per_compression_level_and_compressed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same figure at two compression levels in one block: each file is matplotlib's;
    and saved again, its glyph procedures and character maps are not compressed again."""
    import zlib

    made: list[int] = []
    real = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda *a, **k: made.append(1) or real(*a, **k))
    plain = [saved("pdf", (9, 13), {"pdf.compression": level}) for level in (6, 9)]
    plain_count = len(made) // 2
    with shared_vector_glyphs():
        cached = [saved("pdf", (9, 13), {"pdf.compression": level}) for level in (6, 9)]
        made.clear()
        again = saved("pdf", (9, 13), {"pdf.compression": 6})
    assert cached == plain and again == plain[0]
    assert len(made) < plain_count / 2, (len(made), plain_count)
