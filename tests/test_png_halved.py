"""A screen size's 1× PNG is its 2× drawing halved (`png.halve`), not a second drawing: the
right size and resolution, exactly the 2× pixels averaged by 2×2 blocks, the same bytes
every time; print sizes are still drawn once at their own dpi."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from iwf_stats import Dataset, load
from iwf_stats.charts import render
from iwf_stats.charts.export import looks
from iwf_stats.charts.png import encode, flatten, halve, screen_pair, screen_pngs

from conftest import DATA


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(DATA)


def reference(pixels: np.ndarray) -> np.ndarray:
    """The halving worked out plainly, block by block, in exact fractions rounded half up."""
    from fractions import Fraction

    h, w, channels = pixels.shape
    out = np.zeros((h // 2, w // 2, channels), np.uint8)
    for y in range(h // 2):
        for x in range(w // 2):
            block = [pixels[2 * y + i, 2 * x + j].astype(int) for i in (0, 1) for j in (0, 1)]
            weights = [int(b[3]) if channels == 4 else 1 for b in block]
            for c in range(3):
                total = sum(weights)
                mean = Fraction(sum(int(b[c]) * wt for b, wt in zip(block, weights, strict=True)), total or 1)
                out[y, x, c] = int(mean + Fraction(1, 2))
            if channels == 4:
                out[y, x, 3] = int(Fraction(sum(weights), 4) + Fraction(1, 2))
    return out


@pytest.mark.parametrize("channels", [3, 4])
def test_halving_averages_each_block_rounding_half_up(channels: int) -> None:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (10, 14, channels), dtype=np.uint8)
    if channels == 4:
        pixels[0:2, 0:2, 3] = 0  # a block with nothing in it
        pixels[2:4, 2:4, 3] = [[0, 255], [255, 0]]  # half covered: the covered pixels' colour
    halved = halve(pixels)
    assert halved.shape == (5, 7, channels) and halved.dtype == np.uint8
    assert np.array_equal(halved, reference(pixels))
    if channels == 4:
        assert list(halved[0, 0]) == [0, 0, 0, 0]
        covered = (pixels[2, 3, :3].astype(int) + pixels[3, 2, :3] + 1) // 2
        assert list(halved[1, 1, :3]) == list(covered)


def test_an_odd_image_is_not_halved() -> None:
    with pytest.raises(ValueError, match="cannot halve"):
        halve(np.zeros((5, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="cannot halve"):
        screen_pair(np.full((5, 4, 4), 255, np.uint8))


@pytest.mark.parametrize("opaque", [True, False])
def test_a_screen_sizes_pair_is_its_drawing_as_rgb_and_that_halved(opaque: bool) -> None:
    """`screen_pair` takes a shortcut for opaque drawings: the same pixels as `flatten`, then
    `halve`, checked against the block averages worked out by hand."""
    rng = np.random.default_rng(11)
    drawn = rng.integers(0, 256, (12, 18, 4), dtype=np.uint8)
    drawn[..., 3] = 255
    if not opaque:
        drawn[4, 6, 3] = 254
    double, single = screen_pair(drawn)
    assert np.array_equal(double, flatten(drawn)) and double.shape[2] == (3 if opaque else 4)
    assert np.array_equal(single, reference(flatten(drawn)))


def test_screen_sizes_1x_png_is_the_2x_halved_and_print_is_drawn_at_its_dpi(ds: Dataset, tmp_path: Path) -> None:
    styles = looks(["web", "square", "print1"], ["light", "dark"])
    runs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        render(ds, out, only=["webpages_actioned", "year_on_year"], formats=["png"], styles=styles, jobs=1)
        runs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert runs[0] == runs[1]  # the same bytes every time
    for lk in styles:
        for name in ("webpages_actioned", "year_on_year"):
            stem = name + lk.suffix
            one = Image.open(io.BytesIO(runs[0][f"{stem}.png"]))
            assert one.mode == "RGB"
            assert one.info["dpi"] == pytest.approx((lk.size.dpi, lk.size.dpi), abs=1e-3)
            if not lk.size.retina:  # Agg drops the print size's fraction of a pixel (826.8 px)
                assert f"{stem}@2x.png" not in runs[0]
                exact = (lk.size.width_in * lk.size.dpi, lk.size.height_in * lk.size.dpi)
                assert all(0 <= want - got < 1 for got, want in zip(one.size, exact, strict=True))
                continue
            assert one.size == lk.size.pixels
            two = Image.open(io.BytesIO(runs[0][f"{stem}@2x.png"]))
            assert two.size == (2 * one.size[0], 2 * one.size[1])
            assert two.info["dpi"] == pytest.approx((2 * lk.size.dpi, 2 * lk.size.dpi), abs=1e-3)
            assert np.array_equal(np.asarray(one), halve(np.asarray(two)))
            assert runs[0][f"{stem}.png"] == encode(halve(np.asarray(two)), lk.size.dpi)


@pytest.mark.parametrize("opaque", [True, False])
def test_a_screen_sizes_files_are_its_pair_encoded(opaque: bool) -> None:
    """`screen_pngs` packs the RGBX view and its reduction straight into the compressor:
    the same bytes as `encode` of `screen_pair`'s arrays (and so of `flatten` and `halve`),
    whose pixels the decoded files hold, for sizes that cross Pillow's 64 KiB packing blocks."""
    rng = np.random.default_rng(5)
    drawn = np.full((160, 300, 4), 255, np.uint8)
    drawn[..., :3] = rng.integers(0, 4, (160, 300, 3)) * 60  # flat runs and edges, as a chart has
    if not opaque:
        drawn[7, 9, 3] = 0
    double, single = screen_pair(drawn)
    files = screen_pngs(drawn, 72)
    assert files == (encode(double, 144), encode(single, 72))
    for data, pixels in zip(files, (double, single), strict=True):
        back = np.asarray(Image.open(io.BytesIO(data)))
        assert np.array_equal(back, pixels) and back.shape[2] == (3 if opaque else 4)
    assert encode(drawn, 72) == encode(flatten(drawn), 72)  # an RGBA array packed as its RGB (or RGBA) rows


@pytest.mark.parametrize("level", [1, 2, 6, 9])
@pytest.mark.parametrize("width", [300, 21_846, 25_000])  # rows in 64 KiB pieces, a row just over, a row well over
def test_an_image_and_its_array_give_the_same_file_at_every_level(level: int, width: int) -> None:
    """zlib-ng's output at some levels depends on how its input is split: the array's rows go
    to the compressor in the pieces Pillow packs the image's, so the same pixels give the same
    file whichever way they come."""
    from iwf_stats.charts.png import _image, encode_image

    rng = np.random.default_rng(width + level)
    drawn = np.full((6, width, 4), 255, np.uint8)
    drawn[..., :3] = rng.integers(0, 4, (6, width, 3)) * 60
    assert encode_image(_image(drawn, "RGBX"), 72, level) == encode(flatten(drawn), 72, level)
