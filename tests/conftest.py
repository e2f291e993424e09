"""Shared fixtures: a private copy of data/ that a test may corrupt, and helpers to do so."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
#: Fixed "today" for loader tests, so a year check never depends on the clock.
TODAY = date(2026, 11, 25)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def edit(data_dir: Path, table: str, where: dict[str, str], **changes: str) -> int:
    """Change the first row of `table` matching `where`; return its line number.

    The shipped CSVs hold one record per line, so row i sits on line i + 2.
    """
    path = data_dir / f"{table}.csv"
    header, rows = read_rows(path)
    for i, row in enumerate(rows):
        if all(row[k] == v for k, v in where.items()):
            row.update(changes)
            write_rows(path, header, rows)
            return i + 2
    raise AssertionError(f"no row of {table} matches {where}")


def append(data_dir: Path, table: str, row: dict[str, str]) -> int:
    path = data_dir / f"{table}.csv"
    header, rows = read_rows(path)
    rows.append({k: row.get(k, "") for k in header})
    write_rows(path, header, rows)
    return len(rows) + 1


def retext(data_dir: Path, source_id: str, old: str, new: str) -> None:
    """Change a source's saved text (as a publisher's revision would) and record its new
    SHA-256 in sources.csv, so that only the change itself is left for the checks to see."""
    import hashlib

    path = data_dir / "sources" / f"{source_id}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    edit(data_dir, "sources", {"source_id": source_id},
         text_sha256=hashlib.sha256(path.read_bytes()).hexdigest())
