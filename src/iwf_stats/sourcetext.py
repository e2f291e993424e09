"""The saved text of each source (`data/sources/<source_id>.txt`), and finding quotes in it.

A figure can be trusted only if its quote is what the page says. The pages themselves live
on the publishers' sites and change; the passages the dataset quotes are saved here, inside
the repository, so that every clone checks every quote without the network. The project
quotes its sources, it does not republish them: a file holds only the quoted passages.

File format (shared by every tool that reads or writes these files):

    address: <the source's url, as in sources.csv>
    taken: <YYYY-MM-DD> from a stored copy of the page
    note: <optional: anything a reader should know about how the text was obtained>
    ---
    <passage 1, verbatim, may span several lines>
    ---
    <passage 2>

A quote "occurs" in a passage after normalising only whitespace (runs become one space) and
typographic quotes (‘ ’ → ', “ ” → "); a quote with "…" is several parts, each must occur.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .errors import Problem

SEPARATOR = "---"
HEADER_KEYS = ("address", "taken", "note")
_QUOTES = {"‘": "'", "’": "'", "“": '"', "”": '"'}
#: A file of at most this many passages is searched whole for a quote, not through its word index.
_SCANNED_WHOLE = 8


def normalise(text: str) -> str:
    """Whitespace runs to one space, typographic quotes to straight ones; nothing else.

    >>> normalise("It’s  “here”\\n now")
    'It\\'s "here" now'
    """
    if not text.isascii():  # str.translate is slow; most text has no typographic quotes
        for curly, straight in _QUOTES.items():
            text = text.replace(curly, straight)
    return " ".join(text.split())


def parts(quote: str) -> list[str]:
    """A quote cut with "…" is several parts, each of which must occur in the source."""
    return [p for p in (normalise(x) for x in quote.split("…")) if p]


class Passage(NamedTuple):
    """One saved passage and the line of the file it starts on.
    A NamedTuple, not a dataclass: see README, Performance."""

    line: int  # the line of the file the passage starts on
    text: str

    @property
    def normalised(self) -> str:
        return normalise(self.text)


@dataclass
class SourceText:
    """One source's saved passages, with the header that says where they came from."""

    source_id: str
    shown: str
    header: dict[str, str]
    passages: tuple[Passage, ...]
    sha256: str
    _cache: dict[str, tuple[Passage, ...] | None] = field(default_factory=dict, repr=False)
    _words: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _texts: list[str] = field(default_factory=list, repr=False)

    def find(self, quote: str) -> tuple[Passage, ...] | None:
        """The passages the quote's parts occur in, or None when a part occurs in none."""
        if quote in self._cache:
            return self._cache[quote]
        found: list[Passage] = []
        for part in parts(quote):
            hit = next((self.passages[i] for i in self._candidates(part) if part in self._texts[i]), None)
            if hit is None:
                self._cache[quote] = None
                return None
            found.append(hit)
        result = tuple(dict.fromkeys(found))
        self._cache[quote] = result
        return result

    def _candidates(self, part: str) -> list[int]:
        """The passages that could hold `part`: those containing its rarest whole word (a word
        with words on both sides is whole in any passage that holds the part). Keeps a file of
        many passages (a table of thousands of rows) from being scanned once per quote. A file
        of a few passages, as most are, is scanned whole: indexing its words would cost more."""
        if not self._texts:
            self._texts = [p.normalised for p in self.passages]
            if len(self._texts) > _SCANNED_WHOLE:
                for i, text in enumerate(self._texts):
                    for word in set(text.split(" ")):
                        self._words.setdefault(word, []).append(i)
        inner = part.split(" ")[1:-1]
        if not inner or len(self._texts) <= _SCANNED_WHOLE:
            return list(range(len(self._texts)))
        best: list[int] | None = None
        for w in inner:
            found = self._words.get(w, [])
            if len(found) <= 2:
                return found
            if best is None or len(found) < len(best):
                best = found
        return best or []


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_source_text(path: Path, source_id: str, shown: str,
                     problems: list[Problem]) -> SourceText | None:
    """Parse one file; every problem with it is added to `problems` (None if missing or
    unreadable). Read like every data file: never through a link, never blocking on a FIFO,
    never past the size limit, refusing control characters."""
    from .tables import control_character, read_bytes

    if not path.exists() and not path.is_symlink():
        return None
    raw = read_bytes(path, shown, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(shown, raw.count(b"\n", 0, e.start) + 1, "(encoding)", "not UTF-8"))
        return None
    if (bad := control_character(text)) is not None:
        problems.append(Problem(shown, text.count("\n", 0, bad[0]) + 1, "(text)",
                                f"holds the control character U+{ord(bad[1]):04X}; remove it"))
        return None
    lines = text.splitlines()
    header: dict[str, str] = {}
    n = 0
    while n < len(lines) and lines[n].strip() != SEPARATOR:
        line = lines[n]
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in HEADER_KEYS:
            problems.append(Problem(shown, n + 1, "(header)",
                                    f"expected 'key: value' with key one of {', '.join(HEADER_KEYS)}"))
        elif key.strip() in header:
            problems.append(Problem(shown, n + 1, key.strip(), "given twice"))
        else:
            header[key.strip()] = value.strip()
        n += 1
    for key in ("address", "taken"):
        if key not in header:
            problems.append(Problem(shown, 1, key, "required header line is missing"))
    taken = header.get("taken", "")
    if taken and not re.match(r"\d{4}-\d{2}-\d{2}( |$)", taken):
        problems.append(Problem(shown, 1, "taken", f"must start with a date YYYY-MM-DD, got {taken!r}"))
    passages: list[Passage] = []
    start, body = 0, list[str]()
    for i in range(n, len(lines)):
        if lines[i].strip() == SEPARATOR:
            if body and any(x.strip() for x in body):
                passages.append(Passage(start, "\n".join(body).strip()))
            elif start:
                problems.append(Problem(shown, start - 1, "passage", "empty passage"))
            start, body = i + 2, []
        else:
            body.append(lines[i])
    if body and any(x.strip() for x in body):
        passages.append(Passage(start, "\n".join(body).strip()))
    elif start:
        problems.append(Problem(shown, start - 1, "passage", "empty passage"))
    if not passages:
        problems.append(Problem(shown, 0, "(file)", "holds no passage (each starts after a line '---')"))
    return SourceText(source_id, shown, header, tuple(passages), hashlib.sha256(raw).hexdigest())


def render(address: str, taken: str, passages: list[str], note: str = "") -> str:
    """The text of a source file, in the format above (used by tools and tests that write one)."""
    head = [f"address: {address}", f"taken: {taken}"] + ([f"note: {note}"] if note else [])
    return "\n".join(head + [f"{SEPARATOR}\n{p.strip()}" for p in passages]) + "\n"
