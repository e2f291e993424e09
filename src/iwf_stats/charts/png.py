"""PNG files written straight from matplotlib's Agg buffer: the same pixels as matplotlib's
own PNG writer (Pillow), in a quarter of the time, and a little smaller.

Measured on 48 charts (square 2×, print two-column and web, dark): Pillow took 4.5 s of CPU
for 7.27 MB, and 2.1 s even with compression off (its per-row filtering and copying); this
writer took 1.0 s for 7.07 MB with zlib. A chart is large flat areas of one colour, which
deflate well unfiltered, so the rows go to the compressor as they are: packed by Pillow
from the drawing's RGBA buffer straight into the compressor (`encode_image`), with no copy of
the image between (5.1% fewer instructions for 4 charts in 4 looks, callgrind; encoding the
256 PNGs of every chart, size and theme alone took 2.0–2.6 s of CPU against 2.3–2.9 s with
the two copies, five runs in turns). The rows of an array go to the compressor in the same
pieces, since zlib-ng's output at some levels depends on how its input is split. The
compressor is zlib-ng (pinned in requirements.lock), at level 2: on the 256 PNGs of every chart in every
size and theme (1.44 GB of rows) it took 0.92 s of CPU for 30.9 MB, where zlib at level 3
took 3.33 s for 33.1 MB (level 1: 3.17 s, 34.8 MB). A chart drawn on an opaque background is
stored as RGB (its alpha would be 255 everywhere); any transparency keeps RGBA. The file holds
what Pillow writes for matplotlib once the varying metadata is removed: the header, the
resolution (pHYs, so a 300 dpi print file says so) and the pixels. Its compressed stream is
zlib-ng's own: the same pixels give the same file with the same zlib-ng build on the same
platform (the pinned wheel), but its maintainers do not promise the same bytes across
versions or platforms, so a PNG made on another kind of machine may differ in its bytes,
never in its pixels (the tests decode them).

`halve` makes a 1× image from the pixels of the 2× one (each 2×2 block averaged, rounded half
up), so that a screen size, which has both, is drawn once, not twice: drawing is most of a
PNG's cost, and averaging the 2× pixels is a few milliseconds. It is the supersampled image
of the same drawing, where drawing at 1× would snap lines to the coarser grid; at 1× the two
differ by a fraction of a pixel in edges and text weight.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL.Image import _getencoder
from zlib_ng import zlib_ng

#: zlib-ng's level: 2 writes smaller files than zlib at 3 or Pillow's default, in a quarter of the time.
LEVEL = 2
FORMAT = "iwfrgba"  # the savefig format name of the drawing below

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def flatten(rgba: np.ndarray) -> np.ndarray:
    """An (h, w, 4) uint8 image as (h, w, 3) RGB if it is opaque (`_opaque`), else unchanged.
    Pillow packs the RGBA pixels as RGB bytes in one pass, several times faster than numpy's
    strided copy (and than converting the image and reading it back, which copies twice)."""
    from PIL import Image

    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    if not _opaque(rgba):
        return rgba
    height, width, _ = rgba.shape
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    return _array(image.tobytes("raw", "RGB"), height, width)


def _opaque(rgba: np.ndarray) -> bool:
    """Whether a contiguous (h, w, 4) uint8 image's alpha, the highest byte of each
    little-endian pixel word, is 255 everywhere."""
    return int(rgba.view("<u4").min()) >= 0xFF000000


def _array(rgb: bytes, height: int, width: int) -> np.ndarray:
    """RGB bytes as an (h, w, 3) array, without a copy (read-only, as the bytes are)."""
    return np.frombuffer(rgb, np.uint8).reshape(height, width, 3)


def encode(pixels: np.ndarray, dpi: float, level: int = LEVEL) -> bytes:
    """A PNG of an (height, width, 3 or 4) uint8 array: RGB, or RGBA stored as RGB when fully
    opaque."""
    if pixels.shape[2] == 4:
        rgba = np.ascontiguousarray(pixels, dtype=np.uint8)
        return encode_image(_image(rgba, "RGBX" if _opaque(rgba) else "RGBA"), dpi, level)
    height, width, channels = pixels.shape
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    rows[:, 1:] = pixels.reshape(height, width * channels)
    # In the pieces `encode_image` hands the compressor: zlib-ng's output at some levels
    # depends on how its input is split, and the same pixels must give the same file.
    data, stride = rows.data.cast("B"), 1 + width * channels
    step = _lines_per_piece(stride) * stride
    return _png(width, height, channels, [data[:1], *(data[i:i + step] for i in range(1, len(data), step))],
                dpi, level)


def encode_image(image: Any, dpi: float, level: int = LEVEL) -> bytes:
    """A PNG of a Pillow image in RGBX (stored as RGB) or RGBA, its rows packed by Pillow
    straight into the compressor: each packed row is followed by a zero byte (Pillow pads a
    row to the stride it is given), which, moved to the front, is PNG's "no filter" byte for
    the row after it. No copy of the image is made, where `encode`'s rows of an array are one."""
    channels = 3 if image.mode == "RGBX" else 4
    if image.mode not in ("RGBX", "RGBA"):
        raise ValueError(f"cannot store a {image.mode} image")
    width, height = image.size
    stride = width * channels + 1
    packer = _getencoder(image.mode, "raw", ("RGB" if channels == 3 else "RGBA", stride))
    packer.setimage(image.im, (0, 0, width, height))
    chunks: list[Any] = [b"\0"]
    try:
        done = 0
        while not done:
            _, done, data = packer.encode(_lines_per_piece(stride) * stride)  # whole rows each time
            if done < 0:
                raise RuntimeError(f"Pillow could not pack the image (error {done})")
            chunks.append(data)
    finally:
        packer.cleanup()
    chunks[-1] = memoryview(chunks[-1])[:-1]  # the last row's padding: its filter byte went first
    return _png(width, height, channels, chunks, dpi, level)


