"""A drafted statement, and the small rules every judge shares: which words mark a change,
how close a mistyped figure is, and whether the ledger reads a figure back as written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from ..claims.models import Claim, Verdict
from ..numbers import NumberFormatError, fmt_count, parse_number
from .figures import Figure

# "more" and "less" mark a change ("5% more webpages"), but not in "more than" and "less than".
CHANGE = re.compile(r"\b(increase[sd]?|rise|rose|risen|up|jump(?:ed)?|growth|grew|higher|more(?! than)|surge[sd]?|"
                    r"increment|fall|fell|down|decrease[sd]?|drop(?:ped)?|lower|decline[sd]?|less(?! than))\b",
                    re.IGNORECASE)
PREVIOUS = re.compile(r"\b(?:the )?(?:previous year|year before|prior year|last year's)\b", re.IGNORECASE)
ANAPHOR = re.compile(r"(?:this|that|it|these|those|which|the (?:figure|total|number|rise|increase|fall)s?)\b",
                     re.IGNORECASE)
LAST_YEAR = re.compile(r"\blast year\b", re.IGNORECASE)


@dataclass
class Statement:
    """One checkable statement and its verdict, ready for the table, JSON and the ledger."""

    quote: str
    stated: str
    kind: str
    verdict: Verdict
    computed: str
    explanation: str
    match: dict[str, Any] = field(default_factory=dict)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    claim: Claim | None = None
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"quote": self.quote, "stated": self.stated, "kind": self.kind, "verdict": self.verdict,
                "computed": self.computed, "match": self.match, "alternatives": self.alternatives,
                "explanation": self.explanation}


@dataclass
class Context:
    """What earlier sentences established: the year and series the article is talking about."""

    year: int | None = None
    series: list[str] = field(default_factory=list)
    subject_text: str = ""  # the last sentence that named a fact's subject


@cache
def roundings(f: Figure) -> list[tuple[str, int]]:
    digits = re.sub(r"\D", "", f.stated.split(".")[0]) if re.search(r"\d", f.stated) else str(int(f.value))
    zeros = len(digits) - len(digits.rstrip("0")) if int(f.value) else 0
    out: list[tuple[str, int]] = [("exact", 0)]
    if zeros >= 1:
        out += [("nearest_10", 1), ("down_10", 1)]
    out += [("nearest", k) for k in range(2, zeros + 1)]
    return out


@cache
def adapter() -> TypeAdapter[Claim]:
    """Built once: building a TypeAdapter for the claim union costs milliseconds each time."""
    return TypeAdapter(Claim)


def reads_as(stated: str, value: Decimal) -> bool:
    """The ledger reads `stated` back as the same figure (digits do; most number words do not)."""
    try:
        return parse_number(stated) == value
    except NumberFormatError:
        return False


def close(stated: int, value: int, within_tenth: bool = True) -> bool:
    """Within 10% either side; or, for figures in the thousands, a digit dropped, added or
    changed (a two-digit "24" is not a mangled 245)."""
    a, b = str(stated), str(value)
    if within_tenth and value and abs(stated - value) <= value // 10:
        return True
    if min(stated, value) < 1000 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def diff(stated: int, value: int) -> str:
    a, b = str(stated), str(value)
    if len(a) + 1 == len(b):
        return "a digit dropped"
    if len(a) == len(b) + 1:
        return "a digit added"
    return f"off by {fmt_count(abs(stated - value))}"
