"""The claims ledger's records: what a document said, and how to reproduce it.

A closed set of claim kinds, each a pydantic model, discriminated by `kind`:

- `value`: a series' value in a year, as rounded by the writer;
- `change`: percentage change of a series between two years;
- `share`: one figure as a percentage of another;
- `record`: a year was the highest of a span of years, judged on the years the data holds;
- `record_bounded`: the same, where published totals over several years bound the years
  no source gives one by one ("all the years before Y together fall below the figure");
- `approximation`: "nearly 300,000" and the like, judged by `words.RULES`;
- `duration`: whole years between two sourced dates ("29-year history");
- `date`: a sourced date, at the precision stated ("in 2022", "from March");
- `relative_date`: "last week", judged against the claiming document's own date;
- `amount`: a sum of money against a sourced figure (exact, or a bound).

Every claim quotes its document exactly (`quote`), names the figure as printed (`stated`,
which must appear in the quote), may carry a short `title` in words for readers (the site
heads the claim with it; without one, the stated phrase is shown), states in words the rule
it is judged by (`rule`), and records the verdict expected of it (`expected`). `check` fails when a verdict changes.

Annotations here are objects, not strings (no `from __future__ import annotations`): pydantic
would otherwise compile and evaluate the string of every field of every model as it builds
the models, at each start of the command line (a tenth of the time these models take to build).
"""

import typing
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..numbers import Rounding
from ..records import EARLIEST_YEAR, LATEST_YEAR, Slug
from .words import RULES

Verdict = Literal["supported", "contradicted", "unverifiable"]
#: A claim title is a heading, not a sentence.
TITLE_MAX = 80
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Endpoint(_Strict):
    """A point in time taken from the data: a fact's date, a source's publication date, or
    a calendar year (a claim's own parameter, such as the last year of a span)."""

    fact: Slug | None = None
    source_published: Slug | None = None
    year: Year | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if sum(x is not None for x in (self.fact, self.source_published, self.year)) != 1:
            raise ValueError("give exactly one of fact, source_published or year")
        return self


class _Claim(_Strict):
    id: Slug
    document: Slug = Field(description="The source that made the claim (sources.csv).")
    quote: str = Field(min_length=1, description="The claim's exact words in that document.")
    stated: str = Field(min_length=1, description="The figure or phrase as printed.")
    title: str = Field(default="", max_length=TITLE_MAX,
                       description="What the claim is about, in a few words, for headings.")
    rule: str = Field(min_length=10, description="The tolerance or rounding rule, in words.")
    expected: Verdict
    note: str = ""

    @model_validator(mode="after")
    def _stated_in_quote(self) -> Self:
        if self.stated not in self.quote:
            raise ValueError(f"stated: {self.stated!r} does not appear in the quote")
        return self

    @model_validator(mode="after")
    def _title_is_a_heading(self) -> Self:
        """A title heads a table row and a card: one line of words, no stray spaces."""
        t = self.title
        if t and (t != t.strip() or any(ch in t for ch in "\n\r\t") or "  " in t):
            raise ValueError("title: one line of words, without leading, trailing or doubled spaces")
        if t and not any(ch.isalpha() for ch in t):
            raise ValueError("title: must be words, not only figures or punctuation")
        return self

    @property
    def heading(self) -> str:
        """The title, or the stated phrase in quotation marks when there is none."""
        return self.title or f"“{self.stated}”"


class _AboutAFigure(_Claim):
    """A claim about one figure: a series' value in a year (and category)."""

    series: Slug
    year: Year
    category: str = ""


class ValueClaim(_AboutAFigure):
    kind: Literal["value"]
    rounding: Rounding
    source: Slug | None = Field(default=None, description="Use this source's figure, not the preferred one.")


class ChangeClaim(_Claim):
    kind: Literal["change"]
    series: Slug
    from_year: Year
    to_year: Year
    rounding: Rounding
    source: Slug | None = Field(default=None, description="Use this source's figures, not the preferred ones.")


class ShareClaim(_AboutAFigure):
    kind: Literal["share"]
    of_series: Slug
    of_year: Year
    of_category: str = ""
    rounding: Rounding


class RecordClaim(_Claim):
    kind: Literal["record"]
    series: Slug
    year: Year
    since: Endpoint = Field(description="First year of the span the claim covers.")


class RecordBoundedClaim(_Claim):
    kind: Literal["record_bounded"]
    series: Slug
    year: Year
    since: Endpoint = Field(description="First year of the span the claim covers.")


class ApproximationClaim(_AboutAFigure):
    kind: Literal["approximation"]
    word: str

    @model_validator(mode="after")
    def _known_word(self) -> Self:
        if self.word not in RULES:
            raise ValueError(f"word: {self.word!r} has no rule; known: {', '.join(sorted(RULES))}")
        if f"{self.word} {self.stated}" not in self.quote:
            raise ValueError(f"quote: does not contain {self.word + ' ' + self.stated!r}")
        return self


class DurationClaim(_Claim):
    kind: Literal["duration"]
    start: Endpoint
    end: Endpoint


class DateClaim(_Claim):
    kind: Literal["date"]
    fact: Slug


class RelativeDateClaim(_Claim):
    kind: Literal["relative_date"]
    event: Endpoint


class AmountClaim(_Claim):
    kind: Literal["amount"]
    fact: Slug


Claim = Annotated[
    ValueClaim | ChangeClaim | ShareClaim | RecordClaim | RecordBoundedClaim | ApproximationClaim
    | DurationClaim
    | DateClaim | RelativeDateClaim | AmountClaim,
    Field(discriminator="kind"),
]

#: The kinds, in the union's order, read from the models so the list cannot fall behind them.
CLAIM_KINDS: tuple[str, ...] = tuple(
    typing.get_args(model.model_fields["kind"].annotation)[0]
    for model in typing.get_args(typing.get_args(Claim)[0])
)
