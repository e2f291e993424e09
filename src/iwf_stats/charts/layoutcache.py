"""Text layouts computed once per run, not once per measurement: the third of `speed`'s
speed-ups, and like the others it changes no byte of any file (the tests compare them).

matplotlib lays a text out (`Text._get_layout`: its lines, their widths, ascents and
descents, the box aligned to its anchor) every time anything asks where the text is: every
draw, in every format, and every `get_window_extent` while a chart is laid out, its tick
labels measured again each time the axis updates its label's position. A chart in one look
asks for the same few hundred layouts tens of times over (42,598 layouts for the 160 looks,
12 s of profiled time: the fonts found again, their tables read again, each line measured).

A layout does not depend on where the text is: it is relative to the text's anchor, which
the caller adds. It depends on the string, the font properties, the rotation and how it is
applied, the alignments, the line spacing, the figure's and the renderer's resolution, the
kind of renderer (the PDF backend has font metrics of its own) and the rc settings that
choose the font and its hinting: that is the key. Wrapped text (laid out against the figure),
TeX and mathematical text, and renderers other than Agg, PDF and SVG are laid out as before.

`empty_axis_labels_left` spares the other half of an axis's measuring: the tick labels
measured again to place an axis label that has no text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.transforms import Bbox

from .patching import patched

#: The renderers whose layouts depend on nothing but the key (by name, as in `speed`).
PLAIN_RENDERERS = {"matplotlib.backends.backend_agg.RendererAgg", "matplotlib.backends.backend_pdf.RendererPdf",
                   "matplotlib.backends.backend_svg.RendererSVG"}
#: rc settings a layout depends on besides the text's own properties: hinting, the PDF's
#: core fonts, and the lists through which a family name such as "sans-serif" is resolved.
RC_KEYS = ("text.hinting", "text.kerning_factor", "pdf.use14corefonts", "font.enable_last_resort",
           "font.family", "font.serif", "font.sans-serif", "font.monospace", "font.cursive", "font.fantasy")


def rc_key() -> tuple[Any, ...]:
    """The current values of `RC_KEYS`, hashable."""
    rc: Any = matplotlib.rcParams
    return tuple(tuple(v) if isinstance(v := rc[k], list) else v for k in RC_KEYS)


def plain_kind(renderer: Any, known: dict[type, bool]) -> type | None:
    """The kind of renderer that really measures (PDF and SVG draw through a MixedModeRenderer
    that passes every call on to theirs, and a recorded drawing through `replay.Recorder`),
    or None if it is not one of `PLAIN_RENDERERS`."""
    kind = type(renderer)
    while kind.__name__ in _PASSING_ON:
        renderer = renderer._renderer
        kind = type(renderer)
    if kind not in known:
        known[kind] = f"{kind.__module__}.{kind.__qualname__}" in PLAIN_RENDERERS
    return kind if known[kind] else None


#: Renderers that pass every call on to the one they hold as `_renderer`.
_PASSING_ON = ("MixedModeRenderer", "Recorder")

Layout = tuple[Any, list[Any], Any]
#: The method of matplotlib's Text that lays a text out.
_LAYOUT = "_get_layout"
#: The method of matplotlib's XAxis and YAxis that places the axis label beyond the tick labels.
_PLACE_LABEL = "_update_label_position"


@contextmanager
def shared_text_layouts() -> Iterator[None]:
    """Within the block, a text's layout computed once serves every text, figure and file
    with the same key (see the module's docstring); undone when the block ends."""
    from matplotlib.text import Text

    original = Text.__dict__[_LAYOUT]
    if getattr(original, "run_wide", False):  # already inside such a block
        yield
        return
    cache: dict[tuple[Any, ...], tuple[Any, list[Any], Any]] = {}
    known: dict[type, bool] = {}

    def _get_layout(self: Text, renderer: Any) -> Layout:
        text: str = self._text  # type: ignore[attr-defined]
        kind = plain_kind(renderer, known)
        if kind is None or self.get_wrap() or self.get_usetex() or (self.get_parse_math() and "$" in text):
            return original(self, renderer)  # type: ignore[no-any-return]
        key = (kind, getattr(renderer, "dpi", None), self.get_figure(root=True).dpi, text,  # type: ignore[union-attr]
               self._fontproperties, self.get_rotation(), self.get_rotation_mode(),  # type: ignore[attr-defined]
               self._horizontalalignment, self._verticalalignment,  # type: ignore[attr-defined]
               self._get_multialignment(), self._linespacing, *rc_key())  # type: ignore[attr-defined]
        found = cache.get(key)
        if found is None:
            box, lines, corner = original(self, renderer)
            found = (box.get_points().copy(), lines, corner)
            # The font properties are mutable and hash by value: the key keeps a copy.
            cache[(*key[:4], self._fontproperties.copy(), *key[5:])] = found  # type: ignore[attr-defined]
        points, lines, corner = found
        # A new box and list each time, as matplotlib returns them: callers may change theirs.
        return Bbox(points.copy()), list(lines), corner

    _get_layout.run_wide = True  # type: ignore[attr-defined]
    with patched((Text, _LAYOUT, _get_layout)):
        yield


@contextmanager
def empty_axis_labels_left() -> Iterator[None]:
    """Within the block, an axis whose label is empty does not place it.

    Placing an axis label (`_update_label_position`, at every draw and every tight box) means
    measuring every tick label of the axis and its siblings, to put the label beyond them;
    the charts' axes have no labels, and an empty label is neither drawn nor counted in a
    tight box, so where it stands changes nothing. A label with text is placed as before."""
    from matplotlib.axis import XAxis, YAxis

    originals = {cls: cls.__dict__[_PLACE_LABEL] for cls in (XAxis, YAxis)}
    if getattr(originals[XAxis], "run_wide", False):
        yield
        return

    def placing(original: Any) -> Any:
        def _update_label_position(self: Any, renderer: Any) -> None:
            if self.label.get_text():
                original(self, renderer)

        _update_label_position.run_wide = True  # type: ignore[attr-defined]
        return _update_label_position

    with patched(*((cls, _PLACE_LABEL, placing(original)) for cls, original in originals.items())):
        yield
