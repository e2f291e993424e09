"""The layout check: what a graphics desk looks for in a finished chart, found by measuring.

`check(fig)` draws the figure with the Agg renderer at its own dpi, inside its look's style
(as the export does), and returns every problem found, each naming the chart, the look and
the text involved (an empty list: nothing found). The rules:

- **overlap**: no two visible texts overlap: titles, subtitle, note, source line, tick labels,
  axis labels, annotations and bar or point labels, legend entries; measured on the boxes
  matplotlib renders them in (a line's full ascent and descent), not on the ink.
- **canvas**: no text leaves the figure.
- **crossed**: no text is crossed by a line: a spine (an axis line), a tick mark, a reference
  rule (`axhline`, `axvline`), a data line, its markers or points, or an annotation's arrow.
  Gridlines are faint guides drawn behind the text and are not counted.
- **size**: no text is under `MIN_TEXT_PX` (9) CSS pixels where the chart is read: a screen
  size (web, social, square) squeezed to a phone's 400 CSS px wide, as the site shows it on a
  phone (so a web chart's text needs 10.37 pt at 100 dpi, a 1,200 px social card's 19.44 pt);
  a print size at its printed size, where a CSS pixel is 1/96 inch (so 6.75 pt, about the
  smallest type newspapers print under charts). See `style.Size.read_px`.
- **contrast**: every text at least 4.5:1 against what lies behind it (the figure or axes
  background, a text box, any bar under it) and every mark that encodes data (bars and other
  patches, data lines and their markers, scatter points) at least 3:1 against the axes
  background, by the WCAG 2 formula (`style.contrast`). Gridlines, spines and rules are not
  marks.

Lengths are in the figure's pixels; two boxes must share more than `TOLERANCE_PX` (half a
pixel) in both directions to count as overlapping.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis, Tick
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from .style import DEFAULT_LOOK, MARK_CONTRAST, MIN_TEXT_PX, TEXT_CONTRAST, Look, contrast

TOLERANCE_PX = 0.5

RGBA = tuple[float, float, float, float]


@dataclass(frozen=True)
class LayoutProblem:
    """One thing wrong with a drawn chart: which chart, in which look, which rule, the texts
    (or marks) involved and what was measured."""

    chart: str
    look: str
    rule: str
    texts: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        what = " and ".join(f"“{t}”" for t in self.texts)
        return f"{self.chart} [{self.look}] {self.rule}: {what}: {self.detail}"


@dataclass(frozen=True)
class _Text:
    artist: Text
    role: str
    box: Bbox
    ax: Axes | None

    @property
    def label(self) -> str:
        text = " / ".join(self.artist.get_text().split("\n"))
        return (text if len(text) <= 60 else text[:57] + "…") + f" ({self.role})"


@dataclass(frozen=True)
class _Obstacle:
    """A line a text must not touch: polylines and boxes (markers, tick marks) in pixels."""

    name: str
    polylines: tuple[np.ndarray, ...]
    boxes: tuple[Bbox, ...]
    half_width: float
    clip: Bbox | None
    owner: Text | None = None  # an annotation's arrow belongs to its own text


def check(fig: Figure, *, chart: str | None = None, look: Look | None = None) -> list[LayoutProblem]:
    """Draw `fig` and return every layout problem in it (see the module's rules). A chart from
    `iwf_stats.chart` knows its name and look; any other figure is checked as `chart` in `look`
    (default: the web size, light)."""
    lk = _look(fig, look)
    name = chart or (fig.chart.name if hasattr(fig, "chart") else "figure")
    renderer, texts, obstacles = _drawn(fig, lk)
    where = f"{lk.size.name}, {lk.theme.name}"
    found: list[tuple[str, tuple[str, ...], str]] = []
    found += _overlaps(texts)
    found += _off_canvas(fig, texts)
    found += _crossings(texts, obstacles)
    found += _too_small(texts, lk)
    found += _text_contrast(fig, texts, renderer)
    found += _mark_contrast(fig)
    return [LayoutProblem(name, where, rule, what, detail) for rule, what, detail in found]


def drawn_texts(fig: Figure, look: Look | None = None) -> list[tuple[Text, str, Bbox]]:
    """Draw `fig` as `check` does and return every text it shows, with its role ('x tick
    label', 'annotation', 'figure text', …) and the box it is drawn in, in pixels."""
    _, texts, _ = _drawn(fig, _look(fig, look))
    return [(t.artist, t.role, t.box) for t in texts]


def _look(fig: Figure, look: Look | None) -> Look:
    found = look or getattr(fig, "look", None) or DEFAULT_LOOK
    assert isinstance(found, Look)
    return found


def _drawn(fig: Figure, lk: Look) -> tuple[RendererBase, list[_Text], list[_Obstacle]]:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    # Tick positions depend on the style in force (the tick label size sets how many fit), so
    # the figure is drawn, and its ticks read, in its look's style, as the export saves it.
    with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
        canvas.draw()  # type: ignore[no-untyped-call]
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        return renderer, list(_texts(fig, renderer)), list(_obstacles(fig, renderer))


# --- what is drawn ---

def _texts(fig: Figure, renderer: RendererBase) -> Iterator[_Text]:
    """Every text the figure draws, with the box it is drawn in."""
    found: list[tuple[Text, str, Axes | None]] = [(t, "figure text", None) for t in fig.texts]
    found += [(t, "legend", None) for leg in fig.legends if leg.get_visible() for t in leg.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for child in ax.get_children():
            if isinstance(child, Annotation):
                found.append((child, "annotation", ax))
            elif isinstance(child, Text):
                found.append((child, "title" if child is ax.title else "text", ax))
            elif isinstance(child, Legend) and child.get_visible():
                found += [(t, "legend", ax) for t in child.get_texts()]
            elif isinstance(child, Axis) and child.get_visible():
                axis = _axis_name(ax, child)
                found += [(child.label, f"{axis} axis label", ax),
                          (child.get_offset_text(), f"{axis} axis offset", ax)]
                found += [(label, f"{axis} tick label", ax) for tick in _drawn_ticks(child)
                          for label in (tick.label1, tick.label2)]
    for t, role, owner in found:
        if t.get_visible() and t.get_text().strip():
            yield _Text(t, role, t.get_window_extent(renderer), owner)


def _axis_name(ax: Axes, axis: Axis) -> str:
    return "x" if axis is ax.xaxis else "y"


def _drawn_ticks(axis: Axis) -> list[Tick]:
    """The ticks matplotlib draws: those inside the view limits (others keep their labels, unshown)."""
    lo, hi = sorted(axis.get_view_interval())
    eps = (hi - lo) * 1e-9
    out = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks),
                        (axis.get_minorticklocs(), axis.get_minor_ticks)):
        out += [tick for tick in ticks(len(locs)) if tick.get_visible() and lo - eps <= tick.get_loc() <= hi + eps]
    return out


def _px(fig: Figure, points: float) -> float:
    return points * fig.dpi / 72


def _obstacles(fig: Figure, renderer: RendererBase) -> Iterator[_Obstacle]:
    """Lines a text must keep clear of: spines, tick marks, rules, data lines and markers,
    scatter points, annotation arrows. Not gridlines."""
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for side, spine in ax.spines.items():
            if spine.get_visible():
                path = spine.get_transform().transform_path(spine.get_path())
                yield _Obstacle(f"the {side} axis line", _polygons(path), (),
                                _px(fig, spine.get_linewidth()) / 2, None)
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            marks = [line.get_window_extent(renderer) for tick in _drawn_ticks(axis)
                     for line in (tick.tick1line, tick.tick2line)
                     if line.get_visible() and line.get_markersize() > 0]
            if marks:
                yield _Obstacle(f"a {_axis_name(ax, axis)} tick mark", (), tuple(marks), 0.0, None)
        clip = ax.bbox
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            data = line.get_transform() is ax.transData
            label = line.get_label()
            name = (f"the line “{label}”" if not str(label).startswith("_") else
                    "a data line" if data else "a rule")
            xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
            drawn = line.get_linestyle() not in ("None", "", " ") and line.get_linewidth() > 0
            polylines = tuple(_runs(xy)) if drawn else ()
            boxes: tuple[Bbox, ...] = ()
            if line.get_marker() not in (None, "None", "", " ") and line.get_markersize() > 0:
                r = _px(fig, line.get_markersize()) / 2
                boxes = tuple(Bbox.from_extents(x - r, y - r, x + r, y + r) for x, y in xy
                              if math.isfinite(x) and math.isfinite(y))
            yield _Obstacle(name, polylines, boxes, _px(fig, line.get_linewidth()) / 2,
                            clip if line.get_clip_on() else None)
        for coll in ax.collections:
            offsets = np.asarray(coll.get_offsets(), dtype=float).reshape(-1, 2)
            if not coll.get_visible() or not len(offsets):
                continue
            offsets = coll.get_offset_transform().transform(offsets)
            sizes = coll.get_sizes() if hasattr(coll, "get_sizes") else np.array([0.0])
            boxes = tuple(Bbox.from_extents(x - r, y - r, x + r, y + r)
                          for (x, y), s in zip(offsets, np.resize(sizes, len(offsets)), strict=True)
                          if (r := _px(fig, math.sqrt(float(s))) / 2) > 0)
            yield _Obstacle("a point", (), boxes, 0.0, clip if coll.get_clip_on() else None)
        for t in ax.texts:
            arrow = t.arrow_patch if isinstance(t, Annotation) else None
            if arrow is not None and arrow.get_visible():
                path = arrow.get_transform().transform_path(arrow.get_path())
                yield _Obstacle("an arrow", _polygons(path), (),
                                _px(fig, arrow.get_linewidth()) / 2, None, t)


def _polygons(path: Path) -> tuple[np.ndarray, ...]:
    """A path's pieces (split where it moves without drawing), each as points in pixels."""
    return tuple(np.asarray(p, dtype=float) for p in path.to_polygons(closed_only=False))


def _runs(xy: np.ndarray) -> Iterator[np.ndarray]:
    """A polyline split where it has no value (NaN), as matplotlib draws it."""
    ok = np.isfinite(xy).all(axis=1)
    start = None
    for i, good in enumerate([*ok, False]):
        if good and start is None:
            start = i
        elif not good and start is not None:
            if i - start >= 2:
                yield xy[start:i]
            start = None


# --- the rules ---

Found = list[tuple[str, tuple[str, ...], str]]


def _shared(a: Bbox, b: Bbox) -> tuple[float, float]:
    return min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)


