"""The package as a user installs it: a wheel that carries the data and the notebooks, used from
a fresh environment outside any checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import iwf_stats
from iwf_stats import resources
from iwf_stats.errors import DataError
from iwf_stats.loading import dataset_files

from conftest import DATA, REPO

NOTEBOOKS = REPO / "notebooks"


def test_a_checkout_reads_its_own_folders() -> None:
    assert resources.checkout_root() == REPO
    assert resources.data_dir() == DATA
    assert resources.notebooks_dir() == NOTEBOOKS
    assert resources.is_packaged(resources.PACKAGE / "report")
    assert not resources.is_packaged(DATA)


def test_a_missing_folder_reads_as_one_line(tmp_path: Path) -> None:
    with pytest.raises(DataError) as e:
        iwf_stats.load(tmp_path / "nowhere")
    assert str(e.value) == (f"1 problem in the data: {tmp_path / 'nowhere'}: (folder): "
                            "data folder not found (name one, or set $IWF_STATS_DATA)")


def _uv() -> str | None:
    return shutil.which("uv") or next((str(p) for p in [REPO / ".tools" / "bin" / "uv"] if p.is_file()), None)


def _build_wheel(tmp: Path) -> Path:
    """sdist, then a wheel from the unpacked sdist (as pip does from an sdist), through the
    setuptools PEP 517 hooks of this environment: offline, and the checkout is left untouched
    (setuptools writes a build/ folder where it builds)."""
    src = tmp / "checkout"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "output", "build",
                                                             "dist"))
    dist = tmp / "dist"
    dist.mkdir()

    def hook(cwd: Path, call: str) -> str:
        code = f"from setuptools import build_meta as b; print(b.{call})"
        out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout.strip().splitlines()[-1]

    sdist = dist / hook(src, f"build_sdist({str(dist)!r})")
    shutil.unpack_archive(sdist, tmp / "unpacked")
    (unpacked,) = (tmp / "unpacked").iterdir()
    return dist / hook(unpacked, f"build_wheel({str(dist)!r})")


def _venv(tmp: Path, wheel: Path) -> Path:
    """A fresh environment holding the wheel and the pinned runtime dependencies: with uv from its
    cache when it can (offline, seconds), from the registry otherwise."""
    venv = tmp / "venv"
    python = venv / "bin" / "python"
    lock = REPO / "requirements.lock"
    uv = _uv()
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(python), str(wheel), "-r", str(lock)]
        if subprocess.run([*install, "--offline"], capture_output=True).returncode != 0:
            subprocess.run(install, check=True)
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel), "-r", str(lock)], check=True)
    return venv


@pytest.mark.slow
def test_wheel_works_outside_the_checkout(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"iwf_stats/_data/{rel}" for rel in dataset_files(DATA)} <= names  # sources/*.txt included
    assert {f"iwf_stats/_notebooks/{p.name}" for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")} <= names
    packages = {p.relative_to(REPO / "src").as_posix() for p in (REPO / "src").rglob("__init__.py")}
    assert packages <= names, packages - names  # setup.py finds every package

    venv = _venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("IWF_STATS_DATA", "PYTHONPATH", "IWF_STATS_CHARTS")}

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "iwf-stats"), *args], cwd=elsewhere, capture_output=True,
                              text=True, env={**env, **extra})

    out = subprocess.run([str(venv / "bin" / "python"), "-c",
                          "import iwf_stats; ds = iwf_stats.load(); print(iwf_stats.__file__); print(ds.root); "
                          "print(ds.preferred('webpages_actioned', 2024).value)"],
                         cwd=elsewhere, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    module, root, value = out.stdout.split()
    package = Path(module).parent
    assert package.is_relative_to(venv) and Path(root) == package / "_data"
    assert value == str(iwf_stats.load(DATA).preferred("webpages_actioned", 2024).value)  # type: ignore[union-attr]

    out = run("validate")
    assert out.returncode == 0 and out.stdout.startswith("Valid:"), out.stderr
    out = run("check", "--brief")
    assert out.returncode == 0, out.stderr
    out = run("charts", "--out", "charts", "--only", "hosting", "--format", "png")
    assert out.returncode == 0 and (elsewhere / "charts" / "hosting.png").is_file(), out.stderr
    out = run("build", "--out", "site")
    assert out.returncode == 0, out.stderr
    for nb in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"):
        assert (elsewhere / "site" / "notebooks" / f"{nb.stem}.html").is_file()
    assert (elsewhere / "site" / "data" / "observations.csv").read_bytes() == (DATA / "observations.csv").read_bytes()

    # The installed package and its data are never an output, and the packaged data is never rewritten.
    for target in [package / "_data" / "x", package / "_notebooks", package.parent]:
        out = run("build", "--out", str(target))
        assert out.returncode == 2 and "refused" in out.stderr, (target, out.stderr)
    out = run("datapackage")
    assert out.returncode == 2 and "installed package's copy" in out.stderr
    assert not (package / "_data" / "x").exists()

    # A user's own folder, named or through the environment, is the one read.
    mine = elsewhere / "mine"
    shutil.copytree(package / "_data", mine)
    text = (mine / "observations.csv").read_text(encoding="utf-8")
    (mine / "observations.csv").write_text(text.replace(",291273,", ",-291273,", 1), encoding="utf-8")
    for out in [run("validate", "mine"), run("validate", IWF_STATS_DATA=str(mine))]:
        assert out.returncode == 2 and "mine/observations.csv:" in out.stderr, out.stderr
