"""What approximation words commit a writer to: one rule per word, stated in words.

"nearly 300,000" is true of 291,273 and false of 250,000 and of 300,001. The bands are
conventions, not laws, so each is written out in `RULES` for a reader to weigh; a claim's
explanation quotes the rule it was judged by.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class WordRule(NamedTuple):
    """The band a word allows around the stated figure. A NamedTuple, not a dataclass: see README, Performance."""

    low: Decimal | None
    high: Decimal | None
    low_inclusive: bool
    high_inclusive: bool
    text: str

    def holds(self, value: Decimal, stated: Decimal) -> bool:
        if self.low is not None:
            bound = stated * self.low
            if value < bound or (value == bound and not self.low_inclusive):
                return False
        if self.high is not None:
            bound = stated * self.high
            if value > bound or (value == bound and not self.high_inclusive):
                return False
        return True


_NEARLY = WordRule(Decimal("0.9"), Decimal(1), True, False,
                   "'{word} X' holds from 90% of X up to, but not including, X")
_ABOUT = WordRule(Decimal("0.9"), Decimal("1.1"), True, True,
                  "'{word} X' holds within 10% either side of X")
_MORE = WordRule(Decimal(1), None, False, True, "'{word} X' holds for anything above X")
_AT_LEAST = WordRule(Decimal(1), None, True, True, "'{word} X' holds for X or more")
_UNDER = WordRule(None, Decimal(1), True, False, "'{word} X' holds for anything below X")
_UP_TO = WordRule(None, Decimal(1), True, True, "'{word} X' holds for X or less")

RULES: dict[str, WordRule] = {
    "nearly": _NEARLY, "almost": _NEARLY, "close to": _NEARLY, "just under": _NEARLY,
    "about": _ABOUT, "around": _ABOUT, "roughly": _ABOUT, "some": _ABOUT,
    "approximately": _ABOUT,
    "more than": _MORE, "over": _MORE,
    "at least": _AT_LEAST,
    "under": _UNDER, "fewer than": _UNDER, "less than": _UNDER,
    "up to": _UP_TO,
}


def rule_text(word: str) -> str:
    return RULES[word].text.format(word=word)
