"""How published numbers are written, parsed and rounded.

One place for the reading of "291,270", "29%", "£137 million", "seven years" or
"17 March 2025", and for the rounding rules the publishers use, so that the records,
the claims and the charts all read a figure the same way.
"""

from __future__ import annotations

import operator
import re
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal, SupportsIndex

Rounding = Literal["exact", "nearest_1", "down_1", "nearest_10", "down_10"]

#: What each rounding rule means, in words a reader can check by hand.
ROUNDING_RULES: dict[str, str] = {
    "exact": "published exactly",
    "nearest_1": "rounded to the nearest whole number",
    "down_1": "rounded down to a whole number (the fraction dropped)",
    "nearest_10": "rounded to the nearest ten",
    "down_10": "rounded down to tens (the last digit dropped)",
}

_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s?cent|percent)")
_MONEY = re.compile(r"£(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|m|bn))?")
_SCALE = {"million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, None: 1}
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "decade": 10,
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}


class NumberFormatError(ValueError):
    """A figure is not written in a form this project knows how to read."""


def parse_count(text: str) -> int:
    """Read a whole number as publishers print it: "291,270", "987", or a word ("seven").

    Thousands separators must sit every three digits: "29,1270" is refused, because a
    misplaced comma is how a transcription error usually shows.

    >>> parse_count("291,270"), parse_count("seven")
    (291270, 7)
    """
    t = text.strip()
    if _COUNT.fullmatch(t):
        return int(t.replace(",", ""))
    if t.lower() in _WORDS:
        return _WORDS[t.lower()]
    raise NumberFormatError(f"{text!r} is not a whole number written as 1,234 or 1234")


def parse_number(text: str) -> Decimal:
    """Read any figure as written: a count, a percentage, a sum in pounds, or a number word
    followed by a unit ("seven years", "29-year", "725 victims")."""
    t = text.strip()
    if m := _PERCENT.fullmatch(t):
        return Decimal(m.group(1))
    if m := _MONEY.fullmatch(t):
        return Decimal(m.group(1).replace(",", "")) * _SCALE[m.group(2)]
    head = re.split(r"[\s-]", t, maxsplit=1)[0]
    if head.lower() in _WORDS:
        return Decimal(_WORDS[head.lower()])
    if _COUNT.fullmatch(head):
        return Decimal(head.replace(",", ""))
    try:
        return Decimal(parse_count(t))
    except NumberFormatError:
        pass
    if re.fullmatch(r"\d+\.\d+", t):
        return Decimal(t)
    raise NumberFormatError(f"{text!r} is not a figure this project can read")


def parse_date(text: str) -> str:
    """Read a date as written ("17 March 2025", "February 2015", "1996") into ISO form at
    the precision it was written with ("2025-03-17", "2015-02", "1996")."""
    parts = text.replace(",", "").split()
    try:
        if len(parts) == 1 and re.fullmatch(r"\d{4}", parts[0]):
            return parts[0]
        if len(parts) == 2 and parts[0].lower() in _MONTHS and re.fullmatch(r"\d{4}", parts[1]):
            return f"{parts[1]}-{_MONTHS[parts[0].lower()]:02d}"
        if len(parts) == 3 and parts[1].lower() in _MONTHS:
            return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0])).isoformat()
    except ValueError as e:
        raise NumberFormatError(f"{text!r} is not a real date: {e}") from e
    raise NumberFormatError(f"{text!r} is not a date written as '17 March 2025', 'March 2025' or '2025'")


def check_iso_date(value: str) -> str:
    """Accept "YYYY", "YYYY-MM" or "YYYY-MM-DD" that name a real date; return it unchanged."""
    try:
        if re.fullmatch(r"\d{4}", value):
            return value
        if re.fullmatch(r"\d{4}-\d{2}", value):
            date(int(value[:4]), int(value[5:]), 1)
            return value
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return value
    except ValueError as e:
        raise NumberFormatError(f"{value!r} is not a real date: {e}") from e
    raise NumberFormatError(f"{value!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")


def apply_rounding(value: Decimal | float | int, rule: Rounding) -> Decimal:
    """Round as the publisher did. Half-way cases round up, as the IWF's percentages do.

    >>> int(apply_rounding(31266, "nearest_10")), int(apply_rounding(31266, "down_10"))
    (31270, 31260)
    """
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if rule == "exact":
        return d
    if rule == "nearest_1":
        return d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if rule == "down_1":
        return d.quantize(Decimal(1), rounding=ROUND_FLOOR)
    if rule == "nearest_10":
        return (d / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10
    if rule == "down_10":
        return (d / 10).quantize(Decimal(1), rounding=ROUND_FLOOR) * 10
    raise ValueError(f"unknown rounding rule {rule!r}")


def is_consistent_with_rounding(value: int, rule: Rounding) -> bool:
    """A figure rounded to tens must end in 0; a whole-number figure is always consistent."""
    return value % 10 == 0 if rule in ("nearest_10", "down_10") else True


def fmt_count(value: Decimal | float | int | SupportsIndex) -> str:
    """Print a figure the way the sources do: thousands separated by commas. Accepts numpy
    integers too, as pandas hands them out."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        d = Decimal(str(value))
    else:
        d = Decimal(operator.index(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,}"
