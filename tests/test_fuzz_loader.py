"""Random damage to valid CSV rows never makes the loader fail in any way but `DataError`."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iwf_stats import DataError, Dataset, load

from conftest import DATA, TODAY

TABLES = ["publishers", "sources", "series", "observations", "facts"]
ORIGINAL = {t: list(csv.reader(io.StringIO((DATA / f"{t}.csv").read_text(encoding="utf-8"))))
            for t in TABLES}

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-5", "1e9", "29,1270", "2099", "nan", "291,270", "https://x.org/",
                     "\ufeff", '"', "\r\n", "None", "2025-02-30", "exact", "down_10"]),
)


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    table = draw(st.sampled_from(TABLES))
    rows = [list(r) for r in ORIGINAL[table]]
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cell", "cell", "drop_cell", "dup_row", "del_row", "header"]))
        i = draw(st.integers(0, len(rows) - 1))
        if action == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(cell_text)
        elif action == "drop_cell" and rows[i]:
            rows[i].pop()
        elif action == "dup_row":
            rows.insert(i, list(rows[i]))
        elif action == "del_row" and len(rows) > 1:
            rows.pop(i)
        elif action == "header":
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(cell_text)
    return table, rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage())
def test_damaged_rows_give_a_dataset_or_a_clean_error_list(case: tuple[str, list[list[str]]]) -> None:
    table, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(DATA, root)
        with (root / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        try:
            result = load(root, today=TODAY)
        except DataError as e:
            assert e.problems, "a DataError must list at least one problem"
            for p in e.problems:
                # A data file: a table, the package descriptor, a saved source text, or the
                # chart catalogue (whose charts name series and categories the rows must hold).
                assert p.path.endswith((".csv", ".json", ".txt", ".toml")) and p.field and p.message
        else:
            assert isinstance(result, Dataset)


def test_rows_a_chart_names_that_are_damaged_away_give_the_catalogues_line(tmp_path: Path) -> None:
    """Found by the test above: the hosting chart's total is a category of the observations;
    with its rows gone, the error names the catalogue's file, line and field, not a traceback."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    rows = [r for r in ORIGINAL["observations"] if "Top ten countries" not in r]
    assert len(rows) < len(ORIGINAL["observations"])
    with (root / "observations.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    try:
        load(root, today=TODAY)
    except DataError as e:
        found = [(Path(p.path).name, p.field) for p in e.problems]
        assert ("charts.toml", "total") in found and all(p.line > 0 for p in e.problems if p.path.endswith(".toml"))
    else:
        raise AssertionError("a chart naming a category no row holds must not load")
