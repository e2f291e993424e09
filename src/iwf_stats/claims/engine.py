"""Reproducing each claim from the dataset, into a verdict a reader can follow.

Every evaluator returns the figure the data gives, the verdict, and a one-line explanation
showing the arithmetic, e.g. `291,273 / 31,266 − 1 = 831.6%; to the nearest ten: 830%;
stated 830% → supported`. Nothing here prints or exits; the command line reports.
Arithmetic is done in `Decimal`, so a rounding boundary is judged exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ..dataset import Dataset
from ..numbers import ROUNDING_RULES, apply_rounding, fmt_count, parse_date, parse_number, true_range
from ..records import Observation
from .ledger import Ledger
from .models import (
    AmountClaim,
    ApproximationClaim,
    ChangeClaim,
    Claim,
    DateClaim,
    DurationClaim,
    Endpoint,
    RecordBoundedClaim,
    RecordClaim,
    RelativeDateClaim,
    ShareClaim,
    ValueClaim,
    Verdict,
)
from .words import RULES, rule_text

if TYPE_CHECKING:
    import pandas as pd

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]


class ClaimResult(NamedTuple):
    """One claim checked against the data. A NamedTuple, not a dataclass: see README, Performance."""

    id: str
    kind: str
    document: str
    quote: str
    stated: str
    computed: str
    verdict: Verdict
    expected: Verdict
    explanation: str
    computed_number: float | None = None
    sources: tuple[str, ...] = ()
    rounding: str | None = None  # the claim's rounding rule, for kinds that have one
    #: The observations the computed figure was derived from, in the order the arithmetic
    #: uses them (a change: from-year, to-year), so an output can print the same sum.
    figures: tuple[Observation, ...] = ()
    #: The years the claim is about, as the ledger states them (a change: from, to), whether
    #: or not the data holds a figure for them.
    years: tuple[int, ...] = ()
    title: str = ""  # the claim's heading in words: its title, else its stated phrase in quotes

    @property
    def reproduces(self) -> bool:
        """The verdict is the one recorded in the ledger."""
        return self.verdict == self.expected

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "document": self.document,
                "quote": self.quote,
                "stated": self.stated, "computed": self.computed, "verdict": self.verdict,
                "expected": self.expected, "explanation": self.explanation,
                "sources": list(self.sources)}


@dataclass(frozen=True)
class CheckReport:
    results: tuple[ClaimResult, ...]

    @property
    def differing(self) -> list[ClaimResult]:
        return [r for r in self.results if not r.reproduces]

    def count(self, verdict: Verdict) -> int:
        return sum(r.verdict == verdict for r in self.results)

    def summary(self) -> dict[str, int]:
        return {"claims": len(self.results), "supported": self.count("supported"),
                "contradicted": self.count("contradicted"),
                "unverifiable": self.count("unverifiable"),
                "as_expected": len(self.results) - len(self.differing),
                "differing": len(self.differing)}

    def to_json(self) -> dict[str, Any]:
        return {"claims": [r.to_json() for r in self.results], "summary": self.summary()}

    def result(self, claim_id: str) -> ClaimResult:
        """The result of one claim; `KeyError` naming it when the ledger has no such claim."""
        for r in self.results:
            if r.id == claim_id:
                return r
        raise KeyError(f"the claims ledger has no claim {claim_id!r}")

    def frame(self) -> pd.DataFrame:
        """The results as a DataFrame (pandas is imported only here)."""
        import pandas as pd

        return pd.DataFrame([r.to_json() for r in self.results])


def check(ds: Dataset, ledger: Ledger) -> CheckReport:
    return CheckReport(tuple(evaluate(c, ds) for c in ledger.claims))


class _Outcome:
    """What an evaluator found; `evaluate` adds the claim's identity."""

    def __init__(self, computed: str, verdict: Verdict, explanation: str,
                 number: Decimal | int | None = None, sources: tuple[str, ...] = (),
                 figures: tuple[Observation, ...] = ()) -> None:
        self.computed, self.verdict, self.explanation = computed, verdict, explanation
        self.number = None if number is None else float(number)
        self.sources = sources
        self.figures = figures


