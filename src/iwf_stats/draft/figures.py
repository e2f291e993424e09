"""Finding the figures in a sentence: counts, percentages, fold changes, fractions, money,
durations, years, dates, superlatives and relative dates.

Number words are read by text2num (`alpha2digit`: "nearly three hundred thousand" →
"nearly 300000", "five per cent" → "5 per cent"), which is written in Rust and imports in a
few milliseconds; the approximation words are the claims engine's own (`claims.words.RULES`),
month names come from the standard library's `calendar`, and sums of money are read by
price-parser. Each figure keeps the article's own words (`stated`), found by aligning the
converted sentence with the original word by word.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from ..claims.words import RULES

_MONTHS = [m for m in calendar.month_name if m]
_WORDS = sorted(RULES, key=len, reverse=True)
_WORD = "|".join(re.escape(w) for w in _WORDS)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = {"1000": 10**3, "1000000": 10**6, "1000000000": 10**9}
# "per cent", "percent", "%": the forms the sources and the press use.
_PCT = r"(?:\s?%|\s?per\s?cent\b|\s?percent\b)"
_MONTH = "|".join(_MONTHS)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})\b")),
    # a day and month without a year ("Tuesday 25 April"): not a count, and nothing to check
    ("skip", re.compile(rf"\b(?:\d{{1,2}} (?:{_MONTH})|(?:{_MONTH}) \d{{1,2}})\b(?! \d{{4}})(?!,? \d{{4}})")),
    ("money", re.compile(rf"([£$€])\s?({_NUM})(?: (1000000000|1000000|1000)|(bn|m|k)\b)?")),
    ("count_fraction", re.compile(r"\b(?:(a|an|one|\d+) (half|quarter|quarters|\d+(?:st|nd|rd|th)s?) of an?"
                                  r"|(half) an?) (1000000000|1000000|1000)\b")),
    ("fold", re.compile(rf"\b({_NUM})[ -]?fold\b", re.IGNORECASE)),
    ("fraction", re.compile(r"(?:(?<![\d,.])(\d{1,2}) (?:in|out of) (?:every )?(\d{1,3})\b(?![,.]\d)"
                            r"|(a|an|one|\d+) (half|quarter|quarters|\d+(?:st|nd|rd|th)s?)\b"
                            r"(?! of (?:the|a|an|its|\d)\b)"
                            r"|\b(half)\b(?= of\b))")),
    ("points", re.compile(rf"(?<![\w.,])({_NUM}) percentage[ -]points?\b")),
    ("percent", re.compile(rf"(?<![\w.,])({_NUM}){_PCT}")),
    ("duration", re.compile(rf"(?<![\w.,])({_NUM})[ -](year|decade)s?\b(?![ -]olds?\b)", re.IGNORECASE)),
    ("decade", re.compile(r"\b(?:the )?(?:past|last) (decade)\b", re.IGNORECASE)),
    ("year", re.compile(r"(?<![\w.,£$€-])(1[89]\d\d|20\d\d)(?![\w%-]|[.,]\d)")),
    ("month", re.compile(rf"\b(?:in|from|since|by|until|since|before|after) ({_MONTH})\b(?! \d)")),
    ("count", re.compile(rf"(?<![\w.,£$€-])({_NUM})(?: (1000000000|1000000|1000)\b)?(?![\w%-]|\.\d)"
                         r"(?! (?:hours?|days?|weeks?|months?|minutes?|seconds?|years?|decades?)\b)")),
]
_RECORD = re.compile(
    r"\b(?:(?:worst|best|highest|lowest|biggest|largest) (?:\w+ ){0,2}on record"
    r"|(?:a |the )?record(?:-breaking)?(?= (?:number|level|high|numbers|levels|year|amount)\b)"
    r"|the (?:most|highest|largest|greatest) (?:[\w-]+ ){0,6}ever\b(?: (?:discovered|recorded|seen|found))?"
    r"|(?:a )?new record\b|highest ever\b|most extreme year on record"
    r"|(?:the )?(?:highest|most|largest|biggest|worst|greatest) (?:[\w-]+ ){0,4}since(?= (?:19|20)\d\d\b))",
    re.IGNORECASE)


# The verbs of multiplication no number library reads ("double the number", "tripled").
_MULTIPLES = {"doub": 2, "twic": 2, "trip": 3, "treb": 3, "quad": 4}
_MULTIPLE = re.compile(r"\b(doubl(?:e|ed|ing)|twice|tripl(?:e|ed|ing)|trebl(?:e|ed|ing)|quadrupl(?:e|ed|ing))\b",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One figure: what kind, the article's words for it, its value, and where it sits."""

    kind: str
    stated: str           # the article's own words for the figure
    value: Decimal
    start: int            # character offsets in the sentence
    end: int
    word: str | None = None  # approximation word before it ("nearly"), as written
    unit: str = ""        # currency sign, "year"/"decade", the fraction's words, the month

    @property
    def rule_word(self) -> str | None:
        return self.word.lower() if self.word else None


