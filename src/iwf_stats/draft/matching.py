"""The walk over an article: sentence by sentence, each figure handed to the judge of its
kind (`counts`, `changes`, `facts`), with what earlier sentences established (the year, the
series, the subject) carried forward.

Each judge works through the claims engine wherever a claim kind fits: a figure becomes a claim
model (value, approximation, change, record, duration, date, relative_date, amount) that
`claims.evaluate` reproduces, so a drafted verdict is worked out exactly as a ledger claim
would be. A figure that matches a published value for another year or series than the text
says is contradicted, and the explanation names the figure it is; one close to a value (a
digit dropped or changed, or within 10%) without matching it under any rounding is
contradicted too; one with nothing to compare against is unverifiable, and says what was
searched.
"""

from __future__ import annotations

from collections.abc import Iterator

from .changes import ChangeJudge
from .context import YearMention, subject_facts, years
from .counts import CountJudge
from .facts import FactJudge
from .figures import Figure, find_figures
from .reading import Sentence
from .statement import Statement


class Drafter(CountJudge, ChangeJudge, FactJudge):
    """Turns sentences into statements against one dataset."""

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
            matched = [st.match["series"] for st in out if st.verdict == "supported" and st.match.get("series")]
            counted = named if any(f.kind == "count" for f in figures) else []
            if matched or counted or (named and not figures):
                # what the article is now about: a series a figure matched, else one a count names,
                # else one a sentence without figures names ("Webpages are what the IWF counts.")
                self.ctx.series = matched[:1] or counted or named
                if at_years:
                    self.ctx.year = at_years[-1]
                elif found := [st.match["year"] for st in out if st.verdict == "supported" and st.match.get("year")]:
                    self.ctx.year = found[0]  # the sentence's first figure is its subject
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
