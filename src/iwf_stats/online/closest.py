"""The passage now on a page that comes closest to one that is no longer there (difflib).

When a publisher revises a figure, the saved passage no longer occurs on the page, and
the reviewer needs to see what the page says instead. Comparing the passage with every
window of the page would take seconds per page, so windows are first aligned the way a
diff program aligns texts: each word the passage shares with the page votes for where
the passage would start, and only the best-voted starts are scored with
`difflib.SequenceMatcher`.

    >>> m = closest_passage("acted on 291,270 webpages in 2024", "Last year it acted on 291,275 webpages in 2024. Then")
    >>> m.text, round(m.similarity, 2)
    ('acted on 291,275 webpages in 2024.', 0.96)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from .passages import normalise

#: Words that occur more often than this on a page are too common to align on.
_COMMON = 200
#: Candidate starts scored per passage.
_CANDIDATES = 12
#: Extra words tried at each end of a window.
_SLACK = 3


@dataclass(frozen=True)
class Closest:
    text: str
    similarity: float  # difflib's ratio, 0 to 1


def closest_passage(passage: str, page: str) -> Closest | None:
    """The window of `page` most like `passage` (both normalised), or None if no word is shared."""
    wanted = normalise(passage)
    a = wanted.split(" ")
    b = normalise(page).split(" ")
    where: dict[str, list[int]] = {}
    for j, word in enumerate(b):
        where.setdefault(word, []).append(j)
    votes: Counter[int] = Counter()
    for i, word in enumerate(a):
        positions = where.get(word, [])
        if len(positions) <= _COMMON:
            votes.update(j - i for j in positions)
    if not votes:
        return None
    # Find the start on words (fast), then the window's ends on characters.
    _, start = max(
        (SequenceMatcher(None, a, b[s:s + len(a)], autojunk=False).ratio(), -s)
        for candidate, _ in votes.most_common(_CANDIDATES)
        for s in range(max(candidate - _SLACK, 0), max(candidate + _SLACK + 1, 0))
        if s < len(b)
    )
    best: Closest | None = None
    for s in range(max(-start - _SLACK, 0), -start + _SLACK + 1):
        for n in range(max(len(a) - _SLACK, 1), len(a) + _SLACK + 1):
            text = " ".join(b[s:s + n])
            if text:
                ratio = SequenceMatcher(None, wanted, text, autojunk=False).ratio()
                if best is None or ratio > best.similarity:
                    best = Closest(text, ratio)
    return best
