"""Reading CSV files into rows that remember the line they started on.

Spreadsheets are a normal way to edit these files, so what Excel writes (UTF-8 with a
byte-order mark, CRLF line endings) reads like any other file. Everything else that is
wrong is reported as a `Problem` naming the file, line and column, and reading goes on
so that one run lists every problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import Problem


class Row(NamedTuple):
    line: int
    values: dict[str, str]


@dataclass
class Table:
    path: str
    header: list[str]
    rows: list[Row]


def read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    """The file's text, or None (with a problem recorded) if it is missing or not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(shown, 0, "(file)", "file not found"))
        return None
    except OSError as e:
        problems.append(Problem(shown, 0, "(file)", f"cannot be read: {e.strerror}"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        problems.append(
            Problem(shown, line, "(encoding)",
                    f"not UTF-8: byte 0x{raw[e.start]:02x} at offset {e.start}; "
                    "save the file as UTF-8")
        )
        return None


def read_csv(path: Path, shown: str, columns: list[str], required: set[str],
             problems: list[Problem]) -> Table | None:
    """Read one CSV whose header must name `columns` (in any order).

    `required` columns must be present; the others may be left out and default to empty.
    Returns None when the file cannot be read as a table at all.
    """
    text = read_text(path, shown, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(shown, 1, "(header)", "file is empty: expected a header row"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    try:
        header = next(reader)
        if not _check_header(header, shown, columns, required, problems):
            return None
        start = reader.line_num + 1
        width = len(header)
        append = rows.append
        for fields in reader:  # the hot loop of a large load: kept to the bare minimum
            line = start
            start = reader.line_num + 1
            if len(fields) == width:
                append(Row(line, dict(zip(header, fields))))  # noqa: B905 (lengths checked)
            elif fields and fields != [""]:
                problems.append(Problem(shown, line, "(row)", f"has {len(fields)} fields, the header has {width}"))
    except csv.Error as e:
        problems.append(Problem(shown, reader.line_num or 1, "(csv)", f"malformed CSV: {e}"))
        return None
    return Table(shown, header, rows)


def _check_header(header: list[str], shown: str, columns: list[str], required: set[str],
                  problems: list[Problem]) -> bool:
    ok = True
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(shown, 1, name or "(header)", "column named twice in the header"))
            ok = False
        seen.add(name)
        if name not in columns:
            problems.append(Problem(shown, 1, name or "(header)",
                                    f"unknown column; expected only: {', '.join(columns)}"))
            ok = False
    for name in columns:
        if name in required and name not in seen:
            problems.append(Problem(shown, 1, name, "required column is missing"))
            ok = False
    return ok