def _overlaps(texts: Sequence[_Text]) -> Found:
    out: Found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            w, h = _shared(a.box, b.box)
            if w > TOLERANCE_PX and h > TOLERANCE_PX:
                out.append(("overlap", (a.label, b.label), f"their boxes share {w:.1f} × {h:.1f} px"))
    return out


def _off_canvas(fig: Figure, texts: Sequence[_Text]) -> Found:
    canvas = fig.bbox
    out: Found = []
    for t in texts:
        b = t.box
        over = max(canvas.x0 - b.x0, b.x1 - canvas.x1, canvas.y0 - b.y0, b.y1 - canvas.y1)
        if over > TOLERANCE_PX:
            out.append(("canvas", (t.label,), f"leaves the canvas by {over:.1f} px"))
    return out


def _crossings(texts: Sequence[_Text], obstacles: Sequence[_Obstacle]) -> Found:
    return [("crossed", (t.label,), f"crossed by {ob.name}") for t in texts for ob in obstacles
            if ob.owner is not t.artist and _crosses(t.box, ob, -TOLERANCE_PX)]


def _crosses(box: Bbox, ob: _Obstacle, margin: float) -> bool:
    """Whether a line or mark of `ob` passes through `box` grown by `margin` pixels (and by
    half the line's width)."""
    def grown(pad: float) -> Bbox | None:
        out = Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
        return Bbox.intersection(out, ob.clip) if ob.clip is not None else out

    # Each box grown only if the obstacle has marks, or lines, to test it against (most have
    # one or the other): a Bbox costs more than the test.
    if ob.boxes:
        marks = grown(margin)  # markers have their own size
        if marks is not None and any(min(_shared(marks, b)) > 0 for b in ob.boxes):
            return True
    if ob.polylines:
        line = grown(ob.half_width + margin)
        return line is not None and any(_polyline_hits(p, line) for p in ob.polylines)
    return False


