"""A folder the user names is the user's: `build --out` and `charts --out` refuse anything but
a new folder, an empty one, or one the tool wrote itself, and lose nothing when they refuse."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iwf_stats.cli import main
from iwf_stats.report.outdir import (
    MARKER,
    STAGING_MARKER,
    STAGING_PREFIX,
    OutputRefused,
    check_output,
    remove_dead_staging,
    swap_in,
    unknown_entries,
)

from conftest import DATA, REPO


def _snapshot(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    out["."] = oct(folder.stat().st_mode)
    return out


def _user_folder(tmp_path: Path) -> Path:
    docs = tmp_path / "Documents"
    (docs / "letters").mkdir(parents=True)
    (docs / "taxes.txt").write_text("private")
    (docs / "letters" / "mum.txt").write_text("private too")
    return docs


@pytest.mark.parametrize("command", ["build", "charts"])
def test_a_folder_of_someone_elses_files_is_refused_and_kept(command: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    docs = _user_folder(tmp_path)
    before = _snapshot(docs)
    assert main([command, "--out", str(docs), str(DATA)]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "did not write" in err and "Traceback" not in err
    assert _snapshot(docs) == before


@pytest.mark.parametrize("where", ["", ".", "data", "src", "notebooks", ".git"])
def test_the_checkout_and_what_the_tool_reads_are_refused(where: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["build", "--out", where]) == 2
    assert "refused" in capsys.readouterr().err
    assert (REPO / "pyproject.toml").exists() and (REPO / "data" / "observations.csv").exists()


def test_the_home_folder_and_its_parents_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for out in (home, tmp_path, Path("/")):
        with pytest.raises(OutputRefused):
            check_output(out, "site")


@pytest.mark.parametrize("kind", ["file", "device", "symlink"])
def test_an_existing_non_folder_is_refused_and_left_alone(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out"
    if kind == "file":
        target.write_text("keep me")
    elif kind == "symlink":
        (tmp_path / "real").mkdir()
        target.symlink_to(tmp_path / "real")
    else:
        target = Path("/dev/null")
    with pytest.raises(OutputRefused):
        check_output(target, "site")
    if kind == "file":
        assert target.read_text() == "keep me"
    if kind == "symlink":
        assert target.is_symlink()


def test_an_empty_or_own_folder_is_accepted(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_output(empty, "site") == empty
    assert check_output(tmp_path / "new" / "site", "site") == tmp_path / "new" / "site"
    own = tmp_path / "own"
    own.mkdir()
    (own / MARKER).write_text(json.dumps({"tool": "iwf-stats", "kind": "site"}))
    (own / "index.html").write_text("x")
    assert check_output(own, "site") == own
    with pytest.raises(OutputRefused):  # a site folder is not a charts folder
        check_output(own, "charts")


def test_unknown_entries_lists_strangers_and_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ours.html").write_text("x")
    (tmp_path / "a" / "theirs.txt").write_text("x")
    (tmp_path / "link").symlink_to("/etc")
    assert unknown_entries(tmp_path, {"a/ours.html"}) == ["a/theirs.txt", "link"]


def test_temporary_folders_are_removed_only_when_their_run_is_dead(tmp_path: Path) -> None:
    out = tmp_path / "site"
    look_alike = tmp_path / f"{STAGING_PREFIX}mine"  # a user's folder that merely looks alike
    look_alike.mkdir()
    (look_alike / "keep.txt").write_text("x")
    alive = tmp_path / f"{STAGING_PREFIX}alive"
    alive.mkdir()
    (alive / STAGING_MARKER).write_text(json.dumps({"out": str(out), "pid": os.getpid()}))
    other_out = tmp_path / f"{STAGING_PREFIX}other"
    other_out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    (other_out / STAGING_MARKER).write_text(json.dumps({"out": str(tmp_path / "elsewhere"),
                                                        "pid": int(dead.stdout)}))
    stale = tmp_path / f"{STAGING_PREFIX}stale"
    stale.mkdir()
    (stale / STAGING_MARKER).write_text(json.dumps({"out": str(out), "pid": int(dead.stdout)}))
    remove_dead_staging(out)
    assert look_alike.exists() and alive.exists() and other_out.exists()
    assert not stale.exists()


def test_the_swap_replaces_the_site_in_one_step(tmp_path: Path) -> None:
    out, staging = tmp_path / "site", tmp_path / f"{STAGING_PREFIX}x"
    out.mkdir()
    (out / "old.html").write_text("old")
    staging.mkdir()
    (staging / "new.html").write_text("new")
    swap_in(staging, out)
    assert [p.name for p in out.iterdir()] == ["new.html"]
    assert not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_invalid_data_creates_no_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "facts.csv").unlink()
    out = tmp_path / "a" / "b" / "site"
    assert main(["build", "--out", str(out), str(data)]) == 2
    assert not (tmp_path / "a").exists()


def test_an_unwritable_output_is_refused_before_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import iwf_stats.report.build as build_module

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root may write anywhere, so the permission is denied here as it is for a normal user
    monkeypatch.setattr(build_module.os, "access", lambda path, mode: Path(path) != locked)
    monkeypatch.setattr(build_module, "_run_steps", lambda *a, **k: pytest.fail("the build ran"))
    assert main(["build", "--out", str(locked / "site")]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_charts_manifest_lists_only_the_charts_files(tmp_path: Path) -> None:
    from iwf_stats.charts.export import write_manifest

    (tmp_path / "webpages_actioned.csv").write_text("a\n")
    (tmp_path / "holiday.jpg").write_bytes(b"not ours")
    (tmp_path / "hosting.csv").symlink_to("/etc/hostname")
    write_manifest(tmp_path, ["webpages_actioned", "hosting"])
    files = json.loads((tmp_path / "manifest.json").read_text())["files"]
    assert list(files) == ["webpages_actioned.csv"]
