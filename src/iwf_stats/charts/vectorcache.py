"""Text in PDF and SVG files from shapes and glyph outlines kept for the run: the last of
`speed`'s speed-ups, and like the others it changes no byte (the tests compare the files).

Both vector formats draw text as glyphs (PDF as Type 3 fonts, SVG as paths). For every
string, each file shapes it again (`_text_helpers.layout`: raqm, then FreeType loading each
glyph), and at its end a PDF converts the outline of every glyph it used into PDF operators
(`_get_pdf_charprocs`): a thousand files shape the same few hundred strings and convert the
same hundred glyphs over and over.

- A string's shape depends on the font (the font object, which holds its fallback fonts:
  keyed by its file alone, a string another fallback list draws would take the first list's
  glyphs), its size, the string, its features and language, and the kerning setting. The key
  holds the font, so its identity is never another's. The PDF renderer and SVG's
  text-to-path each set the font's size just before shaping (`RendererPdf._get_font_ttf`,
  `TextToPath._get_font`, each called right before the shaping in matplotlib's `draw_text`
  and `_draw_text_as_path`, nothing between); the size they set is noted there, for the next
  shaping only, and that shaping is kept if its font is the font just sized. Any other
  shaping (of a font sized by other code, or a second shaping without sizing again) is done
  as before.
- A glyph's PDF operators depend only on the font file and the glyph (they are read in font
  units, unscaled); SVG's glyph outlines on the font file and the glyph at text-to-path's one
  fixed size.
- A PDF's Type 3 font lists the advance of each character code it spans, loading each glyph
  again for each file, and writes each glyph's procedure and the font's character map as
  streams of their own, each compressed by a new compressor: the advances are kept per font
  file, and such a stream's bytes per data and compression level (`_pdf_fonts`: 1.0% and
  2.5% fewer instructions for 4 charts in 4 looks).
- Every number a PDF holds goes through `pdfRepr`, which first asks it for a PDF form of its
  own and checks a float with numpy; plain floats and ints take a shorter way to the same
  bytes (`_pdf_numbers`: 0.45% fewer instructions for 4 charts in 4 looks).
- In an SVG, a plain string is a group (its colour, position and size) around a reference
  to each glyph, and each glyph is defined once per file. The XML of the references depends
  only on the string's shape, and of a definition only on the glyph's outline, both written
  with the indentation of their depth in the file's tree: each is written once per depth by
  matplotlib's own XML writer, then copied (4.1% fewer instructions for 4 charts in 4
  looks, callgrind). The group around them is matplotlib's code, copied as it is; mathtext
  is drawn by matplotlib as before.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from .layoutcache import rc_key
from .patching import patched

#: What is replaced (by name, as in `speed`): in matplotlib's PDF backend, the function that
#: converts glyph outlines, its reference to `_text_helpers` and the renderer's method that
#: sizes the font; in its text-to-path, the methods that size the font and shape a string.
_CHARPROCS, _HELPERS, _PDF_FONT = "_get_pdf_charprocs", "_text_helpers", "_get_font_ttf"
_GLYPHS, _PATH_FONT = "get_glyphs_with_font", "_get_font"
#: In its PDF file, the methods that embed a font and write a stream whole.
_EMBED, _STREAM = "embedTTF", "outputStream"
#: In its SVG renderer, the method that draws text as glyph outlines.
_SVG_DRAW = "_draw_text_as_path"


@contextmanager
def shared_vector_glyphs() -> Iterator[None]:
    """Both, for the length of the block."""
    with ExitStack() as stack:
        stack.enter_context(_pdf_text())
        stack.enter_context(_pdf_fonts())
        stack.enter_context(_pdf_numbers())
        stack.enter_context(_svg_text())
        yield


@contextmanager
def _pdf_text() -> Iterator[None]:
    from matplotlib import _text_helpers
    from matplotlib.backends import backend_pdf
    from matplotlib.backends.backend_pdf import RendererPdf

    original_procs = getattr(backend_pdf, _CHARPROCS)
    if getattr(original_procs, "run_wide", False):
        yield
        return
    original_font: Any = getattr(RendererPdf, _PDF_FONT)
    procs: dict[tuple[str, int, int], tuple[str, bytes]] = {}
    shapes: dict[tuple[Any, ...], list[Any]] = {}
    sized: list[Any] = [None, None]  # the font the renderer just sized, and the size

    def get_font_ttf(self: Any, prop: Any) -> Any:
        font = original_font(self, prop)
        sized[:] = [font, prop.get_size_in_points()]
        return font

    def layout(string: str, font: Any, *, features: Any = None, language: Any = None) -> Any:
        if sized[0] is not font:
            return _text_helpers.layout(string, font, features=features, language=language)
        key = (font, sized[1], string, features, language, *rc_key())  # the font with its fallbacks
        sized[:] = [None, None]
        found = shapes.get(key)
        if found is None:
            # The PDF renderer reads each item's font, character, glyph, position and kerning;
            # not the glyph FreeType has loaded, so the items alone are kept.
            found = shapes[key] = list(_text_helpers.layout(string, font, features=features, language=language))
        return iter(found)

    def charprocs(font_path: Any, glyph_indices: Any) -> dict[str, bytes]:
        face = getattr(font_path, "face_index", 0)
        out: dict[str, bytes] = {}
        for glyph in glyph_indices:
            key = (str(font_path), face, glyph)
            if key not in procs:
                ((name, stream),) = original_procs(font_path, [glyph]).items()
                procs[key] = (name, stream)
            name, stream = procs[key]
            out[name] = stream
        return out

    class TextHelpers:
        """matplotlib's `_text_helpers` as the PDF backend sees it: `layout` kept."""

        def __getattr__(self, name: str) -> Any:
            return getattr(_text_helpers, name)

    helpers = TextHelpers()
    helpers.layout = layout  # type: ignore[attr-defined]
    charprocs.run_wide = True  # type: ignore[attr-defined]
    with patched((backend_pdf, _CHARPROCS, charprocs), (backend_pdf, _HELPERS, helpers),
                 (RendererPdf, _PDF_FONT, get_font_ttf)):  # the renderer inherits it: removed again after
        yield


