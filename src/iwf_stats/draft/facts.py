"""Judging statements about dated and sourced facts: sums of money, durations, years and
dates, records and "last week", each through the claims engine's own kind."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..claims.engine import ClaimResult
from ..claims.models import Claim, Verdict
from ..claims.words import RULES, rule_text
from ..numbers import fmt_count
from ..preference import KIND_RANK
from .base import Judge
from .context import YearMention, subject_facts
from .figures import Figure
from .statement import Statement


class FactJudge(Judge):
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
        if f.rule_word:
            return self._money_band(text, f, facts)
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

    def _money_band(self, text: str, f: Figure, facts: list[Any]) -> Statement:
        """"more than £137 million", "nearly £200 million": the word's band (claims/words.py)
        against each exact sourced sum; a bound ("at least £137 million") decides only when the
        band lies wholly beyond it."""
        word = f.rule_word or ""
        rule = RULES[word]
        tried: list[tuple[Verdict, Any, str]] = []
        for fact in facts:
            value = Decimal(fact.value)
            if fact.bound == "exact":
                ok = rule.holds(value, f.value)
                tried.append(("supported" if ok else "contradicted", fact,
                              f"{fact.fact_id}: £{fmt_count(value)} ({fact.source_id}); {rule_text(word)} for "
                              f"X = £{fmt_count(f.value)} → {'supported' if ok else 'contradicted'}"))
            elif fact.bound == "at_least" and rule.high is not None and f.value * rule.high < value:
                tried.append(("contradicted", fact,
                              f"{fact.fact_id}: at least £{fmt_count(value)} ({fact.source_id}); '{word} "
                              f"£{fmt_count(f.value)}' stays below it → contradicted"))
        if not tried:
            return Statement(text, f.stated, "amount", "unverifiable", "—",
                             f"no sourced sum decides '{f.word} {f.stated}' (searched: "
                             f"{', '.join(x.fact_id for x in facts)})", {"searched": [x.fact_id for x in facts]})
        verdict, fact, expl = next((t for t in tried if t[0] == "supported"), tried[0])
        return Statement(text, f.stated, "amount", verdict, f"£{fmt_count(Decimal(fact.value))}", expl,
                         {"fact": fact.fact_id, "value": fact.value, "source": fact.source_id},
                         [{"fact": fx.fact_id, "verdict": v} for v, fx, _ in tried if fx is not fact])

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
        given = re.match(r" ((?:19|20)\d\d)\b", text[f.end:])
        if given:  # "the highest since 2013"
            since: dict[str, Any] = {"year": int(given.group(1))}
            rule = f"'Since {given.group(1)}' spans {given.group(1)} to the year named."
        else:
            since = {"fact": founded[0].fact_id} if founded else {"year": min(self.ds.years(named[0]) or [year])}
            rule = ("'On record' and 'ever' span the years since the founding; a year no source gives "
                    "counts as lower when a published total bounds it below the figure.")
        claim = self._claim("record_bounded", text, f.stated, rule, series=named[0], year=year, since=since)
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
