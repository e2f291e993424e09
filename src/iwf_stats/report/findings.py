"""What the check found about the newspaper article(s), in plain words, computed from the report.

The site's overview leads with this: how many of the article's claims hold, which are
contradicted and by how much, which cannot be checked. Every figure in these sentences
comes from the check report and the data (the stated phrase, the sourced figure it is set
against, the ratio between them), so a changed figure in data/ changes the words. The
sentences are plain text: the site escapes them like any other data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..claims import CheckReport, ClaimResult, Ledger
from ..dataset import Dataset
from ..numbers import NumberFormatError, fmt_count, parse_number
from ..summary import and_list

#: Verdicts in the order a reader needs them: what is wrong first, then what cannot be
#: checked, then what holds.
VERDICT_ORDER = {"contradicted": 0, "unverifiable": 1, "supported": 2}
#: Claim kinds whose stated figure is a count or a percentage of a series.
_SERIES_KINDS = ("value", "change", "share", "approximation")


@dataclass(frozen=True)
class Contradiction:
    """One contradicted claim: what the article says, what the data say, who says it, how far apart."""

    result: ClaimResult
    says: str          # the stated phrase, as printed
    evidence: str      # the sourced figure it is set against ("at least £137 million")
    source_id: str     # the source of that figure
    source: str        # its publisher and date, for the sentence ("UK Parliament (22 June 2020)")
    magnitude: str     # how far apart, in words ("at least 685 times as much"), or ""

    def render(self, esc: Callable[[str], str] = str,
               link: Callable[[str, str], str] = lambda text, _sid: text,
               label: str = "Contradicted:") -> str:
        """The sentence; `esc` escapes each piece of data, `link(text, source_id)` may link the
        source and `label` may be markup (the site passes html.escape, a link to the sources
        page and a verdict badge)."""
        far = f", {esc(self.magnitude)}" if self.magnitude else ""
        return (f"{label} {esc(self.result.title)}. The article says “{esc(self.says)}”; "
                f"{link(esc(self.source), self.source_id)} gives {esc(self.evidence)}{far}.")


@dataclass(frozen=True)
class Findings:
    """The article's claims, ordered for reading, and the sentences that sum them up."""

    articles: tuple[str, ...]                 # the articles' titles
    claims: tuple[ClaimResult, ...]           # contradicted first, then unverifiable, then supported
    contradicted: tuple[Contradiction, ...]
    held: tuple[tuple[ClaimResult, str], ...]  # supported series claims and their phrase as printed

    def count(self, verdict: str) -> int:
        return sum(r.verdict == verdict for r in self.claims)

    def headline(self) -> str:
        """"Of the 12 claims in the newspaper article “…”, 8 hold, 1 is contradicted and 3 cannot
        be checked from the published figures." """
        n = len(self.claims)
        where = ("the newspaper article " if len(self.articles) == 1 else "the newspaper articles ") + \
            and_list([f"“{t}”" for t in self.articles])
        parts = [_count(self.count("supported"), "holds", "hold"),
                 _count(self.count("contradicted"), "is contradicted", "are contradicted"),
                 _count(self.count("unverifiable"), "cannot be checked from the published figures",
                        "cannot be checked from the published figures")]
        parts = [p for p in parts if not p.startswith("0 ")] or ["none holds"]
        return f"Of the {n} claim{'s' if n != 1 else ''} in {where}, {and_list(parts)}."

    def holding(self) -> str:
        """The article's own figures that hold, each with the figure the data give."""
        if not self.held:
            return ""
        items = [f"“{phrase}” ({r.computed})" for r, phrase in self.held]
        return (f"The figure{'s' if len(items) > 1 else ''} that hold{'' if len(items) > 1 else 's'}, "
                f"with what the data give: {and_list(items)}.")

    def unchecked(self) -> str:
        names = [_lower_first(r.title) for r in self.claims if r.verdict == "unverifiable"]
        if not names:
            return ""
        return f"Cannot be checked: {and_list(names)}."

    def sentences(self) -> list[str]:
        """The whole summary, in order, as plain text."""
        if not self.claims:
            return []
        out = [self.headline(), *(c.render() for c in self.contradicted), self.holding(), self.unchecked()]
        return [s for s in out if s]


