"""Typed errors that carry every problem found, so callers can report them all at once.

Nothing in the library prints or chooses an exit status: it raises these, and the
command line turns them into text on stderr and an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with one field of one line of one file.

    `line` is the 1-based physical line in the file where the record starts (the header
    of a CSV is line 1), so an editor's "go to line" lands on it. `line` is 0 when the
    problem concerns the whole file (a missing file, say). Problems sort by path, line, field
    and message. A NamedTuple, not a dataclass: see README, Performance.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}"


class DataError(Exception):
    """The data could not be loaded; `problems` lists every problem found, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=_problem_order)
        count = len(self.problems)
        #: "3 problems in the data", for the last line of a report.
        self.summary = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__(self.message())

    def message(self) -> str:
        """The summary, then the problems, never run together: one problem follows on the same
        line after ": " (readable where a message is shown on one line, as in a notebook's
        error bar or a log); several follow one per line, each indented.

        >>> print(DataError([Problem("data", 0, "(folder)", "data folder not found")]))
        1 problem in the data: data: (folder): data folder not found
        >>> print(DataError([Problem("a.csv", 3, "year", "not a number"), Problem("a.csv", 2, "value", "< 0")]))
        2 problems in the data:
          a.csv:2: value: < 0
          a.csv:3: year: not a number
        """
        if len(self.problems) == 1:
            return f"{self.summary}: {self.problems[0]}"
        return f"{self.summary}:\n" + "\n".join(f"  {p}" for p in self.problems)

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _problem_order(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line, p.field, p.message)


def shown_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible, so
    `data/observations.csv:14` can be pasted into an editor."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class UnknownName(KeyError):
    """A name (a series, source, publisher or fact id) that the dataset does not hold, with the
    closest names it does hold: a misspelt name fails loudly instead of reading as "no data".

    >>> raise UnknownName("series", "webpages_actoned", ["webpages_actioned", "reports_assessed"])
    Traceback (most recent call last):
    ...
    iwf_stats.errors.UnknownName: unknown series 'webpages_actoned'; did you mean 'webpages_actioned'?
    """

    def __init__(self, kind: str, name: object, known: Iterable[str]) -> None:
        import difflib

        known = sorted(known)
        self.kind, self.name = kind, name
        close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.75)
        ratio = {c: difflib.SequenceMatcher(None, str(name), c).ratio() for c in close}
        #: The closest names: the best match, and others only when nearly as close.
        self.suggestions = [c for c in close if ratio[c] >= ratio[close[0]] - 0.1] if close else []
        if self.suggestions:
            hint = "did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        else:
            hint = f"the {len(known)} known: " + ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        super().__init__(f"unknown {kind} {name!r}; {hint}")

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class OutputRefused(Exception):
    """The output folder is not one the tool may write; nothing has been touched."""