def evaluate(claim: Claim, ds: Dataset) -> ClaimResult:
    out = _EVALUATORS[claim.kind](claim, ds)
    return ClaimResult(claim.id, claim.kind, claim.document, claim.quote, claim.stated,
                       out.computed, out.verdict, claim.expected, out.explanation, out.number,
                       tuple(dict.fromkeys(out.sources)), getattr(claim, "rounding", None),
                       out.figures, _years(claim), claim.heading)


def _years(claim: Claim) -> tuple[int, ...]:
    if isinstance(claim, ChangeClaim):
        return (claim.from_year, claim.to_year)
    year = getattr(claim, "year", None)
    return (year,) if isinstance(year, int) else ()


# --- helpers ---

def _verdict(ok: bool) -> Verdict:
    return "supported" if ok else "contradicted"


def _num(d: Decimal) -> str:
    return fmt_count(d) if d == d.to_integral_value() else f"{d:,.2f}".rstrip("0").rstrip(".")


def _pct(d: Decimal) -> str:
    return f"{d.quantize(Decimal('0.01')):,}%"


def _figure(ds: Dataset, series: str, year: int, category: str = "",
            source: str | None = None) -> Observation | None:
    found = ds.observations_for(series, year, category)
    if source is not None:
        found = [o for o in found if o.source_id == source]
    return found[0] if found else None


def _missing(series: str, year: int, category: str, source: str | None) -> str:
    what = f"{series} {year}{' ' + category if category else ''}"
    return f"no figure for {what}{' from ' + source if source else ''} in the dataset"


def _endpoint(ds: Dataset, ep: Endpoint) -> tuple[str | None, str, str | None]:
    """(ISO date at its precision or None, label, source id) for an endpoint."""
    if ep.year is not None:
        return str(ep.year), str(ep.year), None
    if ep.fact is not None:
        f = ds.facts[ep.fact]
        return f.value, f"{f.value} ({f.fact_id})", f.source_id
    assert ep.source_published is not None
    published = ds.sources[ep.source_published].date_published
    label = f"{published or 'unknown date'} (date of {ep.source_published})"
    return (published.isoformat() if published else None), label, ep.source_published


# --- one evaluator per kind ---

def _value(c: ValueClaim, ds: Dataset) -> _Outcome:
    o = _figure(ds, c.series, c.year, c.category, c.source)
    if o is None:
        return _Outcome("—", "unverifiable", _missing(c.series, c.year, c.category, c.source))
    stated = parse_number(c.stated)
    rounded = apply_rounding(o.value, c.rounding)
    others = sorted({x.value for x in ds.observations_for(c.series, c.year, c.category)} - {o.value})
    also = f" (other sources: {', '.join(fmt_count(v) for v in others)})" if others else ""
    verdict = _verdict(rounded == stated)
    text = (f"{c.year} figure {fmt_count(o.value)} ({o.source_id}){also}, "
            f"{ROUNDING_RULES[c.rounding]}: {_num(rounded)}; stated {_num(stated)} → {verdict}")
    return _Outcome(fmt_count(o.value), verdict, text, o.value, (o.source_id,))


def _percent(top: Observation, bottom: Observation, c: ChangeClaim | ShareClaim,
             change: bool) -> _Outcome:
    """A percentage change (top over bottom, minus one) or share, judged by the claim's rounding."""
    sources = (bottom.source_id, top.source_id)
    if bottom.value == 0:
        return _Outcome("—", "unverifiable", "the base figure is 0: no percentage can be computed",
                        None, sources)
    ratio = Decimal(top.value) / Decimal(bottom.value)
    pct = ((ratio - 1) if change else ratio) * 100
    rounded = apply_rounding(pct, c.rounding)
    stated = parse_number(c.stated)
    verdict = _verdict(rounded == stated)
    sum_text = f"{fmt_count(top.value)} / {fmt_count(bottom.value)}{' − 1' if change else ''}"
    text = (f"{sum_text} = {_pct(pct)}; {ROUNDING_RULES[c.rounding]}: {_num(rounded)}%; "
            f"stated {_num(stated)}% → {verdict}")
    return _Outcome(_pct(pct), verdict, text, pct, sources, (bottom, top))


