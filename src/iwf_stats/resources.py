"""Where the shipped dataset, notebooks and pins are, installed or in a checkout.

An installed package (a wheel, `pip install .`) carries the repository's `data/` and
`notebooks/` inside it as `iwf_stats/_data` and `iwf_stats/_notebooks` (pyproject.toml maps
the folders), found beside this module: wheels are installed unpacked, and the loader and the
build need files on disk, so `importlib.resources` (and the zip support it imports, a few
milliseconds of every start) would add nothing. A checkout, or an editable install of
one, has no copies: the repository's own folders are used, so an edit there is seen at once.
Everything else asks this module, so no other code guesses a path from `__file__`.
"""

from __future__ import annotations

from pathlib import Path

#: The installed package's folder: the code, and in a wheel the data and the notebooks.
PACKAGE = Path(__file__).resolve().parent
#: Where the wheel puts the repository's data/ and notebooks/, inside the package.
DATA_RESOURCE = "_data"
NOTEBOOKS_RESOURCE = "_notebooks"


def checkout_root() -> Path | None:
    """The repository this package runs from (src/ layout, pyproject.toml beside it), or None
    when it is installed elsewhere."""
    root = PACKAGE.parents[1]
    return root if PACKAGE.parent.name == "src" and (root / "pyproject.toml").is_file() else None


def _shipped(name: str, repo_folder: str) -> Path | None:
    """The package's folder `name` (a wheel is installed unpacked, so it is a real folder on
    disk, as the loader and the build need), else the checkout's `repo_folder`, else None."""
    packaged = PACKAGE / name
    if packaged.is_dir():
        return packaged
    root = checkout_root()
    return root / repo_folder if root is not None else None


def data_dir() -> Path | None:
    """The shipped dataset: the package's `_data`, else the checkout's `data/`, else None.

    >>> (data_dir() / "observations.csv").is_file()
    True
    """
    return _shipped(DATA_RESOURCE, "data")


def notebooks_dir() -> Path | None:
    """The shipped notebooks: the package's `_notebooks`, else the checkout's `notebooks/`."""
    return _shipped(NOTEBOOKS_RESOURCE, "notebooks")


def lock_file() -> Path | None:
    """The checkout's `requirements.lock` (the pins a build's keys include), or None when
    installed: then the installed versions stand in for it (see `report.build`)."""
    root = checkout_root()
    return root / "requirements.lock" if root is not None else None


def is_packaged(path: Path) -> bool:
    """Whether `path` is inside the installed package (its code or its copy of the data),
    which the tool reads and never writes."""
    path = Path(path).absolute()
    return path == PACKAGE or PACKAGE in path.parents