class _Aligned:
    """The sentence with number words turned into digits, and a map back to its words."""

    def __init__(self, sentence: str) -> None:
        from text_to_num import alpha2digit  # type: ignore[import-untyped]

        # Hyphens between letters become spaces ("seven-year" → "seven year"): same length,
        # so offsets stay those of the sentence.
        base = re.sub(r"(?<=[A-Za-z0-9])-(?=[A-Za-z])", " ", sentence)
        orig = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", base)]
        conv = alpha2digit(base, "en").split()
        ops = SequenceMatcher(None, [o[0] for o in orig], conv, autojunk=False).get_opcodes()
        pieces: list[str] = []
        self.spans: list[tuple[int, int, int, int]] = []  # converted start/end → original start/end
        pos = 0
        for tag, i1, i2, j1, j2 in ops:
            for j in range(j1, j2):
                if tag == "equal":
                    o_start, o_end = orig[i1 + j - j1][1], orig[i1 + j - j1][2]
                elif i2 > i1:
                    o_start, o_end = orig[i1][1], orig[i2 - 1][2]
                else:  # an inserted token: attach it to the previous word
                    o_start, o_end = (orig[i1 - 1][1], orig[i1 - 1][2]) if i1 else (0, 0)
                tok = conv[j]
                self.spans.append((pos, pos + len(tok), o_start, o_end))
                pieces.append(tok)
                pos += len(tok) + 1
        self.text = " ".join(pieces)
        self.sentence = sentence

    def original(self, start: int, end: int) -> tuple[int, int]:
        hit = [s for s in self.spans if s[0] < end and s[1] > start]
        if not hit:
            return start, start
        a, b = hit[0], hit[-1]
        # Inside a single unchanged token the offsets carry over exactly.
        o_start = a[2] + (start - a[0]) if a[3] - a[2] == a[1] - a[0] else a[2]
        o_end = b[3] - (b[1] - end) if b[3] - b[2] == b[1] - b[0] else b[3]
        return o_start, o_end