@contextmanager
def _pdf_fonts() -> Iterator[None]:
    """A Type 3 font's widths and a PDF's small streams, each worked out once for the run.

    - Each file's font lists the advance of every character code from its first to its
      last, loading each glyph unscaled (`embedTTFType3`'s `get_char_width`): the advance of
      a glyph of a font file is kept, and the font `embedTTF` reads is that font with its
      unscaled, unhinted loads answered from what is kept (`_Advances`).
    - Every glyph's procedure, and each font's character map, is a stream of its own
      (`PdfFile.outputStream`), compressed by a new zlib compressor each time: a stream with
      no extra entries is written as matplotlib's `Stream` writes it (header, length, filter,
      compressed data), its bytes after the object number kept by its data and the level."""
    import zlib

    import matplotlib
    from matplotlib.backends import backend_pdf
    from matplotlib.backends.backend_pdf import PdfFile

    pdf: Any = backend_pdf  # its helpers, untyped
    original_embed = PdfFile.__dict__[_EMBED]
    if getattr(original_embed, "run_wide", False):
        yield
        return
    original_stream = PdfFile.__dict__[_STREAM]
    original_get_font = pdf.get_font
    advances: dict[Any, dict[Any, Any]] = {}
    streams: dict[tuple[bytes, int], bytes] = {}

    def embed_ttf(self: Any, filename: Any, subset_index: int, charmap: Any) -> Any:
        if matplotlib.rcParams["pdf.fonttype"] != 3:
            return original_embed(self, filename, subset_index, charmap)
        font = _Advances(original_get_font(filename), advances.setdefault(filename, {}))
        with patched((backend_pdf, "get_font", lambda path, *a, **k: font if path == filename and not a and not k
                      else original_get_font(path, *a, **k))):
            return original_embed(self, filename, subset_index, charmap)

    def output_stream(self: Any, ref: Any, data: bytes, *, extra: Any = None) -> None:
        level = matplotlib.rcParams["pdf.compression"]
        if extra is not None or not level or not isinstance(data, bytes):
            return original_stream(self, ref, data, extra=extra)  # type: ignore[no-any-return]
        assert self.currentstream is None
        tail = streams.get((data, level))
        if tail is None:
            if len(streams) > 50_000:
                streams.clear()
            deflate = zlib.compressobj(level)
            contents = deflate.compress(data) + deflate.flush()
            tail = streams[(data, level)] = b"".join((
                pdf.pdfRepr({"Length": len(contents), "Filter": pdf.Name("FlateDecode")}), b"\nstream\n", contents,
                b"\nendstream\nendobj\n"))
        self.recordXref(ref.id)
        self.fh.write(b"%d 0 obj\n" % ref.id)
        self.fh.write(tail)
        return None

    embed_ttf.run_wide = True  # type: ignore[attr-defined]
    with patched((PdfFile, _EMBED, embed_ttf), (PdfFile, _STREAM, output_stream)):
        yield


