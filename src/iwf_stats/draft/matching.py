"""Judging each figure against the dataset, through the claims engine wherever a claim kind
fits: a figure becomes a claim model (value, approximation, change, record, duration, date,
relative_date, amount) that `claims.evaluate` reproduces, so a drafted verdict is worked out
exactly as a ledger claim would be.

A figure that matches a published value for another year or series than the text says is
contradicted, and the explanation names the figure it is; one that is close to a value
(a digit dropped or changed, or within 10%) without matching it under any rounding is
contradicted too; one with nothing to compare against is unverifiable, and says what was
searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..claims import evaluate
from ..claims.engine import ClaimResult
from ..claims.models import (
    Claim,
    Verdict,
)
from ..claims.words import RULES, rule_text
from ..dataset import Dataset
from ..numbers import ROUNDING_RULES, NumberFormatError, Rounding, apply_rounding, fmt_count, parse_number
from ..preference import KIND_RANK
from ..records import Observation, Source
from .context import SeriesWords, YearMention, clause_bounds, subject_facts, tokens, years
from .figures import Figure, find_figures
from .reading import Sentence

_CHANGE = re.compile(r"\b(increase[sd]?|rise|rose|risen|up|jump(?:ed)?|growth|grew|higher|more|surge[sd]?|"
                     r"increment|fall|fell|down|decrease[sd]?|drop(?:ped)?|lower|decline[sd]?|less)\b",
                     re.IGNORECASE)
_PREVIOUS = re.compile(r"\b(?:the )?(?:previous year|year before|prior year|last year's)\b", re.IGNORECASE)
_ANAPHOR = re.compile(r"(?:this|that|it|these|those|which|the (?:figure|total|number|rise|increase|fall)s?)\b",
                      re.IGNORECASE)
_LAST_YEAR = re.compile(r"\blast year\b", re.IGNORECASE)


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
class _Context:
    """What earlier sentences established: the year and series the article is talking about."""

    year: int | None = None
    series: list[str] = field(default_factory=list)
    subject_text: str = ""  # the last sentence that named a fact's subject


class Drafter:
    """Turns sentences into statements against one dataset."""

    def __init__(self, ds: Dataset, document: str, published: date | None = None) -> None:
        self.ds = ds
        self.document = document
        self.published = published or (ds.sources[document].date_published if document in ds.sources else None)
        self.eval_ds = ds
        if document not in ds.sources and published is not None and ds.publishers:
            # The article is not in sources.csv: give the engine its date, so "last week" can be placed.
            publisher = sorted(ds.publishers)[0]
            article = Source(source_id=document, publisher_id=publisher, kind="newspaper_article",
                             title=document, url=None, date_published=published)
            self.eval_ds = replace(ds, sources={**ds.sources, document: article})
        self.words = SeriesWords(ds)
        self.count_obs = [o for o in ds.observations if ds.series[o.series_id].unit != "percent"]
        self.pct_obs = [o for o in ds.observations if ds.series[o.series_id].unit == "percent"]
        self.ctx = _Context()
        self._n = 0
        self._figure: Figure | None = None  # the figure being judged

    # --- the walk over the article ---

    def statements(self, sents: list[Sentence]) -> Iterator[Statement]:
        for s in sents:
            figures = find_figures(s.text)
            named = self.words.named(s.text)
            mentions = years(s.text)
            out = list(self._sentence(s.text, figures, named, mentions))
            yield from out
            if subject_facts(self.ds, s.text):
                self.ctx.subject_text = s.text
            at_years = [m.year for m in mentions if not m.base]
            if named or any(st.match.get("series") for st in out):
                self.ctx.series = named or [st.match["series"] for st in out if st.match.get("series")][:1]
                if at_years:
                    self.ctx.year = at_years[-1]
                elif found := [st.match["year"] for st in out if st.verdict == "supported" and st.match.get("year")]:
                    self.ctx.year = found[-1]
            elif self.ctx.year is None and at_years:
                self.ctx.year = at_years[-1]  # "the report, which covered 2022:"

    def _sentence(self, text: str, figures: list[Figure], named: list[str],
                  mentions: list[YearMention]) -> Iterator[Statement]:
        series_figures = [f for f in figures if f.kind in ("count", "percent", "fold", "fraction")]
        done: list[Statement] = []
        for f in figures:
            st: Statement | None
            self._figure = f
            if f.kind == "count":
                st = self._count(text, f, mentions)
            elif f.kind in ("percent", "fraction", "fold"):
                st = self._percent(text, f, mentions, done)
            elif f.kind == "points":
                st = Statement(text, f.stated, "share", "unverifiable", "—",
                               "a change in percentage points, between two shares: the dataset holds only shares "
                               "the IWF published, and no change between them is computed",
                               {"searched": "percentage series"})
            elif f.kind == "money":
                st = self._money(text, f)
            elif f.kind in ("duration", "decade"):
                st = self._duration(text, f, mentions, done)
            elif f.kind in ("year", "month", "date"):
                st = None if series_figures and f.kind == "year" else self._date(text, f)
            elif f.kind == "record":
                st = self._record(text, f, mentions)
            else:
                st = self._relative(text, f, mentions)
            if st is not None:
                done.append(st)
                yield st

    # --- helpers ---

    def _id(self, stated: str) -> str:
        self._n += 1
        slug = re.sub(r"[^a-z0-9]+", "_", stated.lower()).strip("_")[:30].strip("_") or "figure"
        doc = re.sub(r"[^a-z0-9_]+", "_", self.document.lower()).strip("_") or "article"
        if not doc[0].isalpha():
            doc = "a_" + doc
        return f"{doc}_{self._n:02d}_{slug}"

    def _claim(self, kind: str, quote: str, stated: str, rule: str, **fields: Any) -> Claim | None:
        """A claim model, or None when the statement does not fit one (the ledger's own checks,
        or a figure in words the ledger's number reader does not read: "three hundred thousand")."""
        if self._figure is not None and kind in ("value", "approximation", "change", "duration") and \
                not _reads_as(stated, self._figure.value):
            return None

        data = {"id": self._id(stated), "document": self.document, "quote": quote, "stated": stated,
                "kind": kind, "rule": rule, "expected": "unverifiable", **fields}
        try:
            return _adapter().validate_python(data)
        except ValidationError:
            return None

    def _run(self, claim: Claim | None) -> ClaimResult | None:
        if claim is None:
            return None
        if claim.kind == "relative_date" and claim.document not in self.eval_ds.sources:
            return None
        try:
            return evaluate(claim, self.eval_ds)
        except NumberFormatError:
            return None  # the ledger's reader does not take this figure ("4.3 years"): judged by hand

    def _own_years(self, text: str, f: Figure, mentions: list[YearMention]) -> list[YearMention]:
        """Years the sentence gives as the figure's own: named before it, or after it with no
        comparison between ("rose 6% in 2024"; not "up 26% on 2018 and double … in 2016")."""
        out = []
        for m in mentions:
            if m.base:
                continue
            if m.start < f.start or not _CHANGE.search(text[f.end:m.start]):
                out.append(m)
        return out

    def _year_for(self, text: str, f: Figure, mentions: list[YearMention]) -> int | None:
        """The year a figure describes: one named in its clause, else one the sentence gives as
        the figure's own, else the year the article was last talking about."""
        a, b = clause_bounds(text, f.start)
        in_clause = [m for m in mentions if a <= m.start < b]
        if in_clause:
            return min(in_clause, key=lambda m: abs(m.start - f.start)).year
        own = self._own_years(text, f, mentions)
        if own:
            return min(own, key=lambda m: abs(m.start - f.start)).year
        if _LAST_YEAR.search(text) and self.published:
            return self.published.year - 1
        return self.ctx.year

    def _carried(self, text: str) -> list[str]:
        """The series of the sentences before, when this one points back to it ("This is an
        increase of 830 percent", "The figure … marks an 8% increase"); a sentence about
        something else ("the number of abuse images … increased by 60%") is not given it."""
        return self.ctx.series if _ANAPHOR.match(text) else []

    def _obs_label(self, o: Observation) -> str:
        cat = f" {o.category}" if o.category else ""
        return f"{fmt_count(o.value)} ({o.series_id}{cat} {o.year}, {o.source_id})"

    def _rank(self, o: Observation) -> tuple[int, str, int]:
        """Preferred values first (the dataset's rule), then by series and year."""
        same = self.ds.observations_for(o.series_id, o.year, o.category)
        pos = next((i for i, x in enumerate(same) if x is o), len(same))
        return pos, o.series_id, o.year

    def _ranked(self, obs: list[Observation]) -> list[Observation]:
        return sorted(obs, key=self._rank)

    # --- counts ---

    @staticmethod
    def _roundings(f: Figure) -> list[tuple[str, int]]:
        """The roundings a writer may have used for a figure as printed: (rule, power of ten)."""
        return _roundings(f)

    @staticmethod
    def _rounded(value: int, rule: str, k: int) -> Decimal:
        if rule == "nearest":  # to the nearest 100, 1,000…: numbers.apply_rounding on the scaled value
            return apply_rounding(Decimal(value) / 10**k, "nearest_1") * Decimal(10**k)
        return apply_rounding(value, rule)  # type: ignore[arg-type]

    def _fits(self, o: Observation, f: Figure) -> tuple[bool, str]:
        if f.rule_word:
            ok = RULES[f.rule_word].holds(Decimal(o.value), f.value)
            return ok, f.rule_word
        for rule, k in self._roundings(f):
            if self._rounded(o.value, rule, k) == f.value:
                return True, rule if rule != "nearest" else f"nearest_{10**k}"
        return False, ""

    def _count(self, text: str, f: Figure, mentions: list[YearMention]) -> Statement | None:
        if f.value >= 1000 and f.value <= 2100 and "," not in f.stated and f.value == int(f.value):
            return None  # a bare four-digit number is a year, read as context
        year = self._year_for(text, f, mentions)
        a, b = clause_bounds(text, f.start)
        named = self.words.named(text[a:b]) or self.words.named(text) or self._carried(text)
        category = self.words.category(text)
        # What the figure counts: the words right after it ("291,270 webpages", "50 reporting
        # portals"). A count of something no series counts is not compared at all.
        head = " ".join(re.findall(r"[A-Za-z][\w-]*", text[f.end:f.end + 60])[:4])
        head_series = self.words.related(head)
        first_two = head.split()[:2]
        if not head_series and any(len(w) > 3 and w.endswith("s") and w.lower() not in ("was", "has", "is")
                                   for w in first_two):
            return Statement(text, f.stated, "approximation" if f.word else "value", "unverifiable", "—",
                             f"{f.stated} counts '{head}', which no series in the dataset counts",
                             {"searched": f"series counting '{head}'"})
        # A general word ("reports") may mean a narrower series too: such a match is accepted,
        # but a contradiction is only ever against the series the text names.
        accept = set(named) | set(head_series)
        fits = [(o, how) for o in self.count_obs if (r := self._fits(o, f))[0] for how in [r[1]]]
        if f.word:
            # A band ("nearly", "more than") fits many figures: only the series and year the
            # text names count, and only figures of the same order (within half to twice).
            fits = [(o, h) for o, h in fits if o.series_id in accept and o.year == year
                    and f.value / 2 <= o.value <= f.value * 2]
        good = [(o, how) for o, how in fits if (not named or o.series_id in accept)
                and (year is None or o.year == year) and (o.category == category or not category)]
        good.sort(key=lambda x: self._rank(x[0]))
        where = (f"{', '.join(named) or 'every count series'}"
                 f"{' ' + category if category else ''}, {year if year else 'any year'}")
        alternatives = [self._alt(o, how) for o, how in fits if (o, how) not in good][:5]
        if good:
            o, how = good[0]
            return self._count_statement(text, f, o, how, "supported", alternatives, year)
        if fits:
            o, how = self._ranked([x for x, _ in fits])[0], ""
            how = next(h for x, h in fits if x is o)
            st = self._count_statement(text, f, o, how, "contradicted", alternatives, year)
            said = f"{year}" if year else "the year named"
            other = []
            if year is not None and o.year != year:
                other.append(f"the {o.year} figure, not {said}'s")
            if named and o.series_id not in named:
                other.append(f"a figure for {o.series_id}, not {' or '.join(named)}")
            st.explanation = (f"{f.stated} is {self._obs_label(o)}: {'; '.join(other) or 'another figure'}. "
                              + st.explanation)
            st.verdict = "contradicted"
            return st
        # close to a figure, but not within any rounding: a digit dropped or changed, or within 10%
        pool = [o for o in self.count_obs if (not named or o.series_id in named)
                and (year is None or o.year == year)]
        near = [o for o in pool if not f.word and _close(int(f.value), o.value)]
        if near:
            o = self._ranked(near)[0]
            st = self._count_statement(text, f, o, self._roundings(f)[-1][0] if f.rule_word is None else "",
                                       "contradicted", alternatives, year)
            st.verdict = "contradicted"
            st.explanation = (f"{f.stated} is close to {self._obs_label(o)} but matches it under no rounding "
                              f"({_diff(int(f.value), o.value)}). " + st.explanation)
            return st
        named_obs = self.ds.preferred(named[0], year, category) if f.word and named and year is not None else None
        # Contradict a band only when the text names one series unambiguously: "reports" alone
        # may be reports assessed, for a year the dataset lacks.
        head_words = tokens(head)
        named_words = self.words.titles[named[0]] if named else set()
        unambiguous = bool(named) and (named[0] in self.words.qualifiers or not any(
            (self.words.titles[h] & head_words) - named_words for h in head_series if h in self.words.qualifiers))
        if named_obs is not None and unambiguous and f.value / 2 <= named_obs.value <= f.value * 2:
            return self._count_statement(text, f, named_obs, "", "contradicted", alternatives, year)
        if f.word and not unambiguous and head_series:
            where = f"{' or '.join(sorted(accept))}, {year if year else 'any year'}"
        return Statement(text, f.stated, "approximation" if f.word else "value", "unverifiable", "—",
                         f"no published figure matches {f.stated} in {where}; searched "
                         f"{len(self.count_obs)} published counts", {"searched": where})

    def _alt(self, o: Observation, how: str) -> dict[str, Any]:
        return {"series": o.series_id, "year": o.year, "category": o.category, "value": o.value,
                "source": o.source_id, "how": how}

    def _count_statement(self, text: str, f: Figure, o: Observation, how: str, verdict: Verdict,
                         alternatives: list[dict[str, Any]], year: int | None) -> Statement:
        y = year if (year is not None and verdict == "contradicted") else o.year
        target = self.ds.preferred(o.series_id, y, o.category) if verdict == "contradicted" else o
        preferred = self.ds.preferred(o.series_id, o.year, o.category)
        source = None if (preferred is not None and preferred is o) or verdict == "contradicted" else o.source_id
        claim: Claim | None
        if f.word and f.rule_word in RULES:
            claim = self._claim("approximation", text, f.stated, rule_text(f.rule_word),
                                series=o.series_id, year=y, category=o.category, word=f.word)
        elif how in ROUNDING_RULES:
            claim = self._claim("value", text, f.stated, f"The figure read as {ROUNDING_RULES[how]}.",
                                series=o.series_id, year=y, category=o.category, rounding=how, source=source)
        else:
            claim = None
        res = self._run(claim) if target is not None else None
        match = {"series": o.series_id, "year": y, "category": o.category,
                 "value": target.value if target else None, "source": target.source_id if target else None,
                 "rounding": how or None}
        if res is not None:
            return Statement(text, f.stated, res.kind, res.verdict if verdict == "supported" else verdict,
                             res.computed, res.explanation, match, alternatives, claim, claim.rule if claim else "")
        if target is None:
            expl = f"no figure for {o.series_id} {y} in the dataset"
            return Statement(text, f.stated, "value", verdict, "—", expl, match, alternatives)
        if f.rule_word in RULES:
            ok = RULES[f.rule_word].holds(Decimal(target.value), f.value)
            v: Verdict = "supported" if ok and verdict == "supported" else "contradicted"
            expl = (f"{y} figure {fmt_count(target.value)} ({target.source_id}) is "
                    f"{Decimal(target.value) / f.value * 100:.2f}% of {fmt_count(f.value)} ({f.stated}); "
                    f"{rule_text(f.rule_word)} → {v}")
            return Statement(text, f.stated, "approximation", v, fmt_count(target.value), expl, match, alternatives)
        if how in ROUNDING_RULES:
            shown_r = apply_rounding(target.value, how)  # type: ignore[arg-type]
            v = "supported" if shown_r == f.value and verdict == "supported" else "contradicted"
            expl = (f"{y} figure {fmt_count(target.value)} ({target.source_id}), {ROUNDING_RULES[how]}: "
                    f"{fmt_count(shown_r)}; stated {f.stated} ({fmt_count(f.value)}) → {v}")
            return Statement(text, f.stated, "value", v, fmt_count(target.value), expl, match, alternatives)
        k = int(how.split("_")[1]) if how.startswith("nearest_") and how not in ROUNDING_RULES else 0
        shown = self._rounded(target.value, "nearest", len(str(k)) - 1) if k else Decimal(target.value)
        expl = (f"{y} figure {fmt_count(target.value)} ({target.source_id}), rounded to the nearest "
                f"{fmt_count(k) if k else 'unit'}: {fmt_count(shown)}; stated {f.stated} → {verdict}")
        return Statement(text, f.stated, "value", verdict, fmt_count(target.value), expl, match, alternatives)

    # --- percentages, fractions, fold changes ---

    def _percent(self, text: str, f: Figure, mentions: list[YearMention], done: list[Statement]) -> Statement | None:
        a, _ = clause_bounds(text, f.start)
        window = text[max(a, f.start - 60):min(len(text), f.end + 40)]
        is_change = f.kind == "fold" or bool(_CHANGE.search(window))
        if not is_change:
            return self._share(text, f, mentions)
        named = (self.words.named(text) or [st.match["series"] for st in done if st.match.get("series")]
                 or self._carried(text))
        to_year, from_year, how_years = self._change_years(text, f, mentions, done)
        where = f"{', '.join(named) or 'no series named'}, {from_year or '?'}–{to_year or '?'}"
        if not named or to_year is None or from_year is None:
            return Statement(text, f.stated, "change", "unverifiable", "—",
                             f"a change, but the text names no {'series' if not named else 'pair of years'} "
                             f"to compute it from (searched: {where})", {"searched": where})
        results: list[tuple[Statement, bool]] = []
        for sid in named:
            st = self._change_for(text, f, sid, from_year, to_year, how_years)
            if st is not None:
                results.append((st, st.verdict == "supported"))
        if not results:
            return Statement(text, f.stated, "change", "unverifiable", "—",
                             f"no figures for {where} in the dataset", {"searched": where})
        best = next((st for st, ok in results if ok), results[0][0])
        if best.verdict == "contradicted":
            best.alternatives = self._other_spans(f, named[0], from_year, to_year)
        return best

    def _change_years(self, text: str, f: Figure, mentions: list[YearMention],
                      done: list[Statement]) -> tuple[int | None, int | None, str]:
        """(to, from, how): the years a change runs between. The base is a year named after
        the change as its base ("on 2018", "from 2022"), else any base year in the sentence,
        else a year named after it ("increase on the 275,650 identified in 2023"); the end is
        the year of a figure already matched in the sentence, else the figure's own year."""
        own = self._own_years(text, f, mentions)
        to_year = next((st.match["year"] for st in done if st.match.get("year")), None)
        if to_year is None:
            to_year = own[-1].year if own else self.ctx.year
        after = [m for m in mentions if m.start > f.end]
        later = [m for m in after if not m.base and m.year != to_year]
        base = ([m for m in after if m.base] or ([] if later else [m for m in mentions if m.base]))
        if base:
            frm = min(base, key=lambda m: abs(m.start - f.start)).year
            if to_year == frm:
                to_year = self.ctx.year
            return to_year, frm, f"from {frm} (named) to {to_year}"
        at = [m.year for m in mentions if not m.base]
        if len(set(at)) >= 2:
            return max(at), min(at), f"between the years named ({min(at)} and {max(at)})"
        if later and to_year:
            return to_year, later[0].year, f"from {later[0].year} (named after it) to {to_year}"
        if re.search(r"(?i)\b(?:past|last) decade\b", text) and to_year:
            return to_year, to_year - 10, f"over the decade to {to_year}"
        if _PREVIOUS.search(text) and to_year:
            return to_year, to_year - 1, f"{to_year} on the year before"
        if to_year:
            return to_year, to_year - 1, f"{to_year} on the year before (no base year named: year-on-year assumed)"
        return None, None, ""

    def _pct_roundings(self, f: Figure) -> list[Rounding]:
        if f.value != f.value.to_integral_value():
            return ["exact"]
        return ["nearest_1", "down_1", "nearest_10", "down_10"] if f.value % 10 == 0 else ["nearest_1", "down_1"]

    def _change_for(self, text: str, f: Figure, sid: str, frm: int, to: int, how_years: str) -> Statement | None:
        a, b = self.ds.preferred(sid, frm), self.ds.preferred(sid, to)
        if a is None or b is None or a.value == 0:
            return None
        ratio = Decimal(b.value) / Decimal(a.value)
        match = {"series": sid, "from_year": frm, "to_year": to, "values": [a.value, b.value],
                 "sources": [a.source_id, b.source_id], "years": how_years}
        if f.kind == "percent" and not f.word:
            last: Statement | None = None
            for rounding in self._pct_roundings(f):
                claim = self._claim("change", text, f.stated, f"The change read as {ROUNDING_RULES[rounding]}.",
                                    series=sid, from_year=frm, to_year=to, rounding=rounding)
                res = self._run(claim)
                if res is None:
                    continue
                st = Statement(text, f.stated, "change", res.verdict, res.computed,
                               f"{res.explanation} ({how_years})", {**match, "rounding": rounding}, [], claim,
                               claim.rule if claim else "")
                if res.verdict == "supported":
                    return st
                last = last or st
            if last is not None:
                return last
        pct = (ratio - 1) * 100
        if f.kind == "fold":
            got = apply_rounding(ratio, "nearest_1")
            verdict: Verdict = "supported" if got == f.value else "contradicted"
            expl = (f"{fmt_count(b.value)} / {fmt_count(a.value)} = {ratio:.2f} times; to the nearest whole: "
                    f"{got}; stated {f.stated} ({f.value} times) → {verdict} ({how_years})")
            return Statement(text, f.stated, "fold", verdict, f"{ratio:.2f} times", expl, match)
        stated_pct = f.value * 100 if f.kind == "fraction" else f.value
        if f.word:
            ok = RULES[f.rule_word or ""].holds(pct, stated_pct)
            rule = rule_text(f.rule_word or "")
        else:
            hit = next((r for r in self._pct_roundings(f) if apply_rounding(pct, r) == stated_pct), None)
            ok = hit is not None
            rule = (f"{ROUNDING_RULES[hit]}, it is X" if hit else
                    f"under no rounding ({', '.join(ROUNDING_RULES[r] for r in self._pct_roundings(f))}) is it X")
        verdict = "supported" if ok else "contradicted"
        expl = (f"{fmt_count(b.value)} / {fmt_count(a.value)} − 1 = {pct:.2f}%; stated "
                f"{f.word + ' ' if f.word else ''}{f.stated} ({stated_pct.normalize():f}%); {rule} → {verdict} "
                f"({how_years})")
        return Statement(text, f.stated, "change", verdict, f"{pct:.2f}%", expl, match)

    def _other_spans(self, f: Figure, sid: str, frm: int, to: int) -> list[dict[str, Any]]:
        """Pairs of years between which the stated change does hold (years swapped, a year off)."""
        if f.kind != "percent":
            return []
        out = []
        years_known = self.ds.years(sid)
        for y1 in years_known:
            for y2 in years_known:
                if y1 >= y2 or (y1, y2) == (frm, to):
                    continue
                a, b = self.ds.preferred(sid, y1), self.ds.preferred(sid, y2)
                if a is None or b is None or a.value == 0:
                    continue
                pct = (Decimal(b.value) / Decimal(a.value) - 1) * 100
                if any(apply_rounding(pct, r) == f.value for r in self._pct_roundings(f)):
                    out.append({"series": sid, "from_year": y1, "to_year": y2, "change": f"{pct:.2f}%"})
        return out[:5]

    def _share(self, text: str, f: Figure, mentions: list[YearMention]) -> Statement:
        value = f.value * 100 if f.kind == "fraction" else f.value
        year = self._year_for(text, f, mentions)
        named = self.words.named(text, percent=True)
        category = self.words.category(text)
        pool = [o for o in self.pct_obs
                if (not named or o.series_id in named) and (not category or o.category == category)]
        where = (f"{', '.join(named) or 'every percentage series'}{' ' + category if category else ''}, "
                 f"{year or 'any year'}")
        for o in pool:
            if year is not None and o.year != year:
                continue
            ok = (RULES[f.rule_word].holds(Decimal(o.value), value) if f.rule_word
                  else apply_rounding(value, "nearest_1") == o.value)
            if ok and category:
                claim = (self._claim("approximation", text, f.stated, rule_text(f.rule_word or ""), series=o.series_id,
                                     year=o.year, category=o.category, word=f.word) if f.word else
                         self._claim("value", text, f.stated, "A whole per cent, as the IWF prints it.",
                                     series=o.series_id, year=o.year, category=o.category, rounding="nearest_1"))
                res = self._run(claim)
                if res is not None:
                    return Statement(text, f.stated, res.kind, res.verdict, res.computed, res.explanation,
                                     {"series": o.series_id, "year": o.year, "category": o.category,
                                      "value": o.value, "source": o.source_id}, [], claim)
        return Statement(text, f.stated, "share", "unverifiable", "—",
                         f"a share, but no published percentage matches it (searched: {where})", {"searched": where})

    # --- money, durations, dates ---

    def _facts(self, text: str, unit: str) -> list[Any]:
        """Facts of a unit on the subjects the sentence names, else on the subjects the article
        named last ("the charity" after "the IWF")."""
        found = subject_facts(self.ds, text)
        if not found and self.ctx.subject_text:
            found = subject_facts(self.ds, self.ctx.subject_text)
        facts = [x for x in found if x.unit == unit]
        return sorted(facts, key=lambda x: (KIND_RANK[self.ds.sources[x.source_id].kind], x.fact_id))

    def _money(self, text: str, f: Figure) -> Statement:
        facts = self._facts(text, "gbp") if f.unit == "£" else []
        if not facts:
            return Statement(text, f.stated, "amount", "unverifiable", "—",
                             "no sourced sum on the subject this sentence names (searched the facts' subjects: "
                             f"{', '.join(sorted({x.topic for x in self.ds.facts.values() if x.unit == 'gbp'}))})",
                             {"searched": "gbp facts"})
        stated = f.stated if re.fullmatch(r"£[\d,.]+(?:\s?(?:million|billion|m|bn))?", f.stated) else None
        results = []
        for fact in facts:
            claim = self._claim("amount", text, stated or f.stated, "The stated sum against the sourced figure.",
                                fact=fact.fact_id) if stated else None
            res = self._run(claim)
            if res is not None:
                results.append((res, claim, fact))
        if not results:
            return Statement(text, f.stated, "amount", "unverifiable", "—", f"{f.stated} could not be read as a sum")
        res, claim, fact = next((r for r in results if r[0].verdict == "supported"),
                                next((r for r in results if r[0].verdict == "contradicted"), results[0]))
        alts = [{"fact": fx.fact_id, "verdict": r.verdict, "computed": r.computed}
                for r, _, fx in results if fx is not fact]
        return Statement(text, f.stated, "amount", res.verdict, res.computed, res.explanation,
                         {"fact": fact.fact_id, "value": fact.value, "source": fact.source_id}, alts, claim)

    def _duration(self, text: str, f: Figure, mentions: list[YearMention], done: list[Statement]) -> Statement:
        change = next((st for st in done if st.kind == "change" and st.match.get("from_year")), None)
        stated = f.stated.removeprefix("the ").removeprefix("past ").removeprefix("last ")
        if f.kind == "decade" and change is not None:
            claim = self._claim("duration", text, stated, "The span the change is computed over.",
                                start={"year": change.match["from_year"]}, end={"year": change.match["to_year"]})
            res = self._run(claim)
            if res is not None:
                return Statement(text, stated, "duration", res.verdict, res.computed, res.explanation,
                                 {"start": change.match["from_year"], "end": change.match["to_year"]}, [], claim)
        dates = [x for x in self._facts(text, "date")]
        tried: list[tuple[ClaimResult, Claim]] = []
        for s in dates:
            for e in dates:
                if s.topic != e.topic and s.value < e.value and s.topic.split("_")[0] == e.topic.split("_")[0]:
                    c = self._claim("duration", text, stated, "Whole calendar years between the two sourced dates.",
                                    start={"fact": s.fact_id}, end={"fact": e.fact_id})
                    if (r := self._run(c)) is not None and c is not None:
                        tried.append((r, c))
        year = self._year_for(text, f, mentions)
        ends = sorted({y for y in (year, year + 1 if year else None,
                                   self.published.year if self.published else None) if y})
        for s in dates:
            for y in ends:
                if int(s.value[:4]) < y:
                    c = self._claim("duration", text, stated,
                                    f"Whole calendar years from the sourced start to {y} (the year the text is "
                                    "about, or the year after, when it was written).",
                                    start={"fact": s.fact_id}, end={"year": y})
                    if (r := self._run(c)) is not None and c is not None:
                        tried.append((r, c))
        if not tried:
            return Statement(text, stated, "duration", "unverifiable", "—",
                             "no sourced dates on the subject this sentence names to measure it between",
                             {"searched": "date facts of the subjects named"})
        res, claim = next((t for t in tried if t[0].verdict == "supported"), tried[0])
        if res.verdict != "supported":
            return Statement(text, stated, "duration", "unverifiable", "—",
                             f"no two sourced dates on this subject are {f.value} years apart (tried: "
                             + "; ".join(r.explanation for r, _ in tried[:4]) + ")",
                             {"searched": [c.model_dump(include={"start", "end"}) for _, c in tried[:8]]})
        return Statement(text, stated, "duration", res.verdict, res.computed, res.explanation,
                         claim.model_dump(include={"start", "end"}), [], claim)

    def _date(self, text: str, f: Figure) -> Statement | None:
        """A year, month or date in a sentence about a dated fact's subject. Supported when a
        fact of the subject falls in it; contradicted when the sentence names what happened
        (the fact's own words: "began … searches" for iwf_proactive_search_began) and it fell
        elsewhere; otherwise not a statement (a year with nothing dated to compare it with)."""
        facts = self._facts(text, "date")
        if not facts:
            return None
        tried = []
        for fact in facts:
            c = self._claim("date", text, f.stated, "The sourced date, at the precision stated.", fact=fact.fact_id)
            if (r := self._run(c)) is not None and c is not None:
                tried.append((r, c, fact))
        hit = next((t for t in tried if t[0].verdict == "supported"), None)
        if hit is None:
            words = {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())}
            topical = [t for t in tried if {w[:5] for w in t[2].topic.split("_")[1:] if len(w) >= 4} & words]
            if not topical:
                return None
            hit = topical[0]
        res, claim, fact = hit
        return Statement(text, f.stated, "date", res.verdict, res.computed, res.explanation,
                         {"fact": fact.fact_id, "value": fact.value, "source": fact.source_id}, [], claim)

    def _record(self, text: str, f: Figure, mentions: list[YearMention]) -> Statement:
        named = self.words.named(text) or self._carried(text)
        year = self._year_for(text, f, mentions)
        founded = sorted((x for x in self.ds.facts.values() if x.topic.endswith("_founded")),
                         key=lambda x: (KIND_RANK[self.ds.sources[x.source_id].kind], x.fact_id))
        if not named or year is None:
            return Statement(text, f.stated, "record", "unverifiable", "—",
                             f"a record, but the text names no {'series' if not named else 'year'} to test it on",
                             {"searched": ", ".join(named) or "no series"})
        since = {"fact": founded[0].fact_id} if founded else {"year": min(self.ds.years(named[0]) or [year])}
        claim = self._claim("record", text, f.stated, "'On record' and 'ever' span the years since the founding.",
                            series=named[0], year=year, since=since)
        res = self._run(claim)
        if res is None:
            return Statement(text, f.stated, "record", "unverifiable", "—", f"no figure for {named[0]} {year}")
        return Statement(text, f.stated, "record", res.verdict, res.computed, res.explanation,
                         {"series": named[0], "year": year, "since": since}, [], claim)

    def _relative(self, text: str, f: Figure, mentions: list[YearMention]) -> Statement:
        at = [m.year for m in mentions if not m.base] or ([self.ctx.year] if self.ctx.year else [])
        dated = sorted({o.source_id for o in self.ds.observations if at and o.year in at
                        and self.ds.sources[o.source_id].date_published is not None},
                       key=lambda s: (self.ds.sources[s].date_published, s))
        if not dated or not re.search(r"(?i)\b(published|released|revealed|announced|report|data|figures)\b", text):
            return Statement(text, f.stated, "relative_date", "unverifiable", "—",
                             "no dated publication in the dataset that this sentence refers to",
                             {"searched": f"sources with figures for {', '.join(map(str, at)) or 'the years named'}"})
        event = dated[0]
        claim = self._claim("relative_date", text, f.stated,
                            "'Last week' means the calendar week (Monday to Sunday) before the week of publication.",
                            event={"source_published": event})
        res = self._run(claim)
        match = {"event": event, "date": str(self.ds.sources[event].date_published)}
        if res is None:
            return Statement(text, f.stated, "relative_date", "unverifiable",
                             str(self.ds.sources[event].date_published),
                             f"event: {event} published {self.ds.sources[event].date_published}; but the article's "
                             "own date is unknown (name it with --document or --published) → unverifiable",
                             match, [], claim)
        return Statement(text, f.stated, "relative_date", res.verdict, res.computed, res.explanation, match, [], claim)