def _lines_per_piece(stride: int) -> int:
    """How many rows Pillow packs at a time (into a buffer of 64 KiB, or of one row if longer)."""
    return max(65536, stride) // stride


def _png(width: int, height: int, channels: int, rows: list[Any], dpi: float, level: int) -> bytes:
    """The PNG file of rows already filtered (each led by its filter byte), in pieces."""
    deflate = zlib_ng.compressobj(level)
    data = b"".join([*(deflate.compress(piece) for piece in rows), deflate.flush()])
    ppm = int(dpi / 0.0254 + 0.5)  # pixels per metre, rounded as Pillow rounds them
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return b"".join((_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)),
                     _chunk(b"IDAT", data), _chunk(b"IEND", b"")))


def _image(rgba: np.ndarray, mode: str) -> Any:
    """A contiguous (h, w, 4) uint8 array as a Pillow image in `mode` (RGBA or RGBX), sharing
    its memory."""
    from PIL import Image

    height, width, _ = rgba.shape
    return Image.frombuffer(mode, (width, height), rgba, "raw", mode, 0, 1)


def halve(pixels: np.ndarray) -> np.ndarray:
    """An (h, w, 3 or 4) uint8 image at half the size (h and w even), each pixel the average
    of a 2×2 block, rounded half up: integers only, so the same pixels give the same bytes
    anywhere. RGB is reduced by Pillow (a box filter that rounds the same way, ten times faster
    than numpy); in RGBA, colours are averaged weighted by their alpha (what compositing the
    block would give), so a transparent pixel's colour, which Agg leaves arbitrary, does not
    bleed into its neighbours."""
    from PIL import Image

    height, width, channels = pixels.shape
    if height % 2 or width % 2:
        raise ValueError(f"cannot halve an image of {width}×{height} pixels")
    if channels == 3:
        half = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8), "RGB").reduce(2)
        return _array(half.tobytes(), height // 2, width // 2)
    corners = [pixels[i::2, j::2].astype(np.uint32) for i in (0, 1) for j in (0, 1)]
    alpha = sum((c[..., 3:] for c in corners), np.zeros((height // 2, width // 2, 1), np.uint32))
    colour = sum((c[..., :3] * c[..., 3:] for c in corners), np.zeros((height // 2, width // 2, 3), np.uint32))
    out = np.empty((height // 2, width // 2, 4), np.uint8)
    out[..., :3] = (colour + alpha // 2) // np.maximum(alpha, 1)  # 0 where all four are transparent
    out[..., 3:] = (alpha + 2) >> 2
    return out


def screen_pair(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A screen size's 2× and 1× images from its one drawing at 2× (h, w, 4): `flatten` of it
    and `halve` of that, exactly. Opaque, both come from one view of the pixels as RGBX (no
    copy), which Pillow both packs as RGB and reduces: the RGB copy `halve` would otherwise
    make first is skipped (measured: 12 ms instead of 23 ms for a 2160×1920 drawing)."""
    views = _screen_views(rgba)
    if views is None:
        double = flatten(rgba)
        return double, halve(double)
    (height, width), (image, reduced) = rgba.shape[:2], views
    return (_array(image.tobytes("raw", "RGB"), height, width),
            _array(reduced.tobytes("raw", "RGB"), height // 2, width // 2))


def screen_pngs(rgba: np.ndarray, dpi: float) -> tuple[bytes, bytes]:
    """A screen size's 2× and 1× PNG files from its drawing at 2× (h, w, 4), at 2 × `dpi` and
    `dpi`: the same bytes as `encode` of `screen_pair`'s images, but from one view of the
    pixels as RGBX and its reduction, packed straight into the compressor."""
    views = _screen_views(rgba)
    if views is None:
        double = flatten(rgba)
        return encode(double, 2 * dpi), encode(halve(double), dpi)
    image, reduced = views
    return encode_image(image, 2 * dpi), encode_image(reduced, dpi)


def _screen_views(rgba: np.ndarray) -> tuple[Any, Any] | None:
    """An even-sized, opaque drawing as a Pillow RGBX image sharing its pixels, and that image
    halved (`reduce`, which rounds as `halve` does); None for any other drawing."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width, _ = rgba.shape
    if height % 2 or width % 2 or not _opaque(rgba):
        return None
    image = _image(rgba, "RGBX")
    return image, image.reduce(2)


class _Canvas(FigureCanvasAgg):
    """Agg, with one more savefig format: the figure is drawn exactly as for "png" (same
    canvas, same draw, same savefig handling of dpi and colours), and its pixels handed to
    the `_Pixels` it is saved to, for `encode` rather than Pillow to write."""

    def print_iwfrgba(self, filename_or_obj: Any, **_savefig: Any) -> None:
        # savefig also passes dpi, facecolor, edgecolor, orientation and bbox_inches_restore,
        # which it has already applied to the figure (matplotlib drops them for print_png).
        # Drawn first: savefig's "tight" bounding box draws once into a throwaway file to
        # measure the figure (that draw stops itself), and only the real save must be a _Pixels.
        FigureCanvasAgg.draw(self)  # type: ignore[no-untyped-call]
        if not isinstance(filename_or_obj, _Pixels):
            raise TypeError("the iwfrgba format is saved into a _Pixels, by `pixels`")
        # The renderer's own buffer, not a copy: this canvas draws once (`pixels`).
        filename_or_obj.drawn = np.asarray(self.buffer_rgba())  # type: ignore[no-untyped-call]


class _Pixels:
    """Where `_Canvas` leaves a drawing's pixels (savefig wants somewhere to save to)."""

    drawn: np.ndarray | None = None


def pixels(fig: Figure, dpi: float) -> np.ndarray:
    """The figure drawn at `dpi` by Agg, as an (h, w, 4) uint8 RGBA array (`encode` stores it
    as RGB where it is opaque), through savefig like any other format (call it inside the
    look's rc context, as for the others). Each call draws on a canvas of its own, whose
    buffer the array is: no later drawing can change it."""
    original = fig.canvas
    _Canvas(fig)  # attaches itself to the figure
    sink = _Pixels()
    try:
        fig.savefig(sink, format=FORMAT, dpi=dpi)  # type: ignore[arg-type]
    finally:
        fig.set_canvas(original)  # a live figure keeps its own (interactive) canvas
    assert sink.drawn is not None
    return sink.drawn


def png(fig: Figure, dpi: float) -> bytes:
    """The figure as PNG bytes at `dpi` (call it inside the look's rc context)."""
    return encode(pixels(fig, dpi), dpi)