class Clearance:
    """What a label being placed must keep clear of, measured once for a placing pass: every
    line and mark the check counts (spines, tick marks, rules, data lines and markers, points,
    arrows), the boxes of `texts`, and, with `patches`, every bar of the axes. The charts place
    their labels with it, so that what they avoid is exactly what the check looks for."""

    def __init__(self, fig: Figure, renderer: RendererBase, texts: Sequence[Text] = (),
                 patches: Sequence[Patch] = ()) -> None:
        self.obstacles = list(_obstacles(fig, renderer))
        self.boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text().strip()]
        self.boxes += [p.get_window_extent(renderer) for p in patches if _face(p) is not None]

    def blocked(self, box: Bbox, owner: Text | None = None, margin: float = 1.0) -> bool:
        """Whether `box` (a text's, grown by `margin` px) touches anything to keep clear of."""
        if any(min(_shared(box, b)) > -margin for b in self.boxes):
            return True
        return any(ob.owner is not owner and _crosses(box, ob, margin) for ob in self.obstacles)

    def add(self, box: Bbox) -> None:
        """Keep clear of a label just placed, too."""
        self.boxes.append(box)


def _polyline_hits(points: np.ndarray, box: Bbox) -> bool:
    return any(_segment_hits(points[i], points[i + 1], box) for i in range(len(points) - 1))


