"""Reading CSV files into rows that remember the line they started on.

Spreadsheets are a normal way to edit these files, so what Excel writes (UTF-8 with a
byte-order mark, CRLF line endings) reads like any other file. Everything else that is
wrong is reported as a `Problem` naming the file, line and column, and reading goes on
so that one run lists every problem.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from .errors import Problem
from .limits import MAX_FIELD_CHARS, MAX_FILE_BYTES


class Row(NamedTuple):
    line: int
    values: dict[str, str]


class Table(NamedTuple):
    """One CSV file's rows under its header. A NamedTuple, not a dataclass: see README, Performance."""

    path: str
    header: list[str]
    rows: list[Row]


def not_a_plain_file(mode: int) -> str | None:
    """Why a file of this mode is refused, or None for a regular file."""
    if stat.S_ISLNK(mode):
        return "is a symbolic link: the data folder holds only real files, never links"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is a special file (a FIFO, device or socket), not a data file"
    return None


def read_bytes(path: Path, shown: str, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The file's bytes, never following a link, never blocking on a FIFO and never reading
    past `limit`; None (with a problem recorded) otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        problems.append(Problem(shown, 0, "(file)", "file not found"))
        return None
    except OSError as e:
        try:
            why = not_a_plain_file(os.lstat(path).st_mode)
        except OSError:
            why = None
        problems.append(Problem(shown, 0, "(file)", why or f"cannot be read: {e.strerror}"))
        return None
    try:
        st = os.fstat(fd)
        why = not_a_plain_file(st.st_mode)
        if why:
            problems.append(Problem(shown, 0, "(file)", why))
            return None
        if st.st_size > limit:
            problems.append(Problem(shown, 0, "(file)", f"is {st.st_size / (1 << 20):,.1f} MiB, over the "
                                    f"limit of {limit / (1 << 20):,.0f} MiB for one data file"))
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit + 1)[:limit]
    finally:
        os.close(fd)


def read_text(path: Path, shown: str, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> str | None:
    """The file's text, or None (with a problem recorded) if it is missing, not a plain
    file, too large, not UTF-8 or holds control characters."""
    raw = read_bytes(path, shown, problems, limit)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        problems.append(
            Problem(shown, line, "(encoding)",
                    f"not UTF-8: byte 0x{raw[e.start]:02x} at offset {e.start}; "
                    "save the file as UTF-8")
        )
        return None
    bad = control_character(text)
    if bad is not None:
        at, ch = bad
        problems.append(Problem(shown, text.count("\n", 0, at) + 1, "(text)",
                                f"holds the control character U+{ord(ch):04X}; remove it"))
        return None
    return text


#: Characters no published text contains: C0 and C1 controls other than tab, line feed and
#: carriage return (NUL, terminal escapes), and the Unicode line and paragraph separators,
#: which editors, terminals and parsers disagree on.
#: One regular-expression class, searched in C: the check runs over every data file and every
#: saved source text at each start, so it must cost little.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(text: str) -> tuple[int, str] | None:
    """(offset, character) of the first control character in `text`, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return None if found is None else (found.start(), found.group())


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
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
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
        message = (f"a field is longer than {MAX_FIELD_CHARS:,} characters, the limit" if "field limit" in str(e)
                   else f"malformed CSV: {e}")
        problems.append(Problem(shown, reader.line_num or 1, "(csv)", message))
        return None
    finally:
        csv.field_size_limit(previous_limit)
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
