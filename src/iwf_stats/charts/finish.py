"""The one finishing function every chart goes through (after the BBC's `finalise_plot`).

It places the title and subtitle top-left, the note and the source line bottom-left, and
fixes the margins so every chart is a sibling of the others. `sources` is required and
must not be empty: no chart leaves without saying where its numbers come from, and the
source line is built from the publishers' attributions, never typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..dataset import Dataset
from .style import BODY_PT, DEFAULT_LOOK, SOURCE_PT, SUBTITLE_PT, TITLE_PT, Look


def source_line(ds: Dataset, source_ids: Sequence[str]) -> str:
    """'Source: IWF; UK Parliament' from the sources used, publishers in order of first use."""
    if not source_ids:
        raise ValueError("a chart needs at least one source")
    names = dict.fromkeys(ds.attribution(s) for s in source_ids)
    label = "Source" if len(names) == 1 else "Sources"
    return f"{label}: {'; '.join(names)}"


def wrap(fig: Figure, text: str, width_px: float, **props: Any) -> list[str]:
    """Greedy word wrap by the rendered width of the text, not by a character count, so a
    title in bold and a note in italics both end exactly at the margin."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    probe = fig.text(0, 0, "", **props)
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        probe.set_text(trial)
        if current and probe.get_window_extent(renderer).width > width_px:
            lines.append(current)
            current = word
        else:
            current = trial
    probe.remove()
    return [*lines, current] if current else lines


def finish(fig: Figure, ax: Axes, ds: Dataset, *, title: str, subtitle: str,
           source_ids: Sequence[str], note: str | None = None, axes_left_in: float = 0.75,
           look: Look = DEFAULT_LOOK, legend: bool = False) -> None:
    """Title, subtitle, note and source line, with margins computed from what they need.
    `axes_left_in` is the room, in inches at the web size, the chart's own tick labels need on
    the left; every length is scaled to the look's size. `legend` puts the axes' legend in a
    row of its own between the subtitle and the plot."""
    width_in, height_in = fig.get_size_inches()
    inch, pt, grey = look.inch, look.pt, look.theme.grey
    left_in, right_in = inch(0.18), inch(0.18)
    text_px = (width_in - left_in - right_in) * fig.dpi
    line_in = 1 / 72
    x = left_in / width_in

    def block(text: str, y_in: float, size: float, va: str, **props: Any) -> float:
        lines = wrap(fig, text, text_px, fontsize=size, **props)
        fig.text(x, y_in / height_in, "\n".join(lines), fontsize=size, ha="left", va=va,
                 linespacing=1.15, **props)
        return len(lines) * size * 1.2 * line_in

    top = height_in - inch(0.14)
    top -= block(title, top, pt(TITLE_PT), "top", fontweight="bold", color=look.theme.ink) + inch(0.05)
    top -= block(subtitle, top, pt(SUBTITLE_PT), "top", color=grey) + inch(0.25)
    if legend and ax.get_legend_handles_labels()[0]:
        fig.legend(*ax.get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(x, top / height_in),
                   ncol=len(ax.get_legend_handles_labels()[0]), borderaxespad=0, borderpad=0,
                   handlelength=1.6, columnspacing=1.2, labelcolor=look.theme.ink)
        top -= pt(BODY_PT) * 1.5 * line_in + inch(0.15)
    bottom = inch(0.1)
    bottom += block(source_line(ds, source_ids), bottom, pt(SOURCE_PT), "bottom", color=grey)
    if note:
        bottom += block(note, bottom + inch(0.04), pt(SOURCE_PT), "bottom", color=grey,
                        style="italic") + inch(0.04)
    bottom += inch(0.5)  # room for the x tick labels
    fig.subplots_adjust(left=inch(axes_left_in) / width_in, right=1 - inch(0.3) / width_in,
                        top=top / height_in, bottom=bottom / height_in)