def _segment_hits(p: np.ndarray, q: np.ndarray, box: Bbox) -> bool:
    """Whether the segment p–q passes through the box (Liang–Barsky clipping)."""
    if box.width <= 0 or box.height <= 0:
        return False
    (px, py), (dx, dy) = p, q - p
    t0, t1 = 0.0, 1.0
    for step, room in ((-dx, px - box.x0), (dx, box.x1 - px), (-dy, py - box.y0), (dy, box.y1 - py)):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _too_small(texts: Sequence[_Text], lk: Look) -> Found:
    out: Found = []
    per_inch = lk.size.css_px_per_inch
    where = (f"when {lk.size.pixels[0]} px are shown {lk.size.read_px} CSS px wide" if lk.size.read_px
             else "printed, at 96 CSS px to the inch")
    for t in texts:
        size = float(t.artist.get_fontsize())
        css = size / 72 * per_inch
        if css < MIN_TEXT_PX - 1e-9:
            out.append(("size", (t.label,), f"{size:.2f} pt is {css:.2f} CSS px {where}; "
                                            f"at least {MIN_TEXT_PX} px"))
    return out


def _opaque(colour: RGBA, under: RGBA) -> RGBA:
    """A colour with transparency as it shows over `under`."""
    a = colour[3]
    r, g, b = (a * c + (1 - a) * u for c, u in zip(colour[:3], under[:3], strict=True))
    return (r, g, b, 1.0)


def _face(patch: Patch) -> RGBA | None:
    face = to_rgba(patch.get_facecolor())
    return face if patch.get_visible() and patch.get_fill() and face[3] > 0 else None


