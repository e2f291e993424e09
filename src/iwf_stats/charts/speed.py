"""Process-local speed-ups for drawing many charts at once, each giving exactly the files
matplotlib gives without it (the tests compare them byte for byte).

matplotlib (pinned in requirements.lock) spends most of a chart's time on text: measuring
it, laying it out, shaping it and drawing each glyph. Six of its habits cost far more than
they need to when a thousand files are made in one run:

- **Every figure measures its text afresh.** Sizes are cached per renderer, and every
  figure, and every format it is saved in, has renderers of its own. `shared_text_metrics`
  keeps the sizes for the whole run, keyed by everything a size depends on (PDF and SVG
  included: they measure through a MixedModeRenderer, which passes the call on to theirs).
- **Every text is laid out again whenever it is asked where it is.** `layoutcache`
  keeps each layout for the run, keyed likewise, and an axis label with no text is not
  placed (placing it measures every tick label again).
- **Every glyph is rendered again each time it is drawn.** `glyphcache` keeps Agg's glyph
  bitmaps (and each string's shape) for the run, keyed by all a bitmap depends on, down to
  the 64th of a pixel of its position; `vectorcache` keeps the shapes and glyph outlines
  PDF and SVG files draw their text with.
- **Every text asks for its font files afresh.** `shared_font_lookups` keeps the files found
  for each font's properties, keyed by the rc settings matplotlib's own search reads (0.7%
  fewer instructions for 4 charts in 4 looks).
- **Fonts are read from disk one glyph at a time.** FreeType reads the font file through
  a Python file object, so every glyph it loads is a seek and a read on the file: over a
  million system calls for the square size alone. `fonts_in_memory` hands FreeType the same
  bytes from memory instead (the font's file name, which the PDF backend uses, is unchanged).

All are undone when the block ends, and none changes anything outside it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from .glyphcache import shared_glyphs
from .layoutcache import empty_axis_labels_left, plain_kind, rc_key, shared_text_layouts
from .patching import patched
from .vectorcache import shared_vector_glyphs

#: The function of matplotlib.text through which every text size is measured.
_METRICS = "_get_text_metrics_with_cache"
#: The function of matplotlib.font_manager that creates (and caches) every font.
_GET_FONT = "_get_font"
_FONT_FILES = (".ttf", ".otf", ".ttc")


class _MemoryFile(io.BytesIO):
    """A font file's bytes, with the `name` a file opened from `path` has."""

    def __init__(self, data: bytes, path: str) -> None:
        super().__init__(data)
        self.name = path


@contextmanager
def fast_rendering() -> Iterator[None]:
    """The speed-ups, for the length of the block."""
    with ExitStack() as stack:
        stack.enter_context(shared_text_metrics())
        stack.enter_context(shared_text_layouts())
        stack.enter_context(empty_axis_labels_left())
        stack.enter_context(shared_glyphs())
        stack.enter_context(shared_vector_glyphs())
        stack.enter_context(fonts_in_memory())
        stack.enter_context(shared_font_lookups())
        yield