def _lower_first(title: str) -> str:
    """A heading inside a sentence: "What the inquiry cost" → "what the inquiry cost" (an
    acronym such as "IWF's" keeps its capitals)."""
    first = title.split(" ", 1)[0]
    return title if first[1:2].isupper() else title[:1].lower() + title[1:]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def article_documents(ds: Dataset, report: CheckReport) -> list[str]:
    """The ids of the newspaper articles the ledger checks, in ledger order."""
    return list(dict.fromkeys(r.document for r in report.results
                              if ds.sources[r.document].kind == "newspaper_article"))


def findings(ds: Dataset, ledger: Ledger, report: CheckReport) -> Findings:
    docs = article_documents(ds, report)
    mine = [r for r in report.results if r.document in docs]
    ordered = tuple(sorted(mine, key=lambda r: VERDICT_ORDER[r.verdict]))  # stable: ledger order within
    claims = {c.id: c for c in ledger.claims}
    contradicted = tuple(_contradiction(ds, claims[r.id], r) for r in ordered if r.verdict == "contradicted")
    held = tuple((r, _phrase(claims[r.id])) for r in mine
                 if r.verdict == "supported" and r.kind in _SERIES_KINDS)
    return Findings(tuple(ds.sources[d].title for d in docs), ordered, contradicted, held)


def _phrase(claim: object) -> str:
    """The stated figure with its qualifying word, as printed ("nearly 300,000")."""
    word = getattr(claim, "word", "")
    stated = str(getattr(claim, "stated", ""))
    return f"{word} {stated}" if word else stated


def _when(d: date | None) -> str:
    return f" ({d.day} {d:%B %Y})" if d else ""


def _contradiction(ds: Dataset, claim: object, r: ClaimResult) -> Contradiction:
    fact_id = getattr(claim, "fact", None)
    bound = ""
    if fact_id is not None:  # a sum or a date: the source's own words for it
        fact = ds.facts[fact_id]
        bound = {"at_least": "at least ", "at_most": "at most "}.get(fact.bound, "")
        evidence, source_id = bound + fact.as_written, fact.source_id
    else:
        evidence, source_id = r.computed, (r.sources[-1] if r.sources else "")
    source = ""
    if source_id:
        s = ds.sources[source_id]
        source = ds.publishers[s.publisher_id].name + _when(s.date_published)
    return Contradiction(r, r.stated, evidence, source_id, source or "the data", _magnitude(r, bound))


def _magnitude(r: ClaimResult, bound: str) -> str:
    """How far the data's figure is from the stated one, in words; "" when either is not a
    number. `bound` ("at least ", "at most " or "") is the data's figure's own bound."""
    if r.computed_number is None or r.kind in ("change", "share", "date", "relative_date", "record"):
        return ""
    try:
        stated = parse_number(r.stated)
    except NumberFormatError:
        return ""
    actual = Decimal(str(r.computed_number))
    if stated <= 0 or actual <= 0:
        return ""
    ratio = actual / stated
    if ratio >= 2:
        return f"{_times(ratio, bound)} times as much"
    if ratio <= Decimal("0.5"):
        flipped = {"at least ": "at most ", "at most ": "at least "}.get(bound, "")
        return f"{_times(1 / ratio, flipped)} times less than stated"
    pct = abs(ratio - 1) * 100
    return f"{bound}{pct:.1f}% {'more' if ratio > 1 else 'less'} than stated"


def _times(x: Decimal, bound: str) -> str:
    """A ratio in words: exact when whole ('685'); under a bound, rounded the safe way ('at
    least 68' for 68.5); otherwise 'about 12' or 'about 3.3'.

    >>> _times(Decimal(685), "at least "), _times(Decimal("68.5"), "at least "), _times(Decimal("3.25"), "")
    ('at least 685', 'at least 68', 'about 3.2')
    """
    if x == x.to_integral_value():
        return bound + fmt_count(x)
    if bound == "at least ":
        return bound + fmt_count(x.to_integral_value(rounding=ROUND_FLOOR))
    if bound == "at most ":
        return bound + fmt_count(x.to_integral_value(rounding=ROUND_CEILING))
    return f"about {fmt_count(x.quantize(Decimal(1)))}" if x >= 10 else f"about {x:.1f}"
