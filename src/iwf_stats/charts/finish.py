"""The one finishing function every chart goes through (after the BBC's `finalise_plot`).

It places the title and subtitle top-left, the note and the source line bottom-left, and
computes the margins from what the texts measure, so every chart is a sibling of the others
at every size. `sources` is required and
must not be empty: no chart leaves without saying where its numbers come from, and the
source line is built from the publishers' attributions, never typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
import matplotlib.text as mtext
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox

from ..dataset import Dataset
from .style import DEFAULT_LOOK, SOURCE_PT, SUBTITLE_PT, TITLE_PT, Look


def source_line(ds: Dataset, source_ids: Sequence[str]) -> str:
    """'Source: IWF; UK Parliament' from the sources used, publishers in order of first use."""
    if not source_ids:
        raise ValueError("a chart needs at least one source")
    names = dict.fromkeys(ds.attribution(s) for s in source_ids)
    label = "Source" if len(names) == 1 else "Sources"
    return f"{label}: {'; '.join(names)}"


def wrap(fig: Figure, text: str, width_px: float, **props: Any) -> list[str]:
    """Greedy word wrap by the rendered width of the text, not by a character count, so a
    title in bold and a note in italics both end exactly at the margin. Widths are asked of
    the renderer in the text's own font, a word at a time (laying out a whole line is slow),
    and every line is measured whole before it is kept, so none runs past the margin."""
    renderer = _renderer(fig)
    probe = fig.text(0, 0, "", **props)
    font = probe.get_fontproperties()
    probe.remove()

    def width(piece: str) -> float:
        return _text_width(renderer, piece, font)

    space = width("x x") - 2 * width("x")
    lines: list[list[str]] = []
    run = 0.0
    for word in text.split():
        w = width(word)
        if lines and run + space + w <= width_px:
            lines[-1].append(word)
            run += space + w
        else:
            lines.append([word])
            run = w
    out: list[str] = []
    for i, words in enumerate(lines):  # a line the sum misjudged (kerning) gives its last word on
        while len(words) > 1 and width(" ".join(words)) > width_px:
            if i + 1 == len(lines):
                lines.append([])
            lines[i + 1].insert(0, words.pop())
        out.append(" ".join(words))
    return out


#: Widths of words and lines already measured, by text, font, dpi and the hinting settings.
_WIDTHS: dict[tuple[str, FontProperties, float, object, object], float] = {}


def _text_width(renderer: RendererBase, piece: str, font: FontProperties) -> float:
    dpi = float(getattr(renderer, "dpi", 72))
    hinting, kerning = matplotlib.rcParams["text.hinting"], matplotlib.rcParams["text.kerning_factor"]
    found = _WIDTHS.get((piece, font, dpi, hinting, kerning))
    if found is None:
        if len(_WIDTHS) > 50_000:
            _WIDTHS.clear()
        # Through matplotlib's own cache of text sizes, which it lays the text out with: a
        # line measured here is not measured again when the wrapped block is laid out.
        found = _WIDTHS[(piece, font.copy(), dpi, hinting, kerning)] = float(
            mtext._get_text_metrics_with_cache(renderer, piece, font, False, dpi)[0])  # type: ignore[attr-defined]
    return found


#: Inches, at the web size, between the text blocks and the canvas's edge, and between blocks.
EDGE_IN, GAP_IN = 0.18, 0.05
#: Inches, at the web size, between the subtitle and the plot (the legend and the plot), and
#: between the plot's tick labels and the note.
ABOVE_PLOT_IN, LEGEND_TO_PLOT_IN, BELOW_PLOT_IN = 0.25, 0.12, 0.12

Arrange = Callable[[RendererBase], None]


def finish(fig: Figure, ax: Axes, ds: Dataset, *, title: str, subtitle: str,
           source_ids: Sequence[str], note: str | None = None, look: Look = DEFAULT_LOOK,
           legend: bool = False, arrange: Arrange | None = None) -> None:
    """Title, subtitle, note and source line, with margins computed from what they need.

    The text blocks are wrapped to the canvas and stacked from the top and the bottom by
    their measured heights; the plot takes the room left between them, less what its own
    tick labels, axis label and annotations measure on each side (`fit_plot`). `legend` puts
    the axes' legend in rows of its own between the subtitle and the plot. `arrange`, if
    given, is called with a renderer each time the plot moves, to place labels that depend
    on the plot's size in pixels (it runs last on the final layout)."""
    width_in, height_in = fig.get_size_inches()
    inch, font, grey = look.inch, look.font, look.theme.grey
    renderer = _renderer(fig)
    left_in = right_in = inch(EDGE_IN)
    text_px = (width_in - left_in - right_in) * fig.dpi
    x = left_in / width_in

    def block(text: str, y_in: float, size: float, va: str, **props: Any) -> float:
        """Place a wrapped block of text; return its height in inches."""
        lines = wrap(fig, text, text_px, fontsize=size, **props)
        t = fig.text(x, y_in / height_in, "\n".join(lines), fontsize=size, ha="left", va=va,
                     linespacing=1.15, **props)
        return float(t.get_window_extent(renderer).height) / fig.dpi

    top = height_in - inch(0.14)
    top -= block(title, top, font(TITLE_PT), "top", fontweight="bold", color=look.theme.ink) + inch(GAP_IN)
    top -= block(subtitle, top, font(SUBTITLE_PT), "top", color=grey)
    handles, labels = ax.get_legend_handles_labels()
    if legend and handles:
        top -= inch(0.15)
        top -= _legend_rows(fig, handles, labels, x, top / height_in, text_px, look, renderer)
        top -= inch(LEGEND_TO_PLOT_IN)
    else:
        top -= inch(ABOVE_PLOT_IN)
    bottom = inch(0.1)
    bottom += block(source_line(ds, source_ids), bottom, font(SOURCE_PT), "bottom", color=grey)
    if note:
        bottom += block(note, bottom + inch(0.04), font(SOURCE_PT), "bottom", color=grey,
                        style="italic") + inch(0.04)
    bottom += inch(BELOW_PLOT_IN)
    fit_plot(fig, ax, Bbox.from_extents(left_in, bottom, width_in - right_in, top), renderer, arrange)


