"""Text drawn by Agg from glyphs rendered once per run: the fourth of `speed`'s speed-ups, and
like the others it changes no pixel (the tests compare the files byte for byte).

Agg draws a string (`RendererAgg.draw_text`, matplotlib 3.11) by shaping it, then for each
glyph setting the font's size and a transform that carries the glyph's position, having
FreeType render it, and blending the bitmap into the image: about a fifth of all the time a
PNG takes, and the same work again for every text the next theme or size repeats.

A glyph's bitmap depends on the font, its size, the resolution, the hinting, the rotation
and only the fraction of a pixel (in FreeType's 64ths) of its position: moving a glyph by
whole pixels moves its bitmap by as many, the pixels unchanged. So the bitmaps are kept,
keyed by exactly that, with their offset from the whole-pixel position; and a string's shape
(its glyphs and their positions, which depend on the font properties, the size and the
resolution) is kept as well. Mathematical text is drawn as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .layoutcache import rc_key
from .patching import patched

#: The method of matplotlib's Agg renderer that draws a string.
_DRAW_TEXT = "draw_text"


@contextmanager
def shared_glyphs() -> Iterator[None]:
    """Within the block, Agg draws text from shapes and glyph bitmaps kept for the run."""
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
    from matplotlib.ft2font import RenderMode

    original = RendererAgg.__dict__[_DRAW_TEXT]
    if getattr(original, "run_wide", False):  # already inside such a block
        yield
        return
    shapes: dict[tuple[Any, ...], list[Any]] = {}
    bitmaps: dict[tuple[Any, ...], tuple[np.ndarray, int, int]] = {}

    def draw_text(self: Any, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                  ismath: Any = False, mtext: Any = None) -> None:
        if ismath:
            return original(self, gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-any-return]
        flags = get_hinting_flag()  # type: ignore[no-untyped-call]
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, prop, self.dpi, flags, features, language, *rc_key())
        items = shapes.get(key)
        if items is None:
            font = self._prepare_font(prop)
            # Each glyph's font (and its file and face, for the bitmap's key), index and offset.
            items = [(item.ft_object, (item.ft_object.fname, item.ft_object.face_index), item.glyph_index, item.x,
                      item.y) for item in font._layout(s, flags=flags, features=features, language=language)]
            shapes[(s, prop.copy(), *key[2:])] = items
        size = prop.get_size_in_points()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        # As matplotlib computes it for each glyph (a string is never slanted or stretched).
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[1, 0], [0, 1]]).round().astype(int)
        turn = tuple(matrix.flat)
        antialiased = gc.get_antialiased()
        height = self.height
        bottom = int(height)
        same = (size, self.dpi, turn, flags, antialiased)  # what every glyph's bitmap of this text shares
        draw_image = self._renderer.draw_text_image
        for font, face, index, dx, dy in items:
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))
            glyph = (face, same, index, px & 63, py & 63)
            found = bitmaps.get(glyph)
            if found is None:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, [px, py])
                bitmap = font._render_glyph(index, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer)
                if not antialiased:
                    buffer *= 0xff
                # draw_text_image's y is downwards and the bitmap's bottom side.
                found = bitmaps[glyph] = (buffer, bitmap.left - (px >> 6), buffer.shape[0] - (bitmap.top - (py >> 6)))
            buffer, left, drop = found
            draw_image(buffer, left + (px >> 6), bottom - (py >> 6) + drop, 0, gc)
        return None

    draw_text.run_wide = True  # type: ignore[attr-defined]
    with patched((RendererAgg, _DRAW_TEXT, draw_text)):
        yield