@contextmanager
def _pdf_numbers() -> Iterator[None]:
    """Numbers written into a PDF by a shorter way to the same bytes. matplotlib's `pdfRepr`
    asks each object whether it has a PDF form of its own (an attribute lookup that fails
    for a number) and checks that a float is finite with numpy; most of what it writes are
    plain floats and ints, here written at once as it writes them (a float to ten decimals
    with trailing zeros and point removed, an int in decimal). Anything else, numpy's
    numbers and bools included, goes to matplotlib's."""
    import math

    from matplotlib.backends import backend_pdf

    pdf: Any = backend_pdf
    original = pdf.pdfRepr
    if getattr(original, "run_wide", False):
        yield
        return

    def pdf_repr(obj: Any) -> Any:
        kind = type(obj)
        if kind is float:
            if not math.isfinite(obj):
                return original(obj)  # which raises, in its words
            return (b"%.10f" % obj).rstrip(b"0").rstrip(b".")
        if kind is int:
            return b"%d" % obj
        return original(obj)

    pdf_repr.run_wide = True  # type: ignore[attr-defined]
    with patched((backend_pdf, "pdfRepr", pdf_repr)):
        yield


class _Advances:
    """A font whose unscaled, unhinted glyph loads (which PDF widths are read from) are
    answered from `kept`, a glyph loaded once per font file; every other use is the font's."""

    def __init__(self, font: Any, kept: dict[Any, Any]) -> None:
        from matplotlib.ft2font import LoadFlags

        self._font, self._kept, self._flags = font, kept, LoadFlags.NO_SCALE | LoadFlags.NO_HINTING

    def load_glyph(self, glyph: int, flags: Any = None) -> Any:
        if flags is None:
            return self._font.load_glyph(glyph)
        if flags != self._flags:
            return self._font.load_glyph(glyph, flags)
        found = self._kept.get(glyph)
        if found is None:
            found = self._kept[glyph] = self._font.load_glyph(glyph, flags)  # a copy of the glyph's metrics
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)


@contextmanager
def _svg_text() -> Iterator[None]:
    from collections import OrderedDict

    from matplotlib import _text_helpers
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.colors import rgb2hex
    from matplotlib.textpath import TextToPath

    svg = _svg_backend()
    original_glyphs = TextToPath.__dict__[_GLYPHS]
    if getattr(original_glyphs, "run_wide", False):
        yield
        return
    original_font = TextToPath.__dict__[_PATH_FONT]
    original_draw = RendererSVG.__dict__[_SVG_DRAW]
    shapes: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    outlines: dict[tuple[Any, ...], Any] = {}
    written: dict[tuple[Any, ...], str] = {}  # the XML of a glyph's <path> or a string's <use>s, by depth
    sized: list[Any] = [None]

    def get_font(self: Any, prop: Any) -> Any:
        font = original_font(self, prop)
        sized[0] = font
        return font

    def shaped(t2p: Any, font: Any, s: str, features: Any, language: Any) -> tuple[tuple[Any, ...], list[Any]]:
        """The string's glyphs (repr, x, y, outline key) in a font text-to-path has just sized."""
        key = (font, s, features, language, *rc_key())  # the font with its fallbacks
        shape = shapes.get(key)
        if shape is None:
            shape = []
            for item in _text_helpers.layout(s, font, features=features, language=language):
                glyph_repr = t2p._get_glyph_repr(item.ft_object, item.glyph_index)
                outline = (item.ft_object.fname, item.ft_object.face_index, glyph_repr)
                if outline not in outlines:
                    outlines[outline] = item.ft_object.get_path()  # the glyph layout just loaded
                shape.append((glyph_repr, item.x, item.y, outline))
            shapes[key] = shape
        return key, shape

    def get_glyphs_with_font(self: Any, font: Any, s: str, glyph_map: Any = None,
                             return_new_glyphs_only: bool = False, *, features: Any = None,
                             language: Any = None) -> Any:
        if sized[0] is not font:
            return original_glyphs(self, font, s, glyph_map, return_new_glyphs_only, features=features,
                                   language=language)
        sized[0] = None
        _, shape = shaped(self, font, s, features, language)
        if glyph_map is None:
            glyph_map = OrderedDict()
        glyph_map_new = OrderedDict() if return_new_glyphs_only else glyph_map
        for glyph_repr, _x, _y, outline in shape:
            if glyph_repr not in glyph_map:
                glyph_map_new[glyph_repr] = outlines[outline]
        return [(r, x, y, 1.0) for r, x, y, _ in shape], glyph_map_new, []

    def draw_text_as_path(self: Any, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                          ismath: Any, mtext: Any = None) -> None:
        """matplotlib's `RendererSVG._draw_text_as_path` for plain text (its first half copied
        as it is, down to the shaping), with the XML of each glyph's definition and of each
        string's glyph references written once per depth in the file's tree and then copied."""
        if ismath:
            return original_draw(self, gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-any-return]
        writer = self.writer
        writer.comment(s)
        text2path = self._text2path
        color = rgb2hex(gc.get_rgb())
        fontsize = prop.get_size_in_points()
        if mtext is not None:
            features = mtext.get_fontfeatures()
            language = mtext.get_language()
        else:
            features = language = None
        style = {}
        if color != "#000000":
            style["fill"] = color
        alpha = gc.get_alpha() if gc.get_forced_alpha() else gc.get_rgb()[3]
        if alpha != 1:
            style["opacity"] = svg._short_float_fmt(alpha)
        font_scale = fontsize / text2path.FONT_SCALE
        writer.start("g", style=svg._generate_css(style), transform=svg._generate_transform([
            ("translate", (x, y)), ("rotate", (-angle,)), ("scale", (font_scale, -font_scale))]))
        font = original_font(text2path, prop)
        key, shape = shaped(text2path, font, s, features, language)
        glyph_map = self._glyph_map
        new = {r: outline for r, _x, _y, outline in shape if r not in glyph_map}
        if new:
            writer.start("defs")
            depth = _depth(writer)
            _write(writer, "".join(
                _cached(written, ("path", outline, depth), depth,
                        lambda w, r=r, outline=outline: _glyph_definition(self, w, r, outlines[outline]))
                for r, outline in new.items()))
            writer.end("defs")
            glyph_map.update((r, outlines[outline]) for r, outline in new.items())
        if shape:
            depth = _depth(writer)
            _write(writer, _cached(written, ("use", key, depth), depth,
                                   lambda w: _glyph_uses(w, [(r, gx, gy) for r, gx, gy, _ in shape])))
        writer.end("g")

    get_glyphs_with_font.run_wide = True  # type: ignore[attr-defined]
    with patched((TextToPath, _GLYPHS, get_glyphs_with_font), (TextToPath, _PATH_FONT, get_font),
                 (RendererSVG, _SVG_DRAW, draw_text_as_path)):
        yield