def _text_contrast(fig: Figure, texts: Sequence[_Text], renderer: RendererBase) -> Found:
    out: Found = []
    figure_bg = to_rgba(fig.get_facecolor())
    for t in texts:
        behind: list[tuple[str, RGBA]] = []
        boxed = t.artist.get_bbox_patch()
        face = _face(boxed) if boxed is not None else None
        if face is not None:
            behind.append(("its text box", _opaque(face, figure_bg)))
        else:
            inside = None
            for ax in fig.axes:
                w, h = _shared(t.box, ax.bbox)
                if w > TOLERANCE_PX and h > TOLERANCE_PX:
                    ax_bg = _face(ax.patch)
                    if ax_bg is not None:
                        behind.append(("the plot background", _opaque(ax_bg, figure_bg)))
                        if _within(t.box, ax.bbox):
                            inside = ax
                    for i, patch in enumerate(ax.patches):
                        pf = _face(patch)
                        if pf is None:
                            continue
                        w, h = _shared(t.box, patch.get_window_extent(renderer))
                        if w > TOLERANCE_PX and h > TOLERANCE_PX:
                            behind.append((f"a bar or patch ({i + 1})", _opaque(pf, figure_bg)))
            if inside is None:
                behind.append(("the figure background", figure_bg))
        colour = to_rgba(t.artist.get_color())
        for what, bg in behind:
            ratio = contrast(_opaque(colour, bg), bg)
            if ratio < TEXT_CONTRAST:
                out.append(("contrast", (t.label,), f"{to_hex(colour)} on {what} {to_hex(bg)} is "
                                                    f"{ratio:.2f}:1; text needs {TEXT_CONTRAST}:1"))
    return out


def _within(a: Bbox, b: Bbox) -> bool:
    return bool(a.x0 >= b.x0 - TOLERANCE_PX and a.x1 <= b.x1 + TOLERANCE_PX
                and a.y0 >= b.y0 - TOLERANCE_PX and a.y1 <= b.y1 + TOLERANCE_PX)


def _mark_contrast(fig: Figure) -> Found:
    """Marks that encode data against the plot background: patches (bars), data lines and
    their markers, collections (points). Lines placed in axes coordinates (rules) are guides."""
    out: Found = []
    figure_bg = to_rgba(fig.get_facecolor())
    seen: set[tuple[str, str]] = set()
    for ax in fig.axes:
        face = _face(ax.patch)
        bg = _opaque(face, figure_bg) if face is not None else figure_bg
        marks: list[tuple[str, RGBA]] = []
        for patch in ax.patches:
            pf = _face(patch)
            edge = to_rgba(patch.get_edgecolor())
            if pf is not None:
                marks.append(("a bar or patch", pf))
            elif patch.get_visible() and edge[3] > 0 and patch.get_linewidth() > 0:
                marks.append(("a patch's outline", edge))
        for line in ax.get_lines():
            if not line.get_visible() or line.get_transform() is not ax.transData:
                continue
            if line.get_linestyle() not in ("None", "", " ") and line.get_linewidth() > 0:
                marks.append((_line_name(line), to_rgba(line.get_color())))
            if line.get_marker() not in (None, "None", "", " ") and line.get_markersize() > 0:
                mf = to_rgba(line.get_markerfacecolor())
                if mf[3] > 0:
                    marks.append((_line_name(line) + "'s markers", mf))
        for coll in ax.collections:
            if coll.get_visible():
                faces = np.asarray(coll.get_facecolor(), dtype=float).reshape(-1, 4)
                marks += [("a point", (c[0], c[1], c[2], c[3])) for c in faces if c[3] > 0]
        for what, colour in marks:
            ratio = contrast(_opaque(colour, bg), bg)
            key = (what, to_hex(colour))
            if ratio < MARK_CONTRAST and key not in seen:
                seen.add(key)
                out.append(("mark contrast", (f"{what} {to_hex(colour)}",),
                            f"{ratio:.2f}:1 on the plot background {to_hex(bg)}; marks need {MARK_CONTRAST}:1"))
    return out


def _line_name(line: Line2D) -> str:
    label = str(line.get_label())
    return "a data line" if label.startswith("_") else f"the line “{label}”"
