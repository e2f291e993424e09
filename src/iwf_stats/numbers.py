"""How published numbers are written, parsed and rounded.

One place for the reading of "291,270", "29%", "£137 million", "seven years" or
"17 March 2025", and for the rounding rules the publishers use, so that the records,
the claims and the charts all read a figure the same way.
"""

from __future__ import annotations

import operator
import re
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal, SupportsIndex

Rounding = Literal["exact", "nearest_1", "down_1", "nearest_10", "down_10", "up_10", "nearest_100",
                   "down_100", "nearest_1000", "down_1000", "nearest_100000", "nearest_1000000"]

#: What each rounding rule means, in words a reader can check by hand. A rule belongs to the
#: figure (each observation and claim names its own): no publisher rounds one way throughout.
ROUNDING_RULES: dict[str, str] = {
    "exact": "published exactly",
    "nearest_1": "rounded to the nearest whole number",
    "down_1": "rounded down to a whole number (the fraction dropped)",
    "nearest_10": "rounded to the nearest ten",
    "down_10": "rounded down to tens (the last digit dropped)",
    "up_10": "rounded up to the next ten",
    "nearest_100": "rounded to the nearest hundred",
    "down_100": "rounded down to hundreds (the last two digits dropped)",
    "nearest_1000": "rounded to the nearest thousand",
    "down_1000": "rounded down to thousands",
    "nearest_100000": "rounded to the nearest hundred thousand ('36.2 million')",
    "nearest_1000000": "rounded to the nearest million ('88 million')",
}

_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
#: Digits grouped in threes by a full stop or a space, as INHOPE ("587.852") and NMHH
#: ("1 038 250") print counts: one separator throughout, every three digits.
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[. \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_DECIMAL = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_NUMBER = re.compile(rf"(?P<digits>{_DECIMAL})(?:\s+(?P<scale>thousand|million|billion))?"
                     r"|(?P<words>[a-z]+(?:[\s-]+[a-z]+)*?)", re.IGNORECASE | re.ASCII)
_PERCENT = re.compile(r"(?P<n>.+?)\s*(?:%|per\s?cent|percent)")
_MONEY = re.compile(r"£(?P<n>[0-9][0-9,.]*(?:\s+(?:thousand|million|billion))?)(?P<short>m|bn)?")
_UNITS = ("years", "year", "days", "day", "victims", "weeks", "week", "months", "month")
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
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


def _words(text: str) -> int:
    """A number written in words, whole: "seven", "twenty-nine", "seven hundred",
    "three thousand and twelve". Anything else is refused."""
    tokens = [t for t in re.split(r"[\s-]+", text.strip().lower()) if t]
    if not tokens or tokens[0] == "and" or tokens[-1] == "and":
        raise NumberFormatError(f"{text!r} is not a number")
    total = current = 0
    seen_any = False
    for t in tokens:
        if t == "and":
            continue
        if t in _ONES:
            current += _ONES[t]
        elif t == "hundred" and seen_any:
            current *= 100
        elif t in _SCALES and seen_any:
            total += current * _SCALES[t]
            current = 0
        else:
            raise NumberFormatError(f"{text!r} is not a number written in words")
        seen_any = True
    return total + current


def _number(text: str, *, decimals: bool) -> Decimal:
    """Digits with separators every three places, optionally a decimal part and a scale word
    ("36.2 million"), or a number in words. The whole text must be read."""
    t = text.strip()
    m = _NUMBER.fullmatch(t)
    if m is None:
        raise NumberFormatError(f"{text!r} is not a number")
    if m.group("digits") is not None:
        digits = m.group("digits")
        scale = m.group("scale")
        if "." in digits and not (decimals or scale):
            raise NumberFormatError(f"{text!r} is not a whole number")
        return Decimal(digits.replace(",", "")) * _SCALES.get((scale or "").lower(), 1)
    return Decimal(_words(m.group("words")))


def written_as_percent(text: str) -> bool:
    """Whether a figure is printed as a percentage: "29%", "47 per cent", "78 percent".

    >>> written_as_percent("47 per cent"), written_as_percent("47,000")
    (True, False)
    """
    return _PERCENT.fullmatch(text.strip()) is not None


def parse_count(text: str) -> int:
    """Read a whole number as publishers print it: "291,270", "987", or in words ("seven").

    Thousands separators must sit every three digits: "29,1270" is refused, because a
    misplaced comma is how a transcription error usually shows; so are "13_182", "2013.0"
    and digits from other scripts. A count is a whole number, so digits grouped in threes
    by a full stop or a space, one separator throughout, are thousands too, as some
    publishers print them ("587.852", "1 038 250"); "117, 544" and "1.038 250" are refused.

    >>> parse_count("291,270"), parse_count("seven"), parse_count("seven hundred")
    (291270, 7, 700)
    >>> parse_count("587.852"), parse_count("1 038 250")
    (587852, 1038250)
    """
    t = text.strip()
    if _COUNT.fullmatch(t):
        return int(t.replace(",", ""))
    if m := _GROUPED.fullmatch(t):
        return int(t.replace(m.group("sep"), ""))
    try:
        value = _number(t, decimals=False)
    except NumberFormatError:
        raise NumberFormatError(f"{text!r} is not a whole number written as 1,234 or 1234") from None
    if value != value.to_integral_value():
        raise NumberFormatError(f"{text!r} is not a whole number")
    return int(value)


def parse_number(text: str) -> Decimal:
    """Read a figure as written, in full: a count, a percentage ("830 percent", "5.67%"), a sum
    in pounds ("£137 million", "£18m"), or a number followed by its unit ("seven years",
    "29-year", "725 victims", "a decade"). Scale words count ("830 thousand percent" is
    830,000%, "300 million" is 300,000,000); anything left unread is an error.

    >>> parse_number("830 percent"), parse_number("£137 million"), parse_number("29-year")
    (Decimal('830'), Decimal('137000000'), Decimal('29'))
    """
    from .limits import MAX_FIGURE_CHARS

    t = text.strip()
    if len(t) > MAX_FIGURE_CHARS:
        raise NumberFormatError(f"a figure of {len(t)} characters is longer than {MAX_FIGURE_CHARS}")
    if m := _PERCENT.fullmatch(t):
        return _number(m.group("n"), decimals=True)
    if m := _MONEY.fullmatch(t):
        short = {"m": 10**6, "bn": 10**9}.get(m.group("short") or "", 1)
        return _number(m.group("n"), decimals=True) * short
    if t.lower() in ("decade", "a decade"):
        return Decimal(10)
    for unit in _UNITS:
        for sep in (" ", "-"):
            if t.lower().endswith(sep + unit):
                return _number(t[: -len(unit) - 1], decimals=False)
    return _number(t, decimals=False)


def parse_date(text: str) -> str:
    """Read a date as written ("17 March 2025", "February 2015", "1996") into ISO form at
    the precision it was written with ("2025-03-17", "2015-02", "1996")."""
    parts = text.replace(",", "").split()
    try:
        if len(parts) == 1 and re.fullmatch(r"[0-9]{4}", parts[0]):
            return parts[0]
        if len(parts) == 2 and parts[0].lower() in _MONTHS and re.fullmatch(r"[0-9]{4}", parts[1]):
            return f"{parts[1]}-{_MONTHS[parts[0].lower()]:02d}"
        if len(parts) == 3 and parts[1].lower() in _MONTHS:
            return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0])).isoformat()
    except ValueError as e:
        raise NumberFormatError(f"{text!r} is not a real date: {e}") from e
    raise NumberFormatError(f"{text!r} is not a date written as '17 March 2025', 'March 2025' or '2025'")