def _depth(writer: Any) -> int:
    """How many elements are open in an SVG `_XMLWriter` (its indentation for the next)."""
    return len(writer._XMLWriter__tags)


def _write(writer: Any, xml: str) -> None:
    """XML written as the writer's own elements would be: after closing the open start tag."""
    writer._XMLWriter__flush()
    writer._XMLWriter__write(xml)


def _cached(written: dict[tuple[Any, ...], str], key: tuple[Any, ...], depth: int, draw: Any) -> str:
    """The XML `draw` writes with matplotlib's own `_XMLWriter` at `depth`, kept under `key`."""
    found = written.get(key)
    if found is None:
        out = io.StringIO()
        scratch = _svg_backend()._XMLWriter(out)
        for _ in range(depth):
            scratch.start("g")
        scratch._XMLWriter__flush()
        before = out.tell()
        draw(scratch)
        found = written[key] = out.getvalue()[before:]
    return found


def _glyph_definition(renderer: Any, writer: Any, glyph_repr: str, outline: Any) -> None:
    """What matplotlib's `RendererSVG._update_glyph_map_defs` writes for one glyph."""
    from matplotlib.path import Path

    vertices, codes = outline
    path_data = renderer._convert_path(Path(vertices * 64, codes), simplify=False)
    writer.element("path", id=renderer._adjust_glyph_repr(glyph_repr), d=path_data,
                   transform=_svg_backend()._generate_transform([("scale", (1 / 64,))]))


def _glyph_uses(writer: Any, glyphs: list[tuple[str, float, float]]) -> None:
    """What matplotlib's `RendererSVG._draw_text_as_path` writes for a plain string's glyphs."""
    svg = _svg_backend()
    for glyph_repr, x, y in glyphs:
        writer.element("use", transform=svg._generate_transform([("translate", (x, y)), ("scale", (1.0,))]),
                       attrib={"xlink:href": f"#{glyph_repr}"})


def _svg_backend() -> Any:
    """matplotlib's SVG backend module, whose private helpers the copy above calls as it does."""
    from matplotlib.backends import backend_svg

    return backend_svg