def _renderer(fig: Figure) -> RendererBase:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()  # type: ignore[no-untyped-call,no-any-return]


def _legend_rows(fig: Figure, handles: list[Any], labels: list[Any], x: float, y: float, width_px: float,
                 look: Look, renderer: RendererBase) -> float:
    """The legend in as few rows as fit the text width, top-left at (x, y); its height in inches."""
    leg = None
    for ncol in range(len(handles), 0, -1):
        if leg is not None:
            leg.remove()
        leg = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(x, y), ncol=ncol, borderaxespad=0,
                         borderpad=0, handlelength=1.6, columnspacing=1.2, labelcolor=look.theme.ink)
        if leg.get_window_extent(renderer).width <= width_px:
            break
    assert leg is not None
    return float(leg.get_window_extent(renderer).height) / fig.dpi


def fit_plot(fig: Figure, ax: Axes, room: Bbox, renderer: RendererBase, arrange: Arrange | None = None) -> None:
    """Place the axes so that it and everything drawn around it (tick labels, axis label,
    annotations outside the plot) fill `room` (in inches): the margins are what the texts
    measure, not numbers per chart. Tick labels change as the plot changes size, so it is
    measured again until it stops moving."""
    width_in, height_in = fig.get_size_inches()
    dpi = fig.dpi
    target = [room.x0 * dpi, room.y0 * dpi, room.x1 * dpi, room.y1 * dpi]
    for lo, hi, whole in ((0, 2, width_in * dpi), (1, 3, height_in * dpi)):  # text taller than the canvas
        if target[hi] - target[lo] < 0.1 * whole:
            middle = min(max((target[lo] + target[hi]) / 2, 0.05 * whole), 0.95 * whole)
            target[lo], target[hi] = middle - 0.05 * whole, middle + 0.05 * whole
    pos = list(target)
    for _ in range(6):
        fig.subplots_adjust(left=pos[0] / dpi / width_in, bottom=pos[1] / dpi / height_in,
                            right=pos[2] / dpi / width_in, top=pos[3] / dpi / height_in)
        if arrange is not None:
            arrange(renderer)
        # The axis decorations and the texts: bars and lines are clipped to the plot.
        tight = ax.get_tightbbox(renderer, bbox_extra_artists=ax.texts)
        if tight is None:
            return
        spill = [max(0.0, pos[0] - tight.x0), max(0.0, pos[1] - tight.y0),
                 max(0.0, tight.x1 - pos[2]), max(0.0, tight.y1 - pos[3])]
        # Texts too wide or tall for the room (a very long name) still leave the plot a fifth
        # of it: the layout check then names the text, where a negative size would be an error.
        for lo, hi in ((0, 2), (1, 3)):
            most = 0.8 * (target[hi] - target[lo])
            if spill[lo] + spill[hi] > most:
                k = most / (spill[lo] + spill[hi])
                spill[lo], spill[hi] = spill[lo] * k, spill[hi] * k
        new = [target[0] + spill[0], target[1] + spill[1], target[2] - spill[2], target[3] - spill[3]]
        if max(abs(a - b) for a, b in zip(new, pos, strict=True)) < 0.25:
            return
        pos = new
    fig.subplots_adjust(left=pos[0] / dpi / width_in, bottom=pos[1] / dpi / height_in,
                        right=pos[2] / dpi / width_in, top=pos[3] / dpi / height_in)
    if arrange is not None:
        arrange(renderer)
