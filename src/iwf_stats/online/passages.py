"""The saved source texts (`data/sources/<source_id>.txt`) and how a quote is found in text.

A source text holds the passages of a page that the dataset quotes, exactly as published,
so that anyone can see the words a figure was taken from without the page. Its format
(shared with the loader's own checks):

    address: <the source's url, as in sources.csv>
    taken: <YYYY-MM-DD> from <where the text was copied from>
    ---
    <passage 1, verbatim, may span several lines>
    ---
    <passage 2>

This module reads and writes that format and defines "occurs": the one comparison used
between a quote, a saved passage and a live page, forgiving only what typesetting changes
(runs of whitespace, typographic quotes) and never a letter or a digit.

    >>> occurs("2024’s figures …  31,260 webpages", "In 2024's figures: 31,260\\nwebpages found")
    True
    >>> occurs("31,260 webpages", "31,266 webpages")
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import sourcetext
from ..errors import Problem
from ..loading import TEXTS_FOLDER

#: The folder, inside the data folder, that holds one text file per source.
SOURCES_DIR = TEXTS_FOLDER
#: The line that starts each passage.
SEPARATOR = "---"
#: Header keys a source text must have, in the order they are written.
HEADER_KEYS = ("address", "taken")

_HEADER = re.compile(r"([a-z_]+): ?(.*)")
# One normalisation for the loader and the online check: what "a quote occurs" means must
# not differ between the offline and the online checks.
normalise = sourcetext.normalise
quote_parts = sourcetext.parts


def occurs(quote: str, text: str) -> bool:
    """Whether every part of `quote` occurs in `text`, after `normalise` on both."""
    haystack = normalise(text)
    return all(part in haystack for part in quote_parts(quote))


@dataclass(frozen=True)
class SourceText:
    """One saved source text: its header (`address`, `taken`, …) and its passages."""

    header: tuple[tuple[str, str], ...]
    passages: tuple[str, ...]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.header if k == key), None)

    def render(self) -> str:
        """The file's text; `parse_source_text(render(t))` gives `t` back."""
        lines = [f"{k}: {v}" for k, v in self.header]
        for passage in self.passages:
            lines += [SEPARATOR, passage]
        return "\n".join(lines) + "\n"


def source_text_path(data_dir: Path, source_id: str) -> Path:
    return data_dir / SOURCES_DIR / f"{source_id}.txt"


def parse_source_text(text: str, shown: str, problems: list[Problem]) -> SourceText | None:
    """Parse a source text; record every problem (file, line, field) and return None if any.

    >>> t = parse_source_text("address: https://x.org/a\\ntaken: 2025-01-30 from a copy\\n"
    ...                       "---\\nOne.\\nTwo.\\n", "x", [])
    >>> t.passages
    ('One.\\nTwo.',)
    """
    found: list[Problem] = []
    lines = text.splitlines()
    header: list[tuple[str, str]] = []
    i = 0
    while i < len(lines) and lines[i] != SEPARATOR:
        m = _HEADER.fullmatch(lines[i])
        if m is None:
            found.append(Problem(shown, i + 1, "(header)",
                                 f"expected 'key: value' or a line '{SEPARATOR}', got {lines[i]!r}"))
        elif any(k == m.group(1) for k, _ in header):
            found.append(Problem(shown, i + 1, m.group(1), "repeated header line"))
        else:
            header.append((m.group(1), m.group(2).strip()))
        i += 1
    for key in HEADER_KEYS:
        if not any(k == key for k, _ in header):
            found.append(Problem(shown, 1, key, "required header line missing"))
    passages: list[str] = []
    start = i + 1
    for j in range(i + 1, len(lines) + 1):
        if j == len(lines) or lines[j] == SEPARATOR:
            passage = "\n".join(lines[start:j]).strip("\n")
            if not passage.strip():
                found.append(Problem(shown, start, "(passage)", "empty passage"))
            else:
                passages.append(passage)
            start = j + 1
    if not passages and not found:
        found.append(Problem(shown, len(lines) or 1, "(passage)",
                             f"no passages: each starts after a line '{SEPARATOR}'"))
    problems.extend(found)
    return None if found else SourceText(tuple(header), tuple(passages))
