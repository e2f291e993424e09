"""A chart's drawing recorded once, by Agg for its PNG, and played back: as its PDF and SVG
(scaled to points, `Scaled`), and in another theme. This is how `export` makes every file of
a chart in one size from one walk of its artists.

Drawing a figure is two kinds of work. matplotlib's artists walk the figure, work out where
every line, bar and glyph goes, and call the renderer (`draw_path`, `draw_text`, …); the
renderer turns those calls into pixels, PDF or SVG. A `Recorder` stands between the figure
and Agg's renderer while the PNG is drawn: it passes every call on (the pixels are the ones
matplotlib draws without it) and keeps the drawing calls, each with a copy of its graphics
context, which artists change and reuse between calls. `Recording.replay` then makes the
same calls on another renderer, without building the chart or walking its artists again.

- **The PDF and SVG** are the calls made on their renderers, every position scaled from the
  PNG's pixels to points (`Scaled`). Where matplotlib's PDF and SVG would place each text by
  their own measurement of it, these place it where Agg measured it, so the house style
  turns text hinting off (`style.Look.rc`) and Agg measures text as they do. The tests hold
  every number in these files to within 0.2 pt of the file matplotlib writes walking the
  figure itself, the structure otherwise the same, for every chart in six sizes and themes
  (the most measured over every chart, size, theme and editability: 0.161 pt, the anchor of a
  right-aligned text). A clip the scaling cannot follow (`Scaled.check_clip`: a clip path, or
  a clip box that is not the recorded box scaled) leaves the file to the walk instead.
- **The second theme** is the calls made on a new renderer of the same kind, every colour of
  the first theme mapped to the second's (`colour_pairs`), and its PDF and SVG those calls
  scaled as well. A theme changes colours and nothing else (`style.Theme`: every length and
  font size comes from the size), so the calls a chart makes in its second theme are the
  calls it made in its first, in other colours. It costs what the renderers alone cost.

A colour that is not one of the first theme's is kept, as a matplotlib default no look sets
would be. The figure's own edge is kept whatever its colour: it is matplotlib's default
white, which the light theme's background also is, and the dark theme does not change it.

What the second theme's guarantee rests on is the tests: they hold every replayed file,
byte for byte, to the files the chart gives when built in that theme and drawn there (its
PNG drawn directly, its PDF and SVG played back from that), for every chart of the catalogue
in every size, light to dark and dark to light (tests/test_replay.py). The chart is built
again in the theme where a replay is known to be unable to follow: a drawing that used a
renderer call that is not recorded (images, meshes, filters, rasterised parts, TeX), themes
whose colours cannot be paired, another size or editability, or a clip the scaling refused.
Two things a chart could do would not be caught here, only by those tests: a colour computed
from a theme colour (a shadow, a lightened shade), which is not mapped, or a literal colour
that happens to equal one, which is; and a clip path whose transform an artist changes in
place while it draws (matplotlib's clipped `DrawingArea`), which a replay in the same units
reads as the last draw left it. The recorder keeps the graphics context's properties,
transforms and what the backends read from a text as they were at each call, but clip paths
and boxes by reference, as the backends compare them by identity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D, Transform

from .patching import patched
from .style import Look, Theme

RGB = tuple[float, float, float]
Pairs = dict[RGB, RGB]

#: Renderer calls that draw (each takes its graphics context first) and that group what is
#: drawn (SVG's <g> elements): recorded. `_UNRECORDED` are calls the recorder does not know
#: how to play back: a drawing that makes one is not replayed.
_DRAWING = frozenset({"draw_path", "draw_markers", "draw_path_collection", "draw_text"})
_GROUPS = frozenset({"open_group", "close_group"})
_UNRECORDED = frozenset({"draw_image", "draw_quad_mesh", "draw_gouraud_triangle", "draw_gouraud_triangles",
                         "draw_tex", "start_rasterizing", "stop_rasterizing", "start_filter", "stop_filter"})
#: The PDF backend's graphics context keeps two more properties than matplotlib's base one.
_PDF_STATE = ("_fillcolor", "_effective_alphas")

Call = tuple[str, tuple[Any, ...], dict[str, Any], bool]  # name, args, kwargs, in the figure's own patch


def colour_pairs(src: Theme, dst: Theme) -> Pairs | None:
    """Each colour of `src` and the colour of `dst` in its place, or None if one colour of
    `src` has two places (then a drawing's colours could not be told apart)."""
    pairs: Pairs = {}
    for a, b in [(src.background, dst.background), (src.ink, dst.ink), (src.grey, dst.grey), (src.grid, dst.grid),
                 (src.main, dst.main), (src.accent, dst.accent), (src.muted, dst.muted),
                 *zip(src.lines, dst.lines, strict=True)]:
        key, value = to_rgba(a)[:3], to_rgba(b)[:3]
        if pairs.setdefault(key, value) != value:
            return None
    return pairs


class Recorder:
    """The renderer a figure draws on while it is recorded: every call goes to the real
    renderer, and the drawing calls are kept, in order."""

    def __init__(self, renderer: Any) -> None:
        self._renderer = renderer
        self.calls: list[Call] = []
        #: The first call made that cannot be played back, if any.
        self.unrecorded: str | None = None
        #: Whether the figure's own patch is drawing (its edge colour is kept).
        self.in_figure_patch = False

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._renderer, name)
        if name in _DRAWING or name in _GROUPS:
            return self._recorded(name, attr)
        if name in _UNRECORDED and self.unrecorded is None:
            self.unrecorded = name
        return attr

    def _recorded(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if name in _DRAWING:
                kept = (_snapshot(args[0]), *(_frozen(a) for a in args[1:]))
                kept_kw = {k: TextAsDrawn(v) if k == "mtext" and v is not None else _frozen(v)
                           for k, v in kwargs.items()}
                entry: Call = (name, kept, kept_kw, self.in_figure_patch)
            else:
                entry = (name, args, dict(kwargs), False)
            result = method(*args, **kwargs)
            # Kept once it has run: a call that raised (and that matplotlib caught, as when it
            # probes whether a renderer takes an argument) was not part of the drawing.
            self.calls.append(entry)
            return result

        return call


def _snapshot(gc: GraphicsContextBase) -> GraphicsContextBase:
    """The graphics context as it is at the call, with its clip box's bounds at the call
    (`clip_at_call`: the box itself is kept by reference)."""
    copy = GraphicsContextBase()
    copy.copy_properties(gc)
    for name in _PDF_STATE:
        if hasattr(gc, name):
            setattr(copy, name, getattr(gc, name))
    box = gc.get_clip_rectangle()
    copy.clip_at_call = None if box is None else tuple(box.bounds)  # type: ignore[attr-defined]
    return copy


class ClipMoved(Exception):
    """A scaled playback (`Scaled`) met a clip it cannot follow: a clip path, or a clip box
    that is not, at the vector file's resolution, the box recorded scaled. The recording is
    then incomplete, and the file is drawn by walking the figure (`export._write_chart`)."""


class TextAsDrawn:
    """What the backends read from the text artist a `draw_text` call passes on (`mtext`), as
    it was at the call. A text's transform is remade each time it is drawn, with the renderer
    of that draw: an annotation placed beside another text measures that text with it. Read
    later, it would be the last draw's (another format's measurements), so it is kept."""

    def __init__(self, text: Any) -> None:
        self._transform: Transform = text.get_transform().frozen()
        self._position = text.get_unitless_position()
        self._rotation_mode = text.get_rotation_mode()
        self._ha, self._va = text.get_horizontalalignment(), text.get_verticalalignment()
        self._features, self._language = text.get_fontfeatures(), text.get_language()

    def get_transform(self) -> Transform:
        return self._transform

    def get_unitless_position(self) -> tuple[float, float]:
        return self._position  # type: ignore[no-any-return]

    def get_rotation_mode(self) -> str:
        return self._rotation_mode  # type: ignore[no-any-return]

    def get_horizontalalignment(self) -> str:
        return self._ha  # type: ignore[no-any-return]

    get_ha = get_horizontalalignment

    def get_verticalalignment(self) -> str:
        return self._va  # type: ignore[no-any-return]

    def get_fontfeatures(self) -> Any:
        return self._features

    def get_language(self) -> Any:
        return self._language


def _frozen(value: Any) -> Any:
    """A transform as it is at the call (some artists change theirs in place afterwards)."""
    return value.frozen() if isinstance(value, Transform) else value


class Recording:
    """The drawings of one figure saved in one look, by the kind of file (`record` around
    each save), to be played back in other looks (`replay`)."""

    def __init__(self, fig: Figure, look: Look) -> None:
        self.fig, self.look = fig, look
        self.calls: dict[str, list[Call]] = {}
        self.complete = True
        #: By kind: whether the renderer recorded counts text's y downwards, and its canvas height.
        self.origin: dict[str, tuple[bool, float]] = {}

    @contextmanager
    def record(self, kind: str) -> Iterator[None]:
        """Within the block, the figure's draw (one savefig) is recorded as `kind`."""
        fig, made = self.fig, []
        draw = type(fig).draw

        def recorded_draw(renderer: Any) -> None:
            rec = Recorder(renderer)
            made.append(rec)
            self.origin[kind] = (renderer.flipy(), renderer.get_canvas_width_height()[1])
            patch_draw = fig.patch.draw

            def figure_patch(r: Any) -> None:
                rec.in_figure_patch = True
                try:
                    patch_draw(r)
                finally:
                    rec.in_figure_patch = False

            with patched((fig.patch, "draw", figure_patch)):
                draw(fig, rec)  # type: ignore[arg-type]  # it stands in for the renderer

        with patched((fig, "draw", recorded_draw)):
            yield
        if len(made) == 1 and made[0].unrecorded is None:
            self.calls[kind] = made[0].calls
        else:  # drawn twice (a tight box measures first) or with a call not played back
            self.complete = False

    def pairs(self, look: Look) -> Pairs | None:
        """The colour pairs that turn this recording into `look`, or None if it cannot be."""
        if not self.complete or not self.calls or \
                (look.size, look.editable) != (self.look.size, self.look.editable):
            return None
        return colour_pairs(self.look.theme, look.theme)

    @contextmanager
    def replay(self, kind: str, pairs: Pairs, scale: float = 1.0) -> Iterator[None]:
        """Within the block, drawing the figure (one savefig) makes the recorded calls of
        `kind` on the renderer, in the colours `pairs` gives, instead of walking the figure;
        scaled by `scale` where the renderer's units are not the recording's (`Scaled`)."""
        calls = self.calls[kind]

        def replayed_draw(renderer: Any) -> None:
            flipy, height = self.origin[kind]
            to = Scaled(scale, flipy, height, renderer) if scale != 1.0 or renderer.flipy() != flipy else None
            for name, args, kwargs, in_figure_patch in calls:
                method = getattr(renderer, name)
                if name in _GROUPS:
                    method(*args, **kwargs)
                    continue
                gc = renderer.new_gc()
                gc.copy_properties(args[0])  # the PDF backend's copies its own state too, if there
                _map_gc(gc, pairs, edge=not in_figure_patch)
                drawn, kw = _mapped_args(name, args[1:], pairs), _mapped_kwargs(kwargs, pairs)
                if to is not None:
                    try:
                        to.check_clip(args[0])
                    except ClipMoved:
                        self.complete = False  # no look is played back from it again
                        raise
                    drawn, kw = to.args(name, drawn), to.kwargs(kw)
                method(gc, *drawn, **kw)
                gc.restore()

        with patched((self.fig, "draw", replayed_draw)):
            yield


class Scaled:
    """A drawing recorded on one renderer, in the units of another: the Agg drawing of a look
    (in pixels, at the PNG's resolution) made again on the PDF and SVG renderers (in points).
    Every position a drawing call carries is in display units and every length in points
    (line widths, dashes, font sizes), so the positions alone are scaled: the transforms by
    composing them with the scale, a text's anchor by multiplying it, and its y turned over
    where one renderer counts text downwards and the other up (SVG and Agg down, PDF up).
    Clip boxes are kept by reference (`Recorder`): the axes' own box follows the figure's
    resolution, so read during the vector save it is already in points. `check_clip` makes
    sure of it for every box, and refuses clip paths (a clipped `DrawingArea` builds its own
    in pixels as it draws), raising `ClipMoved`."""

    def __init__(self, scale: float, flipy: bool, height: float, renderer: Any) -> None:
        self.scale, self.flipy, self.height = scale, flipy, height
        self.to_flipy, self.to_height = renderer.flipy(), renderer.get_canvas_width_height()[1]
        self.affine = Affine2D().scale(scale)
        self._boxes_seen: set[tuple[int, tuple[float, ...]]] = set()

    def check_clip(self, gc: GraphicsContextBase) -> None:
        """Raise `ClipMoved` unless the call's clip is one the playback can follow."""
        if gc.get_clip_path()[0] is not None:
            raise ClipMoved("a clip path")
        box, then = gc.get_clip_rectangle(), getattr(gc, "clip_at_call", None)
        if box is None or then is None or (id(box), then) in self._boxes_seen:
            return
        for now, at_call in zip(box.bounds, then, strict=True):
            if abs(now - at_call * self.scale) > 1e-6 * max(1.0, abs(now)):
                raise ClipMoved(f"a clip box at {tuple(box.bounds)}, recorded at {then}")
        self._boxes_seen.add((id(box), then))

    def args(self, name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
        a, s = list(args), self.affine
        if name == "draw_path":  # path, transform, rgbFace
            a[1] = a[1] + s
        elif name == "draw_markers":  # marker_path, marker_trans, path, trans, rgbFace
            a[1], a[3] = a[1] + s, a[3] + s
        elif name == "draw_path_collection":  # master_transform, paths, all_transforms, offsets, offset_trans, …
            a[0], a[4] = a[0] + s, a[4] + s
        elif name == "draw_text":  # x, y, s, prop, angle
            up = self.height - a[1] if self.flipy else a[1]
            a[0], a[1] = a[0] * self.scale, self.to_height - up * self.scale if self.to_flipy else up * self.scale
        return tuple(a)

    def kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        text = kwargs.get("mtext")
        return kwargs if text is None else {**kwargs, "mtext": _ScaledText(text, self.affine)}


class _ScaledText:
    """A `TextAsDrawn` whose transform ends in the other renderer's units (SVG text kept as
    text places itself from it)."""

    def __init__(self, text: TextAsDrawn, scale: Transform) -> None:
        self._text, self._scale = text, scale

    def get_transform(self) -> Transform:
        return self._text.get_transform() + self._scale

    def __getattr__(self, name: str) -> Any:
        return getattr(self._text, name)


def _map_colour(colour: Any, pairs: Pairs) -> Any:
    """One colour in the new theme, its alpha kept (a fully transparent one too: PDF and SVG
    still write its colour); itself if it is not one of the old theme's, or not a colour."""
    if colour is None:
        return None
    r, g, b, a = to_rgba(colour)
    new = pairs.get((r, g, b))
    return colour if new is None else (*new, a)


def _map_colours(colours: Any, pairs: Pairs) -> Any:
    """An (n, 4) array of colours in the new theme (a collection's faces or edges)."""
    if colours is None or len(colours) == 0:
        return colours
    out = np.array(colours, dtype=float)
    for row in out:
        new = pairs.get((row[0], row[1], row[2]))
        if new is not None:
            row[:3] = new
    return out


def _map_gc(gc: GraphicsContextBase, pairs: Pairs, edge: bool = True) -> None:
    """The context's line, hatch and (PDF) fill colours in the new theme; the line colour kept
    where `edge` is False."""
    if edge:
        gc._rgb = _map_colour(gc._rgb, pairs)  # type: ignore[attr-defined]
    gc._hatch_color = _map_colour(gc._hatch_color, pairs)  # type: ignore[attr-defined]
    if getattr(gc, "_fillcolor", None) is not None:
        gc._fillcolor = _map_colour(gc._fillcolor, pairs)  # type: ignore[attr-defined]


def _mapped_args(name: str, args: tuple[Any, ...], pairs: Pairs) -> tuple[Any, ...]:
    """A drawing call's arguments after its graphics context, with the colours they carry mapped."""
    a = list(args)
    if name == "draw_path" and len(a) > 2:  # path, transform, rgbFace
        a[2] = _map_colour(a[2], pairs)
    elif name == "draw_markers" and len(a) > 4:  # marker_path, marker_trans, path, trans, rgbFace
        a[4] = _map_colour(a[4], pairs)
    elif name == "draw_path_collection":  # master_transform, paths, all_transforms, offsets,
        a[5], a[6] = _map_colours(a[5], pairs), _map_colours(a[6], pairs)  # offset_trans, faces, edges, …
    return tuple(a)


def _mapped_kwargs(kwargs: dict[str, Any], pairs: Pairs) -> dict[str, Any]:
    if "hatchcolors" in kwargs:
        return {**kwargs, "hatchcolors": _map_colours(kwargs["hatchcolors"], pairs)}
    if "rgbFace" in kwargs:
        return {**kwargs, "rgbFace": _map_colour(kwargs["rgbFace"], pairs)}
    return kwargs
