"""Judging a count ("291,270 webpages", "nearly 300,000", "some 260,400 reports"): against
the published figure for the series and year the text names, within each rounding a writer
may use or the band of its word; a figure for another year or series, or one close to a figure
under no rounding, is contradicted."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..claims.models import Claim, Verdict
from ..claims.words import RULES, rule_text
from ..numbers import ROUNDING_RULES, apply_rounding, fmt_count
from ..records import Observation
from .base import Judge
from .context import YearMention, clause_bounds, tokens
from .figures import Figure
from .statement import Statement, close, diff, roundings


class CountJudge(Judge):
    @staticmethod
    def _roundings(f: Figure) -> list[tuple[str, int]]:
        """The roundings a writer may have used for a figure as printed: (rule, power of ten)."""
        return roundings(f)

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
        if any(c.lower() in text.lower() and f.stated.lower() in c.lower() for c in self.words.categories.values()):
            return None  # a number inside a category's name ("the top ten countries")
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
        # Not a series broader than one the text names, though: "webpages actioned with
        # self-generated imagery" are not all webpages actioned.
        accept = set(named) | {h for h in head_series
                               if not any(self.words.titles[h] < self.words.titles[n] for n in named)}
        fits = [(o, how) for o in self.count_obs if (r := self._fits(o, f))[0] for how in [r[1]]]
        if f.word:
            # A band ("nearly", "more than") fits many figures: only the series and year the
            # text names count, and only figures of the same order (within half to twice).
            # When a series the text names has a figure for that year, that figure decides: a
            # narrower series the general word may also mean ("nearly 275,000 webpages" and the
            # 254,071 self-generated ones) is no escape from it.
            lo, hi = self._order(f)
            own = {s for s in named if year is not None and self.ds.preferred(s, year, category) is not None}
            band = own or accept
            fits = [(o, h) for o, h in fits if o.series_id in band and o.year == year
                    and lo <= o.value <= hi]
        good = [(o, how) for o, how in fits if (not named or o.series_id in accept)
                and (year is None or o.year == year) and (o.category == category or not category)]
        good.sort(key=lambda x: self._rank(x[0]))
        where = (f"{', '.join(named) or 'every count series'}"
                 f"{' ' + category if category else ''}, {year if year else 'any year'}")
        alternatives = [self._alt(o, how) for o, how in fits if (o, how) not in good][:5]
        if good:
            o, how = good[0]
            st = self._count_statement(text, f, o, how, "supported", alternatives, year)
            if year is None:
                st.explanation = f"the text names no year; {f.stated} is the {o.year} figure. " + st.explanation
            return st
        if fits:
            # the figure it is: of the series the text names if one fits, else of one it may mean
            o = min((x for x, _ in fits), key=lambda x: (x.series_id not in named, x.series_id not in accept,
                                                          self._rank(x)))
            how = next(h for x, h in fits if x is o)
            if (named and year is not None and o.year == year and self._nested(o.series_id, named[0])
                    and self.ds.preferred(named[0], year, category) is None):
                return Statement(
                    text, f.stated, "approximation" if f.word else "value", "unverifiable", "—",
                    f"{f.stated} matches {self._obs_label(o)} ({how}); the text counts {named[0]}, which "
                    f"{'contains' if self._within(o.series_id, named[0]) else 'lies within'} {o.series_id} "
                    f"and has no {year} figure in the dataset, so the count cannot be checked exactly",
                    {"searched": where}, alternatives)
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
        pool = [o for o in self.count_obs if (not named or o.series_id in accept)
                and (year is None or o.year == year)]
        # without a year, only a mangled digit counts as close (10% of some year's figure is no clue)
        near = [o for o in pool if not f.word and close(int(f.value), o.value, within_tenth=year is not None)]
        if near:
            o = self._ranked(near)[0]
            st = self._count_statement(text, f, o, self._roundings(f)[-1][0] if f.rule_word is None else "",
                                       "contradicted", alternatives, year)
            st.verdict = "contradicted"
            st.explanation = (f"{f.stated} is close to {self._obs_label(o)} but matches it under no rounding "
                              f"({diff(int(f.value), o.value)}). " + st.explanation)
            return st
        named_obs = self.ds.preferred(named[0], year, category) if f.word and named and year is not None else None
        # Contradict a band only when the text names one series unambiguously: "reports" alone
        # may be reports assessed, for a year the dataset lacks.
        head_words = tokens(head)
        named_words = self.words.titles[named[0]] if named else set()
        unambiguous = bool(named) and (named[0] in self.words.qualifiers or not any(
            (self.words.titles[h] & head_words) - named_words for h in head_series if h in self.words.qualifiers))
        # the series named unambiguously: its own figure decides, when of the same order
        if named_obs is not None and unambiguous and f.value / 2 <= named_obs.value <= f.value * 2:
            return self._count_statement(text, f, named_obs, "", "contradicted", alternatives, year)
        if f.word and not unambiguous and head_series:
            where = f"{' or '.join(sorted(accept))}, {year if year else 'any year'}"
        return Statement(text, f.stated, "approximation" if f.word else "value", "unverifiable", "—",
                         f"no published figure matches {f.stated} in {where}; searched "
                         f"{len(self.count_obs)} published counts", {"searched": where})

    @staticmethod
    def _order(f: Figure) -> tuple[Decimal, Decimal]:
        """The figures a band could be about: within half to twice a two-sided word's figure
        ("nearly 300,000"), within a quarter either side for an open one ("more than 132,000"
        is not about 260,400, though 260,400 is more)."""
        rule = RULES.get(f.rule_word or "")
        if rule is not None and (rule.low is None or rule.high is None):
            return f.value * Decimal("0.75"), f.value * Decimal("1.25")
        return f.value / 2, f.value * 2

    def _within(self, inner: str, outer: str) -> bool:
        """`inner` lies within `outer` (series.csv's `within`, followed up the chain)."""
        seen = set()
        sid: str | None = inner
        while sid is not None and sid not in seen:
            seen.add(sid)
            sid = self.ds.series[sid].within
            if sid == outer:
                return True
        return False

    def _nested(self, a: str, b: str) -> bool:
        return self._within(a, b) or self._within(b, a)

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
