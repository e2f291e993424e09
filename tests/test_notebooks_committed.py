"""Notebooks are committed clean: no outputs, no execution counts, the project's kernel."""

from __future__ import annotations

import json

import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_numbered_notebooks() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == ["01-", "02-", "03-", "04-"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path) -> None:  # type: ignore[no-untyped-def]
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a cell holds outputs"
            assert cell["execution_count"] is None, f"{path.name}: a cell holds an execution count"
    assert nb["metadata"]["kernelspec"]["name"] == "iwf-stats"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_fixed_id(path) -> None:  # type: ignore[no-untyped-def]
    """nbformat gives a cell without an id a random one when it runs: the executed notebook
    would then differ from build to build."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    ids = [cell.get("id") for cell in nb["cells"]]
    assert None not in ids and len(set(ids)) == len(ids), ids


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_figures_typed_into_notebooks(path) -> None:  # type: ignore[no-untyped-def]
    """Numbers in the prose come from the data: no four-or-more-digit figure, and no year after
    2000, is typed into a notebook's cells."""
    import re

    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        assert not re.search(r"\b\d{1,3},\d{3}\b", text), (path.name, text[:60])
        typed_years = [y for y in re.findall(r"\b(20[0-9]{2})\b", text)]
        assert typed_years == [], (path.name, typed_years)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_figure_is_shown_with_plt_show(path) -> None:  # type: ignore[no-untyped-def]
    """The build runs the kernels on Agg, where plt.show() shows nothing: a figure is shown with
    `iwf_stats.charts.show(fig, alt)`, which also gives it alt text."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            import re

            assert not re.search(r"\b(plt|pyplot|fig\w*)\.show\(", "".join(cell["source"])), path.name