def _num(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def _plural_word(words: str) -> bool:
    """"hundreds", "thousands": text2num reads them as 100 and 1,000, which no writer meant."""
    return bool(re.search(r"\b(?:hundreds|thousands|millions|tens|dozens)\b", words.lower()))


def find_figures(sentence: str) -> list[Figure]:
    """Every figure in one sentence, in order, none overlapping another."""
    al = _Aligned(sentence)
    taken: list[tuple[int, int]] = []
    found: list[Figure] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(kind: str, m: re.Match[str], value: Decimal, unit: str = "") -> None:
        a, b = m.start(), m.end()
        if not free(a, b):
            return
        o_start, o_end = al.original(a, b)
        stated = sentence[o_start:o_end].strip(" ,;:()")
        if not stated or _plural_word(stated):
            return
        o_start = sentence.index(stated, o_start)
        o_end = o_start + len(stated)
        taken.append((a, b))
        word = None
        before = sentence[:o_start].rstrip()
        w = re.search(rf"\b({_WORD})$", before, re.IGNORECASE)
        if w and kind in ("count", "percent", "fraction", "money", "fold"):
            word = w.group(1)
        found.append(Figure(kind, stated, value, o_start, o_end, word, unit))

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(al.text):
            if kind == "skip":
                taken.append((m.start(), m.end()))
            elif kind == "date":
                add(kind, m, Decimal(m.group(3)), m.group(2))
            elif kind == "money":
                scale = _SCALE.get(m.group(3) or "", {"bn": 10**9, "m": 10**6, "k": 10**3}.get(m.group(4) or "", 1))
                add(kind, m, _money(m.group(1) + m.group(2)) * scale, m.group(1))
            elif kind == "fraction":
                if m.group(1):
                    top, bottom = _num(m.group(1)), _num(m.group(2))
                elif m.group(5):
                    top, bottom = Decimal(1), Decimal(2)
                else:
                    top = Decimal(1) if m.group(3).lower() in ("a", "an", "one") else _num(m.group(3))
                    name = m.group(4).lower()
                    bottom = Decimal({"half": 2, "quarter": 4, "quarters": 4}.get(name)
                                     or _num(re.sub(r"\D", "", name)))
                if bottom:
                    add(kind, m, top / bottom, "fraction")
            elif kind == "count_fraction":
                if m.group(3):
                    part = Decimal(1) / 2
                else:
                    top = Decimal(1) if m.group(1).lower() in ("a", "an", "one") else _num(m.group(1))
                    name = m.group(2).lower()
                    part = top / Decimal({"half": 2, "quarter": 4, "quarters": 4}.get(name)
                                         or _num(re.sub(r"\D", "", name)))
                add("count", m, part * _SCALE[m.group(4)])
            elif kind == "decade":
                add(kind, m, Decimal(10), "decade")
            elif kind == "duration":
                years = _num(m.group(1)) * (10 if m.group(2).lower() == "decade" else 1)
                add(kind, m, years, m.group(2).lower())
            elif kind == "month":
                month = re.search(_MONTH, m.group(0))
                assert month is not None
                span = re.search(month.group(), al.text[m.start():m.end()])
                assert span is not None
                sub = _Sub(m.start() + span.start(), m.start() + span.end())
                add(kind, sub, Decimal(_MONTHS.index(month.group()) + 1), month.group())  # type: ignore[arg-type]
            elif kind == "count":
                value = _num(m.group(1)) * _SCALE.get(m.group(2) or "", 1)
                if ("." in m.group(1) and not m.group(2)) or value < 10:
                    continue  # 2.8 alone is a measurement; "three to six" is not a published count
                add(kind, m, value)
            else:
                add(kind, m, _num(m.group(1)))
    for m in re.finditer(r"\b([A-Za-z]+)fold\b", sentence):  # "ninefold": one word text2num leaves alone
        from text_to_num import alpha2digit

        digits = alpha2digit(m.group(1), "en", threshold=0)
        if digits.isdigit() and all(m.end() <= f.start or m.start() >= f.end for f in found):
            found.append(Figure("fold", m.group(), Decimal(digits), m.start(), m.end()))
    for m in _MULTIPLE.finditer(sentence):
        if all(m.end() <= f.start or m.start() >= f.end for f in found):
            found.append(Figure("fold", m.group(), Decimal(_MULTIPLES[m.group(1).lower()[:4]]), m.start(), m.end()))
    for m in _RECORD.finditer(sentence):
        if all(m.end() <= f.start or m.start() >= f.end for f in found):
            found.append(Figure("record", m.group().strip(), Decimal(0), m.start(), m.end()))
    found.extend(_relative_dates(sentence, found))
    return sorted(found, key=lambda f: f.start)


class _Sub:
    """A match-like span inside a larger match (the month in "from March")."""

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _money(text: str) -> Decimal:
    from price_parser import Price

    amount = Price.fromstring(text).amount
    return Decimal(amount) if amount is not None else Decimal(0)


# The relative expressions dateparser resolves against a reference date.
# Only the week: the claims engine places "last week" and "this week" against a date; "last
# year" is read as context (the year a figure describes), "last night" checks nothing.
_RELATIVE = re.compile(r"\b(?:last|this) week\b", re.IGNORECASE)


def _relative_dates(sentence: str, found: list[Figure]) -> list[Figure]:
    out = []
    for m in _RELATIVE.finditer(sentence):
        if any(m.start() < f.end and m.end() > f.start for f in found):
            continue
        out.append(Figure("relative_date", m.group(), Decimal(0), m.start(), m.end()))
    return out
