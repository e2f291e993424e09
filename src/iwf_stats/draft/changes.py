"""Judging percentages, fractions and fold changes: a change between the years the text
names (through the engine's `change` claims, under each rounding a writer may use), or a share
against the shares the IWF published."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..claims.models import Verdict
from ..claims.words import RULES, rule_text
from ..numbers import ROUNDING_RULES, Rounding, apply_rounding, fmt_count
from .base import Judge
from .context import YearMention, clause_bounds
from .figures import Figure
from .statement import CHANGE, PREVIOUS, Statement


def _pct(d: Decimal) -> str:
    """33.333…% → "33.33%"; 80 → "80%"."""
    q = d.quantize(Decimal("0.01"))
    return f"{q.normalize():f}%" if q == q.to_integral_value() else f"{q}%"


class ChangeJudge(Judge):
    def _percent(self, text: str, f: Figure, mentions: list[YearMention], done: list[Statement]) -> Statement | None:
        a, _ = clause_bounds(text, f.start)
        window = text[max(a, f.start - 60):min(len(text), f.end + 40)]
        is_change = f.kind == "fold" or bool(CHANGE.search(window))
        if not is_change:
            return self._share(text, f, mentions)
        # a sentence that points back ("The figure … marks an 8% increase") means the series before;
        # else the series of a figure already matched in it, else its words
        named = (self._carried(text)
                 or [st.match["series"] for st in done if st.match.get("series") and st.verdict == "supported"][:1]
                 or self.words.named(text) or [st.match["series"] for st in done if st.match.get("series")])
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
        if PREVIOUS.search(text) and to_year:
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
                f"{f.word + ' ' if f.word else ''}{f.stated} ({_pct(stated_pct)}); {rule} → {verdict} "
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
        found = [o for o in pool if (category or named) and year is not None and o.year == year
                 and o.category == category]
        if not found:
            return Statement(text, f.stated, "share", "unverifiable", "—",
                             f"a share, but no published percentage to compare it with (searched: {where})",
                             {"searched": where})
        o = found[0]
        match = {"series": o.series_id, "year": o.year, "category": o.category, "value": o.value,
                 "source": o.source_id}
        claim = (self._claim("approximation", text, f.stated, rule_text(f.rule_word or ""), series=o.series_id,
                             year=o.year, category=o.category, word=f.word) if f.word else
                 self._claim("value", text, f.stated, "A whole per cent, as the IWF prints it.",
                             series=o.series_id, year=o.year, category=o.category, rounding="nearest_1"))
        res = self._run(claim)
        if res is not None:
            return Statement(text, f.stated, res.kind, res.verdict, res.computed, res.explanation, match, [], claim)
        # written in words ("four in every five"): the same rule, worked here
        ok = (RULES[f.rule_word].holds(Decimal(o.value), value) if f.rule_word
              else apply_rounding(value, "nearest_1") == o.value)
        verdict: Verdict = "supported" if ok else "contradicted"
        rule = rule_text(f.rule_word) if f.rule_word else "a whole per cent must equal the published one"
        return Statement(text, f.stated, "share", verdict, f"{o.value}%",
                         f"{o.year} figure {o.value}% ({o.category + ', ' if o.category else ''}{o.source_id}); "
                         f"stated {f.word + ' ' if f.word else ''}{f.stated} ({_pct(value)}); {rule} → {verdict}",
                         match)
