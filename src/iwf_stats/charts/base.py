"""What every chart is made of: the `Chart` record a drawing returns, the options it is
drawn with, and the small drawing helpers the kinds and the bespoke charts share."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.ticker import Formatter, FuncFormatter
from matplotlib.transforms import Bbox

from ..claims import CheckReport
from ..numbers import fmt_count
from ..records import Break, Observation, Series
from .style import DEFAULT_LOOK, SMALL_PT, Look


@dataclass(frozen=True)
class Options:
    """How to draw: the look (size, theme) and, for the charts that show a claim, the claims."""

    look: Look = DEFAULT_LOOK
    report: CheckReport | None = None


@dataclass
class Chart:
    """A drawn chart and everything exported beside it: exactly the rows plotted (CSV), the
    sources (source line, JSON), and alt text generated from the same numbers."""

    name: str
    title: str
    subtitle: str
    figure: Figure
    columns: list[str]
    rows: list[list[object]]
    source_ids: list[str]
    alt: str
    note: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def new_figure(look: Look) -> tuple[Figure, Axes]:
    from .api import HouseFigure

    fig = HouseFigure(figsize=(look.size.width_in, look.size.height_in), dpi=look.size.dpi)
    return fig, fig.add_subplot()


def axis_number(v: float, millions: bool | None = None) -> str:
    """A tick label: '275,000', or '30m' from ten million up, so that the tick labels of
    NCMEC's tens of millions fit the same margin as the IWF's hundreds of thousands.
    `millions` forces one form or the other (an axis writes all its ticks alike)."""
    if millions if millions is not None else abs(v) >= 10_000_000:
        return f"{v / 1_000_000:,.10g}m" if v else "0"
    return fmt_count(int(v)) if v == int(v) else f"{v:,.1f}"


class _Counts(Formatter):
    """Tick labels of counts, all in millions ('5m', '10m') once any tick reaches ten million."""

    ticks: Sequence[float] = ()

    def set_locs(self, locs: Sequence[float]) -> None:
        self.ticks = list(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        millions = max((abs(v) for v in self.ticks), default=abs(x)) >= 10_000_000
        return axis_number(x, millions)


def thousands(ax: Axes, axis: str = "y") -> None:
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(_Counts())


def percent_axis(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))


def pct(v: float | Decimal, places: int = 1, sign: bool = False) -> str:
    return f"{float(v):{'+' if sign else ''},.{places}f}%"


def small(n: int) -> str:
    """House style: whole numbers up to ten in words."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else fmt_count(n)