@cache
def _roundings(f: Figure) -> list[tuple[str, int]]:
    digits = re.sub(r"\D", "", f.stated.split(".")[0]) if re.search(r"\d", f.stated) else str(int(f.value))
    zeros = len(digits) - len(digits.rstrip("0")) if int(f.value) else 0
    out: list[tuple[str, int]] = [("exact", 0)]
    if zeros >= 1:
        out += [("nearest_10", 1), ("down_10", 1)]
    out += [("nearest", k) for k in range(2, zeros + 1)]
    return out


@cache
def _adapter() -> TypeAdapter[Claim]:
    """Built once: building a TypeAdapter for the claim union costs milliseconds each time."""
    return TypeAdapter(Claim)


def _reads_as(stated: str, value: Decimal) -> bool:
    """The ledger reads `stated` back as the same figure (digits do; most number words do not)."""
    try:
        return parse_number(stated) == value
    except NumberFormatError:
        return False


def _close(stated: int, value: int) -> bool:
    """Within 10% either side; or, for figures in the thousands, a digit dropped, added or
    changed (a two-digit "24" is not a mangled 245)."""
    a, b = str(stated), str(value)
    if value and abs(stated - value) <= value // 10:
        return True
    if min(stated, value) < 1000 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _diff(stated: int, value: int) -> str:
    a, b = str(stated), str(value)
    if len(a) + 1 == len(b):
        return "a digit dropped"
    if len(a) == len(b) + 1:
        return "a digit added"
    return f"off by {fmt_count(abs(stated - value))}"

