"""A chart drawn in one theme, recoloured into another, in place: what `export` does instead of
drawing a chart a second time for its second theme.

A theme changes colours and nothing else (`style.Theme`: every length and font size comes
from the size), so a chart laid out for the light theme is already laid out for the dark
one: the same wrapped titles, margins and label positions, found by the same measurements.
Building it again costs a third of a look's time (the layout's measuring: `finish.fit_plot`,
`base.place_labels`), to arrive at the same figure in other colours.

`recolour` maps every colour of the figure through the two themes' pairs of colours (the
light theme's ink to the dark theme's, its main colour to the other's main, and so on). A
colour that is not one of the first theme's is kept: it was not chosen by the theme (a
matplotlib default no look sets, such as a hidden legend frame's grey), so drawing in the
other theme gives it too. One default is the same as a theme colour, the figure's edge
(white, as the light background): it is kept. The tests hold the result to the files a chart
drawn directly in the second theme gives, byte for byte, for every chart in every size; a
chart that chose a colour by the theme other than through the theme's own colours would fail
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text

from .style import Theme

RGB = tuple[float, float, float]
Change = Callable[[], None]


def colour_pairs(src: Theme, dst: Theme) -> dict[RGB, RGB] | None:
    """Each colour of `src` and the colour of `dst` in its place, or None if one colour of
    `src` has two places (then a figure's colours could not be told apart)."""
    pairs: dict[RGB, RGB] = {}
    for a, b in [(src.background, dst.background), (src.ink, dst.ink), (src.grey, dst.grey), (src.grid, dst.grid),
                 (src.main, dst.main), (src.accent, dst.accent), (src.muted, dst.muted),
                 *zip(src.lines, dst.lines, strict=True)]:
        key, value = _rgb(a), _rgb(b)
        if pairs.setdefault(key, value) != value:
            return None
    return pairs


def recolour(fig: Figure, src: Theme, dst: Theme) -> bool:
    """Recolour `fig`, drawn in `src`, into `dst`; False (and the figure unchanged) if the
    themes cannot be paired or an axis was told colours for ticks it has not made yet."""
    pairs = colour_pairs(src, dst)
    if pairs is None:
        return False
    changes: list[Change] = []
    for artist in _artists(fig):
        _plan(artist, pairs, changes, edge=artist is not fig.patch)
    for axis in (a for a in _artists(fig) if isinstance(a, Axis)):
        for kw in (axis._major_tick_kw, axis._minor_tick_kw):  # type: ignore[attr-defined]
            if any("color" in k for k in kw):
                return False  # colours given to ticks not yet made: not translated
    for change in changes:
        change()
    return True


def _rgb(colour: Any) -> RGB:
    r, g, b, _ = to_rgba(colour)
    return (r, g, b)


def _artists(fig: Figure) -> Iterator[Artist]:
    """Every artist of the figure, without making any (an axis's ticks as they are, not as
    `get_children` would make them), and the arrows and boxes texts keep outside their children."""
    stack: list[Artist] = [fig]
    seen: set[int] = set()
    while stack:
        artist = stack.pop()
        if id(artist) in seen:
            continue
        seen.add(id(artist))
        yield artist
        if isinstance(artist, Axis):
            children: list[Any] = [artist.label, artist.offsetText, *artist.majorTicks, *artist.minorTicks]
        else:
            children = list(artist.get_children())
        if isinstance(artist, Text):
            children.append(artist.get_bbox_patch())
        if isinstance(artist, Annotation):
            children.append(artist.arrow_patch)
        stack.extend(c for c in reversed(children) if c is not None)


def _map(colour: Any, pairs: dict[RGB, RGB]) -> Any:
    """The colour in the new theme, its alpha kept; itself if it is not one of the old theme's
    or not a colour (None, "none", "auto", "face", fully transparent)."""
    if colour is None or (isinstance(colour, str) and colour.lower() in ("none", "auto", "face", "inherit")):
        return colour
    if _many(colour):
        rows = [tuple(float(v) for v in c) for c in to_rgba_array(colour)]
        mapped = [_map(c, pairs) for c in rows]
        return colour if mapped == rows else np.array(mapped, dtype=float).reshape(-1, 4)
    r, g, b, a = to_rgba(colour)
    new = pairs.get((r, g, b))
    return colour if new is None or a == 0 else (*new, a)


def _many(colour: Any) -> bool:
    """Whether `colour` is a sequence of colours (a collection's), not one colour."""
    if isinstance(colour, np.ndarray):
        return colour.ndim == 2
    return isinstance(colour, list | tuple) and bool(colour) and not isinstance(colour[0], float | int)


def _plan(artist: Artist, pairs: dict[RGB, RGB], changes: list[Change], edge: bool = True) -> None:
    """Add to `changes` what recolours `artist` (a patch's edge only if `edge`)."""
    props: list[tuple[Any, Callable[[Any], None]]] = []
    if isinstance(artist, Text):
        props.append((artist._color, artist.set_color))  # type: ignore[attr-defined]
    elif isinstance(artist, Line2D):
        for name in ("color", "markerfacecolor", "markeredgecolor", "markerfacecoloralt"):
            props.append((getattr(artist, f"_{name}"), getattr(artist, f"set_{name}")))
        if artist.get_gapcolor() is not None:
            props.append((artist.get_gapcolor(), artist.set_gapcolor))
    elif isinstance(artist, Patch):
        props.append((artist._original_facecolor, artist.set_facecolor))  # type: ignore[attr-defined]
        if edge:
            props.append((artist._original_edgecolor, artist.set_edgecolor))  # type: ignore[attr-defined]
        if artist.get_hatch():  # a hatch's colour is drawn only where there is a hatch
            props.append((artist._hatch_color, artist.set_hatchcolor))  # type: ignore[attr-defined]
    elif isinstance(artist, Collection):
        props += [(artist._original_facecolor, artist.set_facecolor),  # type: ignore[attr-defined]
                  (artist._original_edgecolor, artist.set_edgecolor)]  # type: ignore[attr-defined]
    for value, setter in props:
        new = _map(value, pairs)
        if new is not value:
            changes.append(lambda setter=setter, new=new: setter(new))  # type: ignore[misc]