def lower_first(text: str) -> str:
    """'Webpages actioned' → 'webpages actioned', but 'AI-generated …' stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def value_text(o: Observation, series: Series) -> str:
    """A value as a sentence gives it: '291,273 webpages', '29%'."""
    if series.unit == "percent":
        return f"{o.value}%"
    return f"{fmt_count(o.value)} {series.counts}"


def year_ticks(years: Sequence[int], keep: int | None = None) -> list[int]:
    """Every year, or every other one when there are many, always including `keep` (the
    highlighted or latest year), so the bar a chart talks about has its year under it."""
    if len(years) <= 8:
        return list(years)
    anchor = keep if keep is not None else years[-1]
    return [y for y in years if (y - anchor) % 2 == 0]


def breaks_within(breaks: Sequence[Break], series_ids: Sequence[str], first: int, last: int) -> list[Break]:
    """The breaks that fall inside a span of years: a break in the first year shown splits nothing."""
    return [b for b in breaks if b.series_id in series_ids and first < b.year <= last]


def draw_breaks(ax: Axes, breaks: Sequence[Break], look: Look) -> list[Annotation]:
    """A dashed vertical rule between the last year before a break and the first after it,
    with the break's short label at the top, set off from the rule; returns the labels (see
    `headroom`, which keeps the data below them)."""
    labels = []
    for b in dict.fromkeys((b.year, b.label) for b in breaks):
        year, label = b
        ax.axvline(year - 0.5, color=look.theme.grey, lw=look.pt(1.1), ls=(0, (4, 3)), zorder=1.5)
        # In the right half the label runs leftwards from the rule, so it never leaves the chart.
        left, right = ax.get_xlim()
        on_right = year - 0.5 > (left + right) / 2
        labels.append(ax.annotate(label, (year - 0.5, 1.0), xycoords=ax.get_xaxis_transform(),
                                  xytext=(-look.pt(4) if on_right else look.pt(4), -look.pt(2)),
                                  textcoords="offset points", ha="right" if on_right else "left", va="top",
                                  fontsize=look.font(SMALL_PT), color=look.theme.grey))
    return labels


def keep_inside(ax: Axes, texts: Sequence[Text], renderer: RendererBase, axis: str = "y",
                pad_pt: float = 1.5) -> None:
    """Widen the axes' data limits (along `axis`: "x", "y" or "xy") until every text lies
    inside the plot, `pad_pt` points from its edges: room for labels computed from their extents."""
    pad_px = float(renderer.points_to_pixels(pad_pt))  # type: ignore[arg-type]
    for _ in range(5):
        boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text().strip()]
        if not boxes:
            return
        moved = False
        for name in axis:
            lo_px, hi_px = (ax.bbox.x0, ax.bbox.x1) if name == "x" else (ax.bbox.y0, ax.bbox.y1)
            under = max(0.0, max(lo_px + pad_px - (b.x0 if name == "x" else b.y0) for b in boxes))
            over = max(0.0, max((b.x1 if name == "x" else b.y1) - hi_px + pad_px for b in boxes))
            if under < 0.25 and over < 0.25:
                continue
            lo, hi = ax.get_xlim() if name == "x" else ax.get_ylim()
            per_px = (hi - lo) / max(hi_px - lo_px - under - over, 1.0)
            limits = (lo - under * per_px if under >= 0.25 else lo, hi + over * per_px if over >= 0.25 else hi)
            if name == "x":
                ax.set_xlim(*limits)
            else:
                ax.set_ylim(*limits)
            moved = True
        if not moved:
            return


def headroom(ax: Axes, texts: Sequence[Text], renderer: RendererBase, pad_pt: float = 4.0) -> None:
    """Raise the top of the y axis until the bars and data lines (and their markers) under each
    text pinned to the top of the plot, like a break's label, stay `pad_pt` points below it."""
    pad_px = float(renderer.points_to_pixels(pad_pt))  # type: ignore[arg-type]
    lo, hi = ax.get_ylim()
    to_data = ax.transData.inverted()
    need = hi
    for t in texts:
        box = t.get_window_extent(renderer)
        (x0, _), (x1, _) = to_data.transform([(box.x0 - pad_px, box.y0), (box.x1 + pad_px, box.y0)])
        tallest = _tallest(ax, min(x0, x1), max(x0, x1))
        room = box.y0 - pad_px - ax.bbox.y0  # pixels from the bottom of the plot to under the text
        if tallest is not None and tallest > lo and room > 0:
            need = max(need, lo + (tallest - lo) * ax.bbox.height / room)
    if need > hi:
        ax.set_ylim(lo, need)


def _tallest(ax: Axes, x0: float, x1: float) -> float | None:
    """The highest value drawn between x0 and x1: bar tops, and data lines (with markers)."""
    tops = [p.get_y() + p.get_height() for p in ax.patches if isinstance(p, Rectangle)
            and p.get_x() < x1 and p.get_x() + p.get_width() > x0]
    for line in ax.get_lines():
        if line.get_transform() is not ax.transData:
            continue
        xs, ys = (np.asarray(v, dtype=float) for v in (line.get_xdata(), line.get_ydata()))
        inside = (xs >= x0) & (xs <= x1) & np.isfinite(ys)
        tops += [float(y) for y in ys[inside]]
        for edge in (x0, x1):  # where a segment crosses the text's edges
            for i in range(len(xs) - 1):
                if xs[i] <= edge <= xs[i + 1] and np.isfinite(ys[i]) and np.isfinite(ys[i + 1]) and xs[i + 1] > xs[i]:
                    tops.append(float(ys[i] + (ys[i + 1] - ys[i]) * (edge - xs[i]) / (xs[i + 1] - xs[i])))
    return max(tops) if tops else None


HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]
Spot = tuple[float, float, HAlign, VAlign]


def around(offset_pt: float) -> list[Spot]:
    """Where a point's label may go, in order of preference: its offset from the point, in
    points, and its alignment there: above, below, then the four diagonals, then the sides."""
    d = offset_pt
    return [(0, d, "center", "bottom"), (0, -d, "center", "top"), (-d, d, "right", "bottom"),
            (d, d, "left", "bottom"), (-d, -d, "right", "top"), (d, -d, "left", "top"),
            (d, 0, "left", "center"), (-d, 0, "right", "center")]


def over_bar(ax: Axes, width: float, gap_pt: float, below: bool = False) -> list[Spot]:
    """Where a bar's label may go: centred beyond its end, then starting at the bar's left
    edge, then ending at its right edge (`width`: the bars' width in data units; `below`: a
    bar that points down)."""
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    (x0, _), (x1, _) = ax.transData.transform([(0, 0), (width / 2, 0)])
    half = (x1 - x0) * 72 / fig.dpi
    dy: float = -gap_pt if below else gap_pt
    va: VAlign = "top" if below else "bottom"
    return [(0, dy, "center", va), (-half, dy, "left", va), (half, dy, "right", va)]