def _change(c: ChangeClaim, ds: Dataset) -> _Outcome:
    a = _figure(ds, c.series, c.from_year, source=c.source)
    b = _figure(ds, c.series, c.to_year, source=c.source)
    if a is None or b is None:
        year = c.from_year if a is None else c.to_year
        return _Outcome("—", "unverifiable", _missing(c.series, year, "", c.source))
    return _percent(b, a, c, change=True)


def _share(c: ShareClaim, ds: Dataset) -> _Outcome:
    part = _figure(ds, c.series, c.year, c.category)
    whole = _figure(ds, c.of_series, c.of_year, c.of_category)
    if part is None or whole is None:
        missing = (c.series, c.year, c.category) if part is None else (c.of_series, c.of_year, c.of_category)
        return _Outcome("—", "unverifiable", _missing(*missing, None))
    return _percent(part, whole, c, change=False)


def _spans(years: list[int]) -> str:
    """[1996, 1997, 1998, 2001] → '1996–1998, 2001'."""
    out: list[str] = []
    for y in years:
        if out and int(out[-1].split("–")[-1]) == y - 1:
            out[-1] = f"{out[-1].split('–')[0]}–{y}"
        else:
            out.append(str(y))
    return ", ".join(out)


class _Span(NamedTuple):
    """What a record claim is judged on: its year's figure and every known year of its span
    (a NamedTuple, not a dataclass: see README, Performance)."""

    this: Observation
    first: int
    since_label: str
    known: dict[int, Observation]
    sources: tuple[str, ...]

    @property
    def missing(self) -> list[int]:
        return [y for y in range(self.first, self.this.year + 1) if y not in self.known]


def _span(c: RecordClaim | RecordBoundedClaim, ds: Dataset) -> _Span | _Outcome:
    """The claim's span, or the outcome when it cannot be judged at all or a known year
    matches or beats the claimed one (both record kinds decide those cases alike)."""
    since_iso, since_label, since_source = _endpoint(ds, c.since)
    this = ds.preferred(c.series, c.year)
    if this is None or since_iso is None:
        why = _missing(c.series, c.year, "", None) if this is None else f"{since_label}: no date"
        return _Outcome("—", "unverifiable", why)
    first = int(since_iso[:4])
    known = {y: o for y in range(first, c.year + 1) if (o := ds.preferred(c.series, y)) is not None}
    sources = (this.source_id, *([since_source] if since_source else []))
    rivals = [(y, o) for y, o in known.items() if y != c.year and o.value >= this.value]
    if rivals:
        y, o = max(rivals, key=lambda r: r[1].value)
        how = "ties with" if o.value == this.value else "is below"
        return _Outcome(f"not the highest: {y}", "contradicted",
                        f"{c.year} ({fmt_count(this.value)}) {how} {y} ({fmt_count(o.value)}) "
                        f"→ contradicted", this.value, sources)
    return _Span(this, first, since_label, known, sources)


def _record(c: RecordClaim, ds: Dataset) -> _Outcome:
    found = _span(c, ds)
    if isinstance(found, _Outcome):
        return found
    this, first, since_label, known, sources = (found.this, found.first, found.since_label, found.known,
                                                found.sources)
    missing = found.missing
    known_years = sorted(known)
    if missing:
        return _Outcome(
            f"highest of {_spans(known_years)}", "unverifiable",
            f"{c.year} ({fmt_count(this.value)}) is the highest of the {len(known_years)} years known "
            f"({_spans(known_years)}), but the claim spans {first}–{c.year} (from {since_label}) "
            f"and {_spans(missing)} are not in the dataset → unverifiable", this.value, sources)
    return _Outcome(f"highest of {first}–{c.year}", "supported",
                    f"{c.year} ({fmt_count(this.value)}) is the highest of every year "
                    f"{first}–{c.year} → supported", this.value, sources)


