"""A chart's second theme is its first theme's drawing played back in other colours
(`charts/replay.py`): every file the same, byte for byte, as the chart built and drawn
directly in that theme, for every chart, both ways round; where a drawing cannot be played
back the chart is built again. A look's PDF and SVG are its PNG's drawing played back in
points, within a fifth of a point of the files matplotlib writes walking the figure."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backend_bases import GraphicsContextBase

from iwf_stats import Dataset, chart, load
from iwf_stats.charts import export as export_module
from iwf_stats.charts import render
from iwf_stats.charts.api import chart_names
from iwf_stats.charts.export import _image, _write_chart, looks
from iwf_stats.charts.png import png
from iwf_stats.charts.replay import Pairs, Recording, _map_colours, _map_gc, _mapped_args, _mapped_kwargs, colour_pairs
from iwf_stats.charts.speed import fast_rendering
from iwf_stats.charts.style import THEMES, Look, look
from iwf_stats.claims import CheckReport, check, load_ledger

from conftest import DATA


@pytest.fixture(scope="module")
def ctx() -> tuple[Dataset, CheckReport]:
    ds = load(DATA)
    return ds, check(ds, load_ledger(ds))


def written(fig: export_module.HouseFigure, lk: Look, ds: Dataset, folder: Path,
            recording: Recording | None = None, pairs: Pairs | None = None) -> dict[str, bytes]:
    folder.mkdir()
    with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
        names = _write_chart(fig, lk, ds, folder, export_module.FORMATS, recording, pairs)
    return {n: (folder / n).read_bytes() for n in names}


@pytest.mark.parametrize(("size", "first", "second", "editable"),
                         [("web", "light", "dark", False), ("social", "light", "dark", False),
                          ("square", "dark", "light", False), ("print1", "dark", "light", False),
                          ("print2", "light", "dark", False), ("social", "light", "dark", True)])
def test_every_chart_replayed_is_the_chart_drawn_in_that_theme(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, size: str, first: str, second: str, editable: bool) -> None:
    ds, report = ctx
    a, b = look(size, first, editable), look(size, second, editable)
    kw = {"size": size, "report": report, "editable": editable}
    with fast_rendering():
        for name in chart_names(ds):
            direct = written(chart(name, ds, theme=second, **kw), b, ds, tmp_path / f"{name}-b")  # type: ignore[arg-type]
            fig = chart(name, ds, theme=first, **kw)  # type: ignore[arg-type]
            with matplotlib.rc_context(a.rc()):  # type: ignore[arg-type]
                plain = png(fig, a.size.dpi * (2 if a.size.retina else 1))
            recording = Recording(fig, a)
            recorded = written(fig, a, ds, tmp_path / f"{name}-recorded", recording)
            stem = name + a.suffix
            assert recorded[f"{stem}@2x.png" if a.size.retina else f"{stem}.png"] == plain, \
                f"{name}: recording changed the first theme's pixels"
            assert recording.complete and set(recording.calls) == {"png"}
            pairs = recording.pairs(b)
            assert pairs is not None
            again = written(fig, b, ds, tmp_path / f"{name}-replayed", recording, pairs)
            assert again.keys() == direct.keys()
            assert [f for f in direct if again[f] != direct[f]] == [], name


#: How far, in points, a number in a PDF or SVG played back from the PNG's drawing may be from
#: the one matplotlib writes walking the figure itself: the texts' anchors, placed by Agg's
#: measurements at the PNG's resolution rather than the vector renderer's (measured on every
#: chart, size, theme and editability: at most 0.161 pt).
TOLERANCE_PT = 0.2
_NUMBER = re.compile(rb"-?\d+(?:\.\d*)?(?:e-?\d+)?")
#: SVG ids made from a hash of what they name (clip paths, markers, hatches): a clip box a
#: hundredth of a point apart gets another id.
_HASHED_ID = re.compile(rb"\b([pmh])[0-9a-f]{10}\b")


def _vector_text(data: bytes) -> bytes:
    """A PDF or SVG as text to compare: a PDF's streams decompressed, and what follows from
    the lengths of its numbers (stream lengths, the cross-reference table) left out."""
    import zlib

    if not data.startswith(b"%PDF"):
        return _HASHED_ID.sub(rb"\1ID", data)
    def inflated(m: re.Match[bytes]) -> bytes:
        return b"stream\n" + zlib.decompress(m.group(1)) + b"\nendstream"
    text = re.sub(rb"stream\n(.*?)\nendstream", inflated, data, flags=re.S)
    text = re.sub(rb"/Length \d+ 0 R|\d+ 0 obj\n\d+\nendobj\n", b"", text)
    return text[:text.rindex(b"\nxref\n")]


def vector_gap(ours: bytes, theirs: bytes) -> float:
    """The largest difference between two vector files' numbers, or infinity if anything
    but a number differs."""
    a, b = _vector_text(ours), _vector_text(theirs)
    if _NUMBER.split(a) != _NUMBER.split(b):
        return float("inf")
    return max((abs(float(x) - float(y)) for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True)),
               default=0.0)


@pytest.mark.parametrize(("size", "theme", "editable"),
                         [("web", "light", False), ("social", "light", False), ("square", "dark", False),
                          ("print2", "light", False),
                          ("social", "dark", True), ("print1", "light", True)])
def test_vector_files_played_back_from_the_png_are_matplotlibs_own_within_a_fifth_of_a_point(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, size: str, theme: str, editable: bool) -> None:
    ds, report = ctx
    lk = look(size, theme, editable)
    with fast_rendering():
        for name in chart_names(ds):
            ours = written(chart(name, ds, size=size, theme=theme, report=report, editable=editable),
                           lk, ds, tmp_path / name)
            fig = chart(name, ds, size=size, theme=theme, report=report, editable=editable)
            with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
                for fmt in ("pdf", "svg"):
                    theirs = _image(fig.chart, fmt, lk.size.dpi)
                    gap = vector_gap(ours[f"{name}{lk.suffix}.{fmt}"], theirs)
                    assert gap <= TOLERANCE_PT, f"{name} {fmt}: {gap} pt from matplotlib's own"


def test_a_vector_file_played_back_at_the_wrong_scale_is_caught(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A playback scaled as if the PNG were drawn at 1% more than its resolution: the clip
    check refuses it (the axes' box is not the recorded box scaled), and each file is walked,
    exactly matplotlib's own; with that check out of the way, the comparison above fails."""
    from iwf_stats.charts.replay import Scaled

    ds, report = ctx
    lk = look("web", "light")
    monkeypatch.setattr(export_module, "VECTOR_DPI", export_module.VECTOR_DPI * 1.01)
    refused = written(chart("hosting", ds, size="web", report=report), lk, ds, tmp_path / "refused")
    monkeypatch.setattr(Scaled, "check_clip", lambda self, gc: None)
    ours = written(chart("hosting", ds, size="web", report=report), lk, ds, tmp_path / "off")
    fig = chart("hosting", ds, size="web", report=report)
    with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
        for fmt in ("pdf", "svg"):
            theirs = _image(fig.chart, fmt, lk.size.dpi)
            assert refused[f"hosting.{fmt}"] == theirs
            assert vector_gap(ours[f"hosting.{fmt}"], theirs) > 1.0
    assert vector_gap(b"<svg>1 2</svg>", b"<svg>1 2</svg>") == 0.0
    assert vector_gap(b"<svg>1 2</svg>", b"<svg>1 2.3</svg>") == pytest.approx(0.3)
    assert vector_gap(b"<svg>1 2</svg>", b"<svg>1 <g/>2</svg>") == float("inf")