def place_labels(ax: Axes, labels: Sequence[Annotation], renderer: RendererBase,
                 spots: Sequence[Spot] | Callable[[Annotation], Sequence[Spot]], *, avoid_bars: bool = False,
                 inside: bool = True, optional: Collection[Annotation] = ()) -> None:
    """Put each label, in turn, at the first of its `spots` where it touches no line, mark,
    text placed before it or (with `avoid_bars`) bar other than its own, and (with `inside`)
    stays inside the plot: measured, so that labels and lines never collide, at any size. A
    label with no free spot keeps its first, unless it is `optional`: then it is left out
    (its figure is still in the chart's data and alt text)."""
    from .layout import Clearance

    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    own = {id(t) for t in labels}
    clear = Clearance(fig, renderer, [t for t in [*fig.texts, *ax.texts] if id(t) not in own])
    bars = [(p, p.get_window_extent(renderer)) for p in ax.patches if isinstance(p, Rectangle)] if avoid_bars else []
    plot = ax.bbox
    margin = 1.5 * fig.dpi / 72  # a point and a half of air around each label
    for label in labels:
        label.set_visible(True)
        x, y = label.xy
        others = [box for p, box in bars if not (p.get_x() <= x <= p.get_x() + p.get_width()
                                                 and min(p.get_y(), p.get_y() + p.get_height()) <= y
                                                 <= max(p.get_y(), p.get_y() + p.get_height()))]
        choices = list(spots(label) if callable(spots) else spots)
        at = _measure_at(label, choices[0], renderer)
        chosen = None
        for spot in choices:
            box = at(spot)
            out = inside and not (box.x0 >= plot.x0 and box.x1 <= plot.x1 and box.y0 >= plot.y0 and box.y1 <= plot.y1)
            if not out and not clear.blocked(box, label, margin) and not any(
                    min(box.x1, o.x1) - max(box.x0, o.x0) > -margin and min(box.y1, o.y1) - max(box.y0, o.y0) > -margin
                    for o in others):
                chosen = spot
                break
        if chosen is None and label in optional:
            label.set_visible(False)
            continue
        dx, dy, ha, va = chosen or choices[0]
        label.xyann = (dx, dy)
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        clear.add(at(chosen or choices[0]))


def _measure_at(label: Annotation, first: Spot, renderer: RendererBase) -> Callable[[Spot], Bbox]:
    """The box `label` would take at any spot, from one measurement: an unrotated text keeps
    its size wherever it is put, so only its corner moves with the offset and alignment."""
    dx, dy, ha, va = first
    label.xyann = (dx, dy)
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    box = label.get_window_extent(renderer)
    w, h = box.width, box.height
    px = float(renderer.points_to_pixels(1.0))  # type: ignore[arg-type]
    # The anchor point in pixels, recovered from the box at the first spot.
    ax_ = box.x0 + {"left": 0.0, "center": w / 2, "right": w}[ha] - dx * px
    ay_ = box.y0 + {"bottom": 0.0, "center": h / 2, "top": h}[va] - dy * px

    def at(spot: Spot) -> Bbox:
        sx, sy, sh, sv = spot
        x0 = ax_ + sx * px - {"left": 0.0, "center": w / 2, "right": w}[sh]
        y0 = ay_ + sy * px - {"bottom": 0.0, "center": h / 2, "top": h}[sv]
        return Bbox.from_bounds(x0, y0, w, h)

    return at


def on_chart(text: str) -> str:
    """A signed figure as set on a chart: a true minus sign (−16%), as on the axes."""
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text


def breaks_note(breaks: Sequence[Break]) -> str:
    """'Dashed line: 2014, proactive searching begins; …' from the breaks' own labels, each
    said once however many of the chart's series share it."""
    said = dict.fromkeys(f"{b.year}, {b.label}" for b in breaks)
    return "Dashed line: " + "; ".join(said) + ": the years either side are not like for like."


def breaks_alt(breaks: Sequence[Break]) -> str:
    said = dict.fromkeys((b.year, lower_first(b.description or b.label).rstrip(".")) for b in breaks)
    return " ".join(f"A dashed line marks a break in the series in {year}: {text}." for year, text in said)


def breaks_json(breaks: Sequence[Break]) -> list[dict[str, object]]:
    return [{"series_id": b.series_id, "year": b.year, "label": b.label, "description": b.description,
             "source_id": b.source_id} for b in breaks]