def _within_chain(ds: Dataset, series_id: str) -> list[str]:
    """The series itself, then each series it lies within (series.csv `within`)."""
    chain = [series_id]
    while (nxt := ds.series[chain[-1]].within) is not None and nxt not in chain:
        chain.append(nxt)
    return chain


def _record_bounded(c: RecordBoundedClaim, ds: Dataset) -> _Outcome:
    """A record over a span, proved where the data holds every year or a published total
    bounds the missing ones: if a total over several years, less the known years it covers,
    is below the claimed figure, no year it covers can be higher."""
    found = _span(c, ds)
    if isinstance(found, _Outcome):
        return found
    this, first, known = found.this, found.first, found.known
    sources = list(found.sources)
    claimed = true_range(this.value, this.rounding)[0]
    missing = found.missing
    reasons: dict[int, str] = {}
    for sid in _within_chain(ds, c.series)[1:]:  # a year known in a series that contains this one
        for y in missing:
            o = ds.preferred(sid, y)
            if o is not None and y not in reasons and true_range(o.value, o.rounding)[1] < claimed:
                reasons[y] = f"{y}: at most {sid}'s {fmt_count(o.value)} ({o.source_id})"
                sources.append(o.source_id)
    for sid in _within_chain(ds, c.series):
        for t in ds.totals_for(sid):
            if t.bound == "at_least":
                continue
            covered = {y: o for y in range(t.from_year, t.to_year + 1)
                       if (o := ds.preferred(sid, y)) is not None}
            remaining = t.value - sum((true_range(o.value, o.rounding)[0] for o in covered.values()),
                                      Decimal(0))
            open_years = [y for y in missing if t.from_year <= y <= t.to_year and y not in reasons
                          and y not in covered]
            if not open_years or remaining >= claimed:
                continue
            less = (" less the known years " + _spans(sorted(covered)) + f" = {fmt_count(remaining)}"
                    if covered else "")
            text = (f"{_spans(open_years)}: within {sid}'s total for {t.from_year}–{t.to_year}, "
                    f"{'at most ' if t.bound == 'at_most' else ''}{fmt_count(t.value)} "
                    f"({t.source_id}){less}")
            for y in open_years:
                reasons[y] = text
            sources.append(t.source_id)
    unbounded = [y for y in missing if y not in reasons]
    known_years = sorted(known)
    head = (f"{c.year} ({fmt_count(this.value)}) is the highest of the {len(known_years)} years known "
            f"({_spans(known_years)})")
    bounds = "; ".join(dict.fromkeys(reasons[y] for y in missing if y in reasons))
    srcs = tuple(dict.fromkeys(sources))
    if unbounded:
        return _Outcome(
            f"highest of {_spans(known_years)}", "unverifiable",
            f"{head}; {_spans(unbounded)} are neither in the dataset nor bounded below "
            f"{fmt_count(claimed)} by a published total" + (f" (bounded: {bounds})" if bounds else "")
            + " → unverifiable", this.value, srcs)
    return _Outcome(f"highest of {first}–{c.year}", "supported",
                    f"{head}; every other year of {first}–{c.year} is below it"
                    + (f" ({bounds}, each below {fmt_count(claimed)})" if bounds else "")
                    + " → supported", this.value, srcs)


def _approximation(c: ApproximationClaim, ds: Dataset) -> _Outcome:
    o = _figure(ds, c.series, c.year, c.category)
    if o is None:
        return _Outcome("—", "unverifiable", _missing(c.series, c.year, c.category, None))
    stated = parse_number(c.stated)
    verdict = _verdict(RULES[c.word].holds(Decimal(o.value), stated))
    text = (f"{c.year} figure {fmt_count(o.value)} ({o.source_id}) is "
            f"{_pct(Decimal(o.value) / stated * 100)} of {_num(stated)}; "
            f"{rule_text(c.word)} → {verdict}")
    return _Outcome(fmt_count(o.value), verdict, text, o.value, (o.source_id,))