def check_iso_date(value: str) -> str:
    """Accept "YYYY", "YYYY-MM" or "YYYY-MM-DD" that name a real date; return it unchanged."""
    try:
        if re.fullmatch(r"[0-9]{4}", value):
            return value
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
            date(int(value[:4]), int(value[5:]), 1)
            return value
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
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
    if rule not in ROUNDING_RULES:
        raise ValueError(f"unknown rounding rule {rule!r}")
    how, step = _rule(rule)
    mode = {"nearest": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}[how]
    return (d / step).quantize(Decimal(1), rounding=mode) * step


def _rule(rule: str) -> tuple[str, int]:
    how, _, step = rule.partition("_")
    return how, int(step)


def rounding_step(rule: Rounding) -> int:
    """The unit a rule rounds to (1 for exact figures)."""
    return 1 if rule == "exact" else _rule(rule)[1]


def true_range(value: int, rule: Rounding) -> tuple[Decimal, Decimal]:
    """The smallest and largest exact figure that `rule` could have printed as `value`.

    >>> true_range(31260, "down_10"), true_range(153400, "nearest_100")
    ((Decimal('31260'), Decimal('31269')), (Decimal('153350'), Decimal('153449')))
    """
    v = Decimal(value)
    if rule == "exact":
        return v, v
    how, step = _rule(rule)
    if how == "down":
        return v, v + step - 1
    if how == "up":
        return v - step + 1, v
    half = Decimal(step) / 2
    low = v - half if step > 1 else v - Decimal("0.5")
    return low, v + half - 1 if step > 1 else v + Decimal("0.49")


def is_consistent_with_rounding(value: int, rule: Rounding) -> bool:
    """A figure rounded to tens must end in 0 (to hundreds in 00, …); a whole-number figure is
    always consistent."""
    return value % rounding_step(rule) == 0


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
