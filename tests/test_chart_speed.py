"""Rendering fast (issue 13: every chart in every size and theme in at most 15 s) without
changing a byte: worker processes, the PNG writer and the shared text sizes and in-memory
fonts each give exactly the files drawing one chart at a time with matplotlib's own writers
gives; and a chart that fails in a worker fails the run as it would have alone."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from iwf_stats import Dataset, chart, load
from iwf_stats.charts import Chart, render
from iwf_stats.charts import export as export_module
from iwf_stats.charts import kinds as kinds_module
from iwf_stats.charts.export import looks
from iwf_stats.charts.png import encode, png
from iwf_stats.charts.style import METADATA
from iwf_stats.claims import CheckReport, check, load_ledger
from iwf_stats.cli import main

from conftest import DATA, REPO

forking = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                             reason="workers are forked; elsewhere the charts are drawn one by one")

# Two charts of the catalogue and a bespoke one, a screen size (with its 2× file) and a
# print size, in both themes: twelve drawings, every kind of file.
NAMES = ["webpages_actioned", "hosting", "decade_growth"]
STYLES = looks(["web", "print1"], ["light", "dark"])


@pytest.fixture(scope="module")
def ctx() -> tuple[Dataset, CheckReport]:
    ds = load(DATA)
    return ds, check(ds, load_ledger(ds))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def one_by_one(ctx: tuple[Dataset, CheckReport], tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("serial") / "charts"
    render(ctx[0], out, only=NAMES, report=ctx[1], styles=STYLES, jobs=1)
    return files(out)


@forking
def test_workers_write_the_same_files_as_one_process_byte_for_byte(
        ctx: tuple[Dataset, CheckReport], one_by_one: dict[str, bytes], tmp_path: Path) -> None:
    runs = []
    for i in range(2):
        out = tmp_path / f"parallel{i}"
        written = render(ctx[0], out, only=NAMES, report=ctx[1], styles=STYLES, jobs=2)
        assert [w.name for w in written] == [n for n in NAMES for _ in STYLES]  # in the order asked
        runs.append(files(out))
    assert runs[0] == runs[1] == one_by_one
    assert len(one_by_one) == 1 + len(NAMES) * (2 * 7 + 2 * 6)  # manifest; web has the 2× PNG, print not


@forking
def test_workers_are_forked_from_a_frozen_heap_which_thaws_after(ctx: tuple[Dataset, CheckReport], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`forking.frozen_heap`: the workers' garbage collections leave what they inherit alone,
    and this process's objects are collectable again once the workers exist."""
    import gc

    frozen_at_fork: list[int] = []
    start = export_module._start_workers

    def noting(n: int) -> object:
        frozen_at_fork.append(gc.get_freeze_count())
        return start(n)

    monkeypatch.setattr(export_module, "_start_workers", noting)
    render(ctx[0], tmp_path / "out", only=NAMES[:2], report=ctx[1], styles=STYLES[:1], jobs=2)
    assert frozen_at_fork and frozen_at_fork[0] > 10_000  # the modules, the data, the fonts
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_before_stays_frozen() -> None:
    """A kernel forked from the build's factory (which froze its heap) that renders with
    workers: its inherited objects stay frozen after the workers are forked."""
    import gc

    from iwf_stats.forking import frozen_heap

    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()
    with frozen_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_where_no_worker_can_start_the_charts_are_drawn_here(
        ctx: tuple[Dataset, CheckReport], one_by_one: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No /dev/shm for the pool's locks (some containers): the same files, from this process."""
    import concurrent.futures

    def no_semaphores(*_args: object, **_kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_semaphores)
    out = tmp_path / "here"
    render(ctx[0], out, only=NAMES, report=ctx[1], styles=STYLES, jobs=2)
    assert files(out) == one_by_one


def test_speedups_change_no_byte(ctx: tuple[Dataset, CheckReport], one_by_one: dict[str, bytes],
                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared text sizes and in-memory fonts off: the same files."""
    monkeypatch.setattr(export_module, "fast_rendering", contextlib.nullcontext)
    out = tmp_path / "plain"
    render(ctx[0], out, only=NAMES, report=ctx[1], styles=STYLES, jobs=1)
    assert files(out) == one_by_one


@pytest.mark.parametrize(("size", "theme"), [("web", "light"), ("square", "dark"), ("print2", "light")])
def test_png_writer_keeps_matplotlibs_pixels_and_resolution(ctx: tuple[Dataset, CheckReport], size: str,
                                                            theme: str) -> None:
    fig = chart("hosting", ctx[0], size=size, theme=theme, report=ctx[1])
    for dpi in (fig.look.size.dpi, 2 * fig.look.size.dpi) if fig.look.size.retina else (fig.look.size.dpi,):
        with matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
            ours = png(fig, dpi)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, metadata=METADATA["png"])
        mine, theirs = Image.open(io.BytesIO(ours)), Image.open(buf)
        assert mine.mode == "RGB" and mine.size == theirs.size  # opaque: stored without alpha
        assert np.array_equal(np.asarray(mine.convert("RGBA")), np.asarray(theirs.convert("RGBA")))
        assert mine.info["dpi"] == theirs.info["dpi"]


def test_png_writer_keeps_transparency() -> None:
    rng = np.random.default_rng(13)
    rgba = rng.integers(0, 256, (7, 5, 4), dtype=np.uint8)
    back = Image.open(io.BytesIO(encode(rgba, 300)))
    assert back.mode == "RGBA" and np.array_equal(np.asarray(back), rgba)
    assert encode(rgba, 300) == encode(rgba.copy(), 300)


# --- a chart that fails in a worker ---

def _previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "charts"
    assert main(["charts", "--out", str(out), "--only", "webpages_actioned", "--format", "png"]) == 0
    return out, files(out)


def _break_ranked_bars(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    original = kinds_module.KINDS["bars_by_year"]

    def changed(*args: object) -> Chart:
        drawn = original(*args)  # type: ignore[arg-type]
        drawn.alt += " Changed."  # had it been written, the output would differ
        return drawn

    def broken(*_args: object) -> Chart:
        raise error

    monkeypatch.setitem(kinds_module.KINDS, "bars_by_year", changed)
    monkeypatch.setitem(kinds_module.KINDS, "ranked_bars", broken)


@forking
@pytest.mark.parametrize(("error", "status", "message"), [
    (RuntimeError("injected failure"), 3, "iwf-stats: internal error: RuntimeError: injected failure"),
    (ValueError("chart hosting: injected"), 2, "iwf-stats: chart hosting: injected"),
    (OSError(28, "No space left on device", "hosting.pdf"), 2, "iwf-stats: No space left on device: hosting.pdf"),
])
def test_a_failing_chart_in_a_worker_fails_the_run_in_one_line_and_leaves_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException, status: int, message: str) -> None:
    out, before = _previous(tmp_path)
    capsys.readouterr()
    _break_ranked_bars(monkeypatch, error)
    code = main(["charts", "--out", str(out), "--only", "webpages_actioned", "hosting", "--size", "web,social",
                 "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == status
    assert err.splitlines()[0] == message and "Traceback" not in err and len(err.splitlines()) <= 2
    assert files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".charts-")] == []


class Stubborn(Exception):
    """An exception that pickles but cannot be unpickled (its constructor needs two arguments)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} and {b}")


@forking
def test_an_exception_that_cannot_travel_back_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out, before = _previous(tmp_path)
    capsys.readouterr()
    _break_ranked_bars(monkeypatch, Stubborn("this", "that"))
    assert main(["charts", "--out", str(out), "--only", "hosting", "webpages_actioned", "--jobs", "2"]) == 3
    assert capsys.readouterr().err.startswith("iwf-stats: internal error: RuntimeError: Stubborn: this and that\n")
    assert files(out) == before


@forking
def test_a_worker_that_dies_fails_the_run_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out, before = _previous(tmp_path)
    capsys.readouterr()
    monkeypatch.setitem(kinds_module.KINDS, "ranked_bars", lambda *_a: os._exit(9))
    assert main(["charts", "--out", str(out), "--only", "hosting", "webpages_actioned", "--jobs", "2"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("iwf-stats: internal error: BrokenProcessPool: ") and "Traceback" not in err
    assert files(out) == before


@forking
def test_ctrl_c_stops_every_worker_quietly_and_leaves_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "charts"
    first = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(out), "--only", "hosting",
                            "--format", "png"], capture_output=True, text=True, cwd=REPO)
    assert first.returncode == 0, first.stderr
    before = files(out)
    run = subprocess.Popen([sys.executable, "-m", "iwf_stats", "charts", "--out", str(out), "--size", "web,square",
                            "--theme", "light,dark", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=REPO, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(any(p.iterdir()) for p in tmp_path.glob(".charts-*")):
        time.sleep(0.05)  # until the workers have written their first files
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: every process of the group
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and err == "iwf-stats: interrupted\n"
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(run.pid, 0)  # no worker left behind
    assert files(out) == before
    assert list(tmp_path.glob(".charts-*")) == []


def test_jobs_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, "-m", "iwf_stats", "charts", "--out", str(tmp_path / "c"), "--jobs", "0"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "--jobs: give at least 1" in bad.stderr
    assert not (tmp_path / "c").exists()


def test_fonts_found_once_follow_the_properties_and_the_rc_settings() -> None:
    """`shared_font_lookups` answers as matplotlib does: for other properties, other rc font
    lists (a generic family resolved through them), and for a name given as a string, which
    it passes on; and a failed search still raises."""
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    from iwf_stats.charts.speed import shared_font_lookups

    manager = font_manager.fontManager

    def found(prop: object, **kw: object) -> list[str]:
        return [str(p) for p in manager._find_fonts_by_props(prop, **kw)]

    cases = [(FontProperties(family=["sans-serif"]), {"font.sans-serif": ["DejaVu Sans"]}),
             (FontProperties(family=["sans-serif"]), {"font.sans-serif": ["DejaVu Sans Mono"]}),
             (FontProperties(family=["sans-serif"], weight="bold"), {"font.sans-serif": ["DejaVu Sans"]}),
             ("DejaVu Serif", {})]
    plain = []
    for prop, rc in cases:
        with matplotlib.rc_context(rc):
            plain.append(found(prop))
    with shared_font_lookups():
        kept = []
        for _ in range(2):
            for prop, rc in cases:
                with matplotlib.rc_context(rc):
                    kept.append(found(prop))
        with pytest.raises(ValueError, match="Failed to find any font"):
            found(FontProperties(family=["no such family"]), fallback_to_default=False)
    assert kept == plain + plain
    assert len({p[0] for p in plain}) == 4, "each case finds a different font"
    assert "_find_fonts_by_props" not in vars(manager), "the method is put back"


def test_a_font_added_inside_the_block_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `shared_font_lookups` kept is dropped when a font is added, as matplotlib drops
    its own: a family searched for before it is added is found after (a copy of DejaVu Sans
    renamed, added to a copy of the font manager, so that the rest of the run never sees it)."""
    import copy
    import logging

    from fontTools.ttLib import TTFont
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties, findfont

    from iwf_stats.charts.speed import shared_font_lookups

    font = TTFont(findfont(FontProperties(family=["DejaVu Sans"])))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "IWF Test Family"
    path = tmp_path / "iwf-test-family.ttf"
    font.save(str(path))
    manager = copy.deepcopy(font_manager.fontManager)
    monkeypatch.setattr(font_manager, "fontManager", manager)
    prop = FontProperties(family=["IWF Test Family"])
    logging.getLogger("matplotlib.font_manager").disabled = True  # "family not found", expected once
    try:
        with shared_font_lookups():
            before = [str(p) for p in manager._find_fonts_by_props(prop)]
            manager.addfont(str(path))
            after = [str(p) for p in manager._find_fonts_by_props(prop)]
    finally:
        logging.getLogger("matplotlib.font_manager").disabled = False
    assert str(path) not in before and after == [str(path)]


def test_a_font_search_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the block, the same properties under the same rc settings are searched for once."""
    from matplotlib import font_manager
    from matplotlib.font_manager import FontManager, FontProperties

    from iwf_stats.charts.speed import shared_font_lookups

    searched: list[object] = []
    real = FontManager._find_fonts_by_props
    monkeypatch.setattr(FontManager, "_find_fonts_by_props",
                        lambda self, prop, *a, **k: searched.append(prop) or real(self, prop, *a, **k))
    prop = FontProperties(family=["DejaVu Sans"], weight="bold")
    with shared_font_lookups():
        answers = [font_manager.fontManager._find_fonts_by_props(prop) for _ in range(5)]
    assert len(searched) == 1 and all(a == answers[0] for a in answers)