def _duration(c: DurationClaim, ds: Dataset) -> _Outcome:
    (s_iso, s_label, s_src), (e_iso, e_label, e_src) = _endpoint(ds, c.start), _endpoint(ds, c.end)
    srcs = tuple(x for x in (s_src, e_src) if x)
    if s_iso is None or e_iso is None:
        return _Outcome("—", "unverifiable", f"{s_label} to {e_label}: a date is unknown", None, srcs)
    years = int(e_iso[:4]) - int(s_iso[:4])
    stated = parse_number(c.stated)
    verdict = _verdict(years == stated)
    text = (f"from {s_label} to {e_label}: {e_iso[:4]} − {s_iso[:4]} = {years} whole calendar "
            f"years; stated {_num(stated)} → {verdict}")
    return _Outcome(f"{years} years", verdict, text, years, srcs)


def _date(c: DateClaim, ds: Dataset) -> _Outcome:
    f = ds.facts[c.fact]
    stated = c.stated.strip()
    if stated.isdigit():
        got, precision = f.value[:4], "year"
    elif stated.lower() in _MONTHS:
        got = _MONTHS[int(f.value[5:7]) - 1].capitalize() if len(f.value) >= 7 else ""
        precision = "month"
    else:
        got, precision = f.value, "day"
        stated = parse_date(stated)
    verdict = _verdict(got.lower() == stated.lower())
    text = (f"{f.fact_id}: {f.value} ({f.source_id}); compared at the stated precision "
            f"({precision}): {got or 'unknown'} vs stated {stated} → {verdict}")
    return _Outcome(f.value, verdict, text, None, (f.source_id,))


_RELATIVE = {"last week": 7, "this week": 0}


def _relative_date(c: RelativeDateClaim, ds: Dataset) -> _Outcome:
    event_iso, label, src = _endpoint(ds, c.event)
    reference = ds.sources[c.document].date_published
    srcs = (src,) if src else ()
    phrase = c.stated.lower()
    if phrase not in _RELATIVE:
        return _Outcome("—", "unverifiable", f"no rule for {c.stated!r}", None, srcs)
    if reference is None or event_iso is None or len(event_iso) != 10:
        return _Outcome(event_iso or "—", "unverifiable",
                        f"event {label}; but {c.document} has no recorded publication date, so "
                        f"'{c.stated}' cannot be placed → unverifiable", None, srcs)
    event = date.fromisoformat(event_iso)
    week_start = reference - timedelta(days=reference.weekday() + _RELATIVE[phrase])
    ok = week_start <= event < week_start + timedelta(days=7)
    verdict = _verdict(ok)
    return _Outcome(event_iso, verdict,
                    f"{label}; {c.document} published {reference}; '{c.stated}' is the week "
                    f"from {week_start} → {verdict}", None, srcs)


def _amount(c: AmountClaim, ds: Dataset) -> _Outcome:
    f = ds.facts[c.fact]
    stated, value = parse_number(c.stated), parse_number(f.value)
    srcs = (f.source_id,)
    shown = f"£{fmt_count(value)}"
    if f.bound == "at_least":
        verdict: Verdict = "contradicted" if stated < value else "unverifiable"
        how = "below" if stated < value else "not below"
        return _Outcome(f"at least {shown}", verdict,
                        f"stated £{fmt_count(stated)} is {how} the {shown} already reported "
                        f"({f.fact_id}, {f.source_id}) → {verdict}", value, srcs)
    if f.bound == "at_most":
        verdict = "contradicted" if stated > value else "unverifiable"
        return _Outcome(f"at most {shown}", verdict,
                        f"stated £{fmt_count(stated)} against at most {shown} ({f.fact_id}) → {verdict}",
                        value, srcs)
    verdict = _verdict(stated == value)
    return _Outcome(shown, verdict, f"stated £{fmt_count(stated)} vs {shown} ({f.fact_id}) → {verdict}",
                    value, srcs)


_EVALUATORS: dict[str, Callable[[Any, Dataset], _Outcome]] = {
    "value": _value,
    "change": _change,
    "share": _share,
    "record": _record,
    "record_bounded": _record_bounded,
    "approximation": _approximation,
    "duration": _duration,
    "date": _date,
    "relative_date": _relative_date,
    "amount": _amount,
}