@contextmanager
def shared_text_metrics() -> Iterator[None]:
    """Within the block, text sizes measured for one figure serve every figure.

    A measurement depends only on the kind of renderer, its resolution, the string, the font
    properties and the rc settings that choose the font and its hinting, so that is the key;
    mathematical and TeX text, and renderers other than Agg, PDF and SVG, are measured as
    before."""
    import matplotlib.text as mtext

    original = getattr(mtext, _METRICS)
    if getattr(original, "run_wide", False):  # already inside such a block
        yield
        return
    cache: dict[tuple[Any, ...], tuple[float, float, float]] = {}
    known: dict[type, bool] = {}

    def metrics(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> tuple[float, float, float]:
        kind = plain_kind(renderer, known)
        if ismath or kind is None:
            return original(renderer, text, fontprop, ismath, dpi)  # type: ignore[no-any-return]
        key = (kind, getattr(renderer, "dpi", None), dpi, text, fontprop.copy(), *rc_key())
        found = cache.get(key)
        if found is None:
            found = cache[key] = original(renderer, text, fontprop, ismath, dpi)
        return found

    metrics.run_wide = True  # type: ignore[attr-defined]
    with patched((mtext, _METRICS, metrics)):
        yield


#: The rc settings matplotlib's `findfont` reads (it keys its own cache on them).
_FINDFONT_RC = tuple(f"font.{k}" for k in ("family", "style", "variant", "weight", "stretch", "size", "serif",
                                           "sans-serif", "cursive", "fantasy", "monospace"))
_FIND_FONTS = "_find_fonts_by_props"


@contextmanager
def shared_font_lookups() -> Iterator[None]:
    """Within the block, the font files found for font properties are found once.

    Every text measured, laid out, shaped or drawn asks matplotlib's font manager for its
    font files (`FontManager._find_fonts_by_props`): for each family, a copy of the
    properties, the rc settings read, the environment read and matplotlib's own cache asked.
    The answer depends on the properties, the arguments, those rc settings (`findfont` keys
    its cache on them) and the fonts the manager knows: the first three are the key, and
    what is kept is dropped when a font is added (`addfont`, which clears matplotlib's own
    cache too). The environment variable MPL_IGNORE_SYSTEM_FONTS is read once, when the
    block starts. A search that fails raises as before and is not kept. A family that is not
    found is warned about at its first search only."""
    import os

    import matplotlib
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    manager = font_manager.fontManager
    if getattr(vars(manager).get(_FIND_FONTS), "run_wide", False):
        yield
        return
    original: Any = manager._find_fonts_by_props
    original_add: Any = manager.addfont
    found: dict[tuple[Any, ...], list[Any]] = {}
    ignoring_system = os.getenv("MPL_IGNORE_SYSTEM_FONTS")
    rc_value = dict.__getitem__  # the stored value, as findfont reads it, without RcParams' checks

    def add_font(path: Any) -> None:
        found.clear()  # as matplotlib clears its own search's cache
        original_add(path)

    def find_fonts(prop: Any, fontext: str = "ttf", directory: Any = None, fallback_to_default: bool = True,
                   rebuild_if_missing: bool = True) -> list[Any]:
        if type(prop) is not FontProperties:
            return original(prop, fontext, directory, fallback_to_default, rebuild_if_missing)  # type: ignore[no-any-return]
        rc: Any = matplotlib.rcParams
        key = (*prop.__dict__.items(), fontext, directory, fallback_to_default, rebuild_if_missing,
               ignoring_system, *(tuple(v) if isinstance(v := rc_value(rc, k), list) else v for k in _FINDFONT_RC))
        paths = found.get(key)
        if paths is None:
            paths = found[key] = original(prop, fontext, directory, fallback_to_default, rebuild_if_missing)
        return list(paths)

    find_fonts.run_wide = True  # type: ignore[attr-defined]
    with patched((manager, _FIND_FONTS, find_fonts), (manager, "addfont", add_font)):
        yield


@contextmanager
def fonts_in_memory() -> Iterator[None]:
    """Within the block, fonts matplotlib loads read their file from memory, not from disk.

    matplotlib's FT2Font opens its file with `io.open(path, "rb")` and FreeType reads glyphs
    through that object; while a font is being created, that call returns the file's bytes
    as an in-memory file instead. The path given to FT2Font, and so `font.fname`, is the
    same. Fonts created before the block (cached by matplotlib) are dropped from its cache,
    so that the block's fonts are the fast ones; the cache is per process in any case."""
    from matplotlib import font_manager

    original = getattr(font_manager, _GET_FONT)
    if getattr(original, "in_memory", False):
        yield
        return
    files: dict[str, bytes] = {}
    real_open = io.open

    def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "rb" and not args and not kwargs and isinstance(file, str | Path) \
                and str(file).lower().endswith(_FONT_FILES):
            path = str(file)
            if path not in files:
                with real_open(path, "rb") as f:
                    files[path] = f.read()
            return _MemoryFile(files[path], path)
        return real_open(file, mode, *args, **kwargs)

    def get_font(*args: Any, **kwargs: Any) -> Any:
        io.open = opener
        try:
            return original(*args, **kwargs)
        finally:
            io.open = real_open

    get_font.in_memory = True  # type: ignore[attr-defined]
    get_font.cache_clear = original.cache_clear  # type: ignore[attr-defined]
    original.cache_clear()
    try:
        with patched((font_manager, _GET_FONT, get_font)):
            yield
    finally:
        original.cache_clear()  # the in-memory fonts go with the block