def test_the_render_plays_the_second_theme_back_and_builds_each_chart_once_per_size(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    original = export_module.chart

    def counting(name: str, *args: object, **kwargs: object) -> export_module.HouseFigure:
        built.append(str(kwargs["theme"]))
        return original(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "chart", counting)
    render(ctx[0], tmp_path / "out", only=["hosting"], report=ctx[1], styles=looks(["web"], ["light", "dark"]))
    assert built == ["light"]


def test_themes_whose_colours_cannot_be_paired_are_not_replayed(ctx: tuple[Dataset, CheckReport]) -> None:
    light, dark = THEMES["light"], THEMES["dark"]
    clash = replace(light, grid=light.grey)  # one light colour with two dark ones
    assert colour_pairs(clash, dark) is None
    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    recording = Recording(fig, replace(look("web", "light"), theme=clash))
    assert recording.pairs(look("web", "dark")) is None


def recorded_svg(fig: export_module.HouseFigure, lk: Look) -> Recording:
    import io

    recording = Recording(fig, lk)
    with matplotlib.rc_context(lk.rc()), recording.record("svg"):  # type: ignore[arg-type]
        fig.savefig(io.BytesIO(), format="svg")
    return recording


def test_a_size_or_editability_apart_is_not_replayed(ctx: tuple[Dataset, CheckReport]) -> None:
    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    assert Recording(fig, look("web", "light")).pairs(look("web", "dark")) is None  # nothing recorded yet
    recording = recorded_svg(fig, look("web", "light"))
    assert recording.pairs(look("web", "dark")) is not None
    assert recording.pairs(look("social", "dark")) is None
    assert recording.pairs(look("web", "dark", editable=True)) is None


def test_a_drawing_with_a_call_that_is_not_recorded_is_built_again_in_the_theme(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An image (a call the recorder does not play back) in a chart: the second theme is
    built and drawn, and its files are those of the chart drawn directly in it."""
    original = export_module.chart
    built: list[str] = []

    def with_image(name: str, *args: object, **kwargs: object) -> export_module.HouseFigure:
        built.append(str(kwargs["theme"]))
        fig = original(name, *args, **kwargs)  # type: ignore[arg-type]
        fig.figimage(np.zeros((4, 4, 3)), xo=1, yo=1)
        return fig

    monkeypatch.setattr(export_module, "chart", with_image)
    styles = looks(["web"], ["light", "dark"])
    render(ctx[0], tmp_path / "both", only=["hosting"], report=ctx[1], styles=styles)
    assert built == ["light", "dark"]
    built.clear()
    render(ctx[0], tmp_path / "dark", only=["hosting"], report=ctx[1], styles=looks(["web"], ["dark"]))
    dark = sorted(p.name for p in (tmp_path / "dark").iterdir() if p.name != "manifest.json")
    assert dark and all((tmp_path / "both" / f).read_bytes() == (tmp_path / "dark" / f).read_bytes() for f in dark)


def with_clipped_box(original: object, built: list[str]) -> object:
    """`export.chart`, with a clipped DrawingArea on every chart: it clips by a path it builds
    in pixels as it draws, which a playback scaled to points cannot follow."""
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea
    from matplotlib.patches import Circle

    def chart_with_box(name: str, *args: object, **kwargs: object) -> export_module.HouseFigure:
        built.append(str(kwargs["theme"]))
        fig = original(name, *args, **kwargs)  # type: ignore[operator]
        area = DrawingArea(40, 20, 0, 0, clip=True)
        area.add_artist(Circle((20, 10), 25, fc="C1"))
        fig.add_artist(AnchoredOffsetbox("center", child=area, frameon=False, bbox_to_anchor=(0.5, 0.5),
                                         bbox_transform=fig.transFigure))
        return fig  # type: ignore[no-any-return]

    return chart_with_box


def test_a_clip_the_scaled_playback_cannot_follow_leaves_the_vector_files_to_matplotlib(
        ctx: tuple[Dataset, CheckReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF and SVG are then drawn by walking the figure, exactly the files matplotlib
    writes, and the next theme is built afresh rather than played back."""
    built: list[str] = []
    make = with_clipped_box(export_module.chart, built)
    monkeypatch.setattr(export_module, "chart", make)
    render(ctx[0], tmp_path / "out", only=["hosting"], report=ctx[1], styles=looks(["web"], ["light", "dark"]))
    assert built == ["light", "dark"]
    for theme in ("light", "dark"):
        lk = look("web", theme)
        fig = make("hosting", ctx[0], size="web", theme=theme, report=ctx[1])  # type: ignore[operator]
        with matplotlib.rc_context(lk.rc()):  # type: ignore[arg-type]
            for fmt in ("pdf", "svg"):
                assert (tmp_path / "out" / f"hosting{lk.suffix}.{fmt}").read_bytes() == \
                    _image(fig.chart, fmt, lk.size.dpi), (theme, fmt)


def test_a_clip_box_is_followed_only_where_it_is_the_box_recorded_scaled() -> None:
    from matplotlib.transforms import Bbox

    from iwf_stats.charts.replay import ClipMoved, Scaled, _snapshot

    class Canvas:
        def flipy(self) -> bool:
            return False

        def get_canvas_width_height(self) -> tuple[float, float]:
            return 100.0, 100.0

    gc = GraphicsContextBase()
    box = Bbox.from_bounds(10, 20, 100, 50)
    gc.set_clip_rectangle(box)
    kept = _snapshot(gc)
    with pytest.raises(ClipMoved, match="clip box"):  # still in the recording's pixels
        Scaled(0.5, True, 200.0, Canvas()).check_clip(kept)
    box.set_points(box.get_points() * 0.5)  # the box as the vector file's resolution has it
    Scaled(0.5, True, 200.0, Canvas()).check_clip(kept)
    gc.set_clip_path(None)
    from matplotlib.path import Path as MplPath
    from matplotlib.transforms import IdentityTransform, TransformedPath

    gc.set_clip_path(TransformedPath(MplPath.unit_rectangle(), IdentityTransform()))
    with pytest.raises(ClipMoved, match="clip path"):
        Scaled(0.5, True, 200.0, Canvas()).check_clip(_snapshot(gc))


def test_a_recording_made_of_two_draws_is_not_replayed(ctx: tuple[Dataset, CheckReport]) -> None:
    """savefig with a tight box draws twice; a recording must be one drawing."""
    import io

    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    recording = Recording(fig, look("web", "light"))
    with recording.record("svg"):
        fig.savefig(io.BytesIO(), format="svg", bbox_inches="tight")
    assert not recording.complete and recording.pairs(look("web", "dark")) is None


PAIRS = {(1.0, 1.0, 1.0): (0.0, 0.0, 0.0), (0.0, 0.0, 1.0): (1.0, 0.0, 0.0)}


def test_colours_are_mapped_alpha_kept_and_others_left() -> None:
    gc = GraphicsContextBase()
    gc.set_foreground((0.0, 0.0, 1.0, 0.5), isRGBA=True)
    gc.set_hatch_color((1.0, 1.0, 1.0, 1.0))
    _map_gc(gc, PAIRS)
    assert gc.get_rgb() == (1.0, 0.0, 0.0, 0.5)
    assert gc.get_hatch_color() == (0.0, 0.0, 0.0, 1.0)
    kept = GraphicsContextBase()
    kept.set_foreground((1.0, 1.0, 1.0, 1.0), isRGBA=True)
    _map_gc(kept, PAIRS, edge=False)  # the figure's own edge
    assert kept.get_rgb() == (1.0, 1.0, 1.0, 1.0)
    assert _mapped_args("draw_path", ("path", "tr", (1.0, 1.0, 1.0, 1.0)), PAIRS)[2] == (0.0, 0.0, 0.0, 1.0)
    assert _mapped_args("draw_path", ("path", "tr", (0.5, 0.5, 0.5, 1.0)), PAIRS)[2] == (0.5, 0.5, 0.5, 1.0)
    # Transparent, but PDF and SVG still write the colour: mapped as drawing in the theme would give it.
    assert _mapped_args("draw_path", ("path", "tr", (1.0, 1.0, 1.0, 0.0)), PAIRS)[2] == (0.0, 0.0, 0.0, 0.0)
    assert _mapped_args("draw_markers", ("m", "mt", "p", "t", (0.0, 0.0, 1.0, 1.0)), PAIRS)[4] == (1.0, 0.0, 0.0, 1.0)
    faces = np.array([[1.0, 1.0, 1.0, 0.3], [0.2, 0.2, 0.2, 1.0]])
    mapped = _map_colours(faces, PAIRS)
    assert mapped.tolist() == [[0.0, 0.0, 0.0, 0.3], [0.2, 0.2, 0.2, 1.0]]
    assert faces[0, 0] == 1.0  # the recorded colours are not changed in place
    args = _mapped_args("draw_path_collection", ("mt", [], [], [], "ot", faces, faces[:1], [1.0]), PAIRS)
    assert args[5].tolist()[0] == [0.0, 0.0, 0.0, 0.3] and args[6].tolist() == [[0.0, 0.0, 0.0, 0.3]]
    assert _mapped_kwargs({"hatchcolors": faces[:1]}, PAIRS)["hatchcolors"].tolist() == [[0.0, 0.0, 0.0, 0.3]]


def test_the_figure_is_itself_again_after_a_failure_while_recording_or_replaying(
        ctx: tuple[Dataset, CheckReport]) -> None:
    import io

    fig = chart("hosting", ctx[0], size="web", theme="light", report=ctx[1])
    recording = recorded_svg(fig, look("web", "light"))
    pairs = recording.pairs(look("web", "dark"))
    assert pairs is not None
    for block in (recording.record("pdf"), recording.replay("svg", pairs)):
        with pytest.raises(TypeError), block:
            fig.savefig(io.BytesIO(), format="svg", metadata={"Date": object()})  # the SVG writer refuses it
        assert "draw" not in vars(fig) and "draw" not in vars(fig.patch)


def test_a_call_that_raised_is_not_kept() -> None:
    """matplotlib probes whether a renderer takes an argument by calling it and catching the
    TypeError: such a call was not part of the drawing, and is not played back."""
    from iwf_stats.charts.replay import Recorder

    class Renderer:
        def draw_path(self, gc: object, *args: object, probe: bool = False) -> None:
            if probe:
                raise TypeError("no such argument")

    rec = Recorder(Renderer())
    with pytest.raises(TypeError):
        rec.draw_path(GraphicsContextBase(), "path", "transform", probe=True)
    rec.draw_path(GraphicsContextBase(), "path", "transform")
    assert [name for name, *_ in rec.calls] == ["draw_path"]
