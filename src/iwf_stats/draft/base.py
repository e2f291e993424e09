"""What every judge of a figure shares: the dataset, the article's context, the claim models
built through the ledger's own validation and run through the claims engine, and the rules
for the year a figure describes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..claims import evaluate
from ..claims.engine import ClaimResult
from ..claims.models import Claim
from ..dataset import Dataset
from ..numbers import NumberFormatError, fmt_count
from ..records import Observation, Source
from .context import SeriesWords, YearMention, clause_bounds
from .figures import Figure
from .statement import ANAPHOR, CHANGE, LAST_YEAR, Context, adapter, reads_as


class Judge:
    """The state and helpers the count, change and fact judges share."""

    def __init__(self, ds: Dataset, document: str, published: date | None = None) -> None:
        self.ds = ds
        self.document = document
        self.published = published or (ds.sources[document].date_published if document in ds.sources else None)
        self.eval_ds = ds
        if document not in ds.sources and published is not None and ds.publishers:
            # The article is not in sources.csv: give the engine its date, so "last week" can be
            # placed (the relative-date rule reads only the date; the publisher is a placeholder).
            publisher = sorted(ds.publishers)[0]
            # Built without validation: it lives only in memory, has no saved text to hash, and the
            # engine reads nothing of it but the date.
            article = Source.model_construct(source_id=document, publisher_id=publisher, kind="newspaper_article",
                                             title=document, url=None, date_published=published, note="",
                                             text_sha256="")
            self.eval_ds = replace(ds, sources={**ds.sources, document: article})
        self.words = SeriesWords(ds)
        self.count_obs = [o for o in ds.observations if ds.series[o.series_id].unit != "percent"]
        self.pct_obs = [o for o in ds.observations if ds.series[o.series_id].unit == "percent"]
        self.ctx = Context()
        self._n = 0
        self._figure: Figure | None = None  # the figure being judged

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
                not reads_as(stated, self._figure.value):
            return None

        data = {"id": self._id(stated), "document": self.document, "quote": quote, "stated": stated,
                "kind": kind, "rule": rule, "expected": "unverifiable", **fields}
        try:
            return adapter().validate_python(data)
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
            if m.start < f.start or not CHANGE.search(text[f.end:m.start]):
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
        if LAST_YEAR.search(text) and self.published:
            return self.published.year - 1
        return self.ctx.year

    def _carried(self, text: str) -> list[str]:
        """The series of the sentences before, when this one points back to it ("This is an
        increase of 830 percent", "The figure … marks an 8% increase"); a sentence about
        something else ("the number of abuse images … increased by 60%") is not given it."""
        return self.ctx.series if ANAPHOR.match(text) else []

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
