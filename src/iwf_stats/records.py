"""The validated records: one pydantic model per table in `data/`.

Each column is defined once, here, with its type and description; `datapackage.json`
is generated from these definitions so that the data is described the same way to
people who never run Python. Records are frozen and refuse unknown fields, so a typo
in a column name is an error rather than a silently ignored value.

Checks that need only the row itself live here; checks across rows and tables
(unknown ids, duplicates, a host that is not the publisher's) live in `loading`.

Annotations here are objects, not strings (no `from __future__ import annotations`): pydantic
would otherwise compile and evaluate the string of every field of every model as it builds
the models, at each start of the command line (a sixth of the time these models take to build).
"""

import re
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .numbers import (
    ROUNDING_RULES,
    NumberFormatError,
    Rounding,
    check_iso_date,
    is_consistent_with_rounding,
    parse_count,
    parse_date,
    parse_number,
    written_as_percent,
)

#: Plausible calendar years for any figure here. The sharper bound, the IWF's founding year,
#: is itself sourced data (facts.csv, topic `iwf_founded`) and is checked by the loader.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

SourceKind = Literal[
    "primary_report",
    "press_release",
    "parliamentary_record",
    "legislation",
    "secondary",
    "newspaper_article",
]
PublisherType = Literal[
    "charity", "parliament", "government", "public_body", "press", "secondary"
]
SeriesUnit = Literal["count", "percent"]
Newsgroups = Literal["excluded", "included"]
FactUnit = Literal["date", "gbp", "years", "days", "people", "percent"]
Bound = Literal["exact", "at_least", "at_most"]


def _blank_to_none(v: object) -> object:
    return None if v == "" else v


Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=80)]
NonEmpty = Annotated[str, Field(min_length=1)]
OptionalDate = Annotated[date | None, BeforeValidator(_blank_to_none)]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def row_problems(self) -> list[str]:
        """The checks on the whole row, as "field: message" strings. Each check runs only when
        the fields it reads hold values (`has`): the loader also runs them on the fields that
        parsed in a row whose other fields did not, so one run reports every error of a row."""
        return []

    def has(self, *names: str) -> bool:
        fields = self.__dict__
        for name in names:  # noqa: SIM110 (a loop, not all() over a generator: some 1,600 calls per start)
            if name not in fields:
                return False
        return True

    @model_validator(mode="after")
    def _whole_row(self) -> Self:
        problems = self.row_problems()
        if problems:
            raise ValueError(" | ".join(problems))
        return self


class Publisher(Record):
    """Who published a source, and which web hosts belong to them."""

    publisher_id: Slug = Field(description="Stable identifier of the publisher.")
    name: NonEmpty = Field(description="The publisher's name.")
    publisher_type: PublisherType = Field(description="What kind of body the publisher is.")
    domains: tuple[str, ...] = Field(
        default=(),
        description=(
            "Space-separated web domains that belong to the publisher; a source's address "
            "must be on one of them (or a subdomain). Empty when the publisher is unknown."
        )
    )
    attribution: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="Short credit used in chart source lines (at most 60 characters).")

    @field_validator("domains", mode="before")
    @classmethod
    def _split_domains(cls, v: object) -> object:
        return tuple(v.split()) if isinstance(v, str) else v

    @field_validator("domains")
    @classmethod
    def _domains_look_like_hosts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for d in v:
            if not re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", d):
                raise ValueError(f"{d!r} is not a domain name such as iwf.org.uk")
        return v


class Source(Record):
    """A document that published figures: where it is, who made it, when."""

    source_id: Slug = Field(description="Stable identifier of the source.")
    publisher_id: Slug = Field(description="The publisher (publishers.csv).")
    kind: SourceKind = Field(description="What kind of document it is; used to rank sources.")
    title: NonEmpty = Field(description="The document's title.")
    url: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None,
        description="Its https address on the publisher's site; empty when not preserved.",
    )
    date_published: OptionalDate = Field(
        default=None, description="Date of publication (YYYY-MM-DD); empty when unknown."
    )
    note: str = Field(default="", description="Anything a reader should know about the source.")
    text_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hex) of sources/<source_id>.txt, the saved passages the data quotes.",
    )

    @field_validator("url")
    @classmethod
    def _https_only(cls, v: str | None) -> str | None:
        if v is not None:
            url_host(v)  # raises ValueError saying what is wrong
        return v

    @property
    def host(self) -> str | None:
        return None if self.url is None else url_host(self.url)


#: Host labels and path segments that mark a pre-publication copy: drafts are not sources.
DRAFT_HOST_LABELS = frozenset({"staging", "staging-next", "uat", "preview", "dev", "test", "draft", "beta"})
DRAFT_PATH = re.compile(r"(?:^|/)(?:test|tests|draft|drafts|staging|preview)(?:/|$)|-draft(?:/|$)", re.IGNORECASE)


#: Whitespace (any script's), control characters and backslashes: never in an address we accept.
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\\]")


def url_host(url: str) -> str:
    """The lower-cased host of a published https address, parsed by the standard library.

    Refused: any scheme but https, user-info (`user:pw@`), backslashes, whitespace or control
    characters, a port, an empty host, and pre-publication copies (a staging, UAT, preview or
    test host, or a /test/ or -draft path): drafts are not sources.

    >>> url_host("https://www.iwf.org.uk/news/")
    'www.iwf.org.uk'
    >>> url_host("https://evil.com?.iwf.org.uk")
    'evil.com'
    """
    from urllib.parse import urlsplit

    if _UNSAFE_IN_URL.search(url):
        raise ValueError(f"must be an https:// address without spaces or backslashes, got {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise ValueError(f"is not a valid address ({e}): {url!r}") from None
    if parts.scheme != "https":
        raise ValueError(f"must be an https:// address, got {url!r}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError(f"must not carry a user name or password, got {url!r}")
    if port is not None:
        raise ValueError(f"must not name a port, got {url!r}")
    host = (parts.hostname or "").lower()
    if not re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", host):
        raise ValueError(f"has no valid host name, got {url!r}")
    if any(label in DRAFT_HOST_LABELS for label in host.split(".")[:-2]) or DRAFT_PATH.search(parts.path):
        raise ValueError(f"is a pre-publication (staging, test or draft) copy, not a published page: {url!r}")
    return host


class Series(Record):
    """What one series counts, as data the loader holds every observation to.

    A definition that is only prose cannot fail; these columns can: an observation whose
    wording is not one its series allows, or whose quote does not use that wording, or that
    counts newsgroups in a series that excludes them, is an error.
    """

    series_id: Slug = Field(description="Stable identifier of the series.")
    title: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="Human-readable title for tables and charts (at most 120 characters).")
    publisher_id: Slug = Field(
        description="Whose series it is (publishers.csv); series of different publishers are never joined.")
    unit: SeriesUnit = Field(description="count or percent.")
    counts: NonEmpty = Field(description="What one unit is: webpages, reports, … (for percentages, of what).")
    wordings: tuple[str, ...] = Field(
        description="The wordings its sources may use for the thing counted, separated by '|'; "
                    "each observation's wording must be one of them and occur in its quote.")
    newsgroups: Annotated[Newsgroups | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, description="excluded or included; empty when not applicable.")
    dimension: str = Field(
        default="", pattern=r"^(?:[a-z0-9]+(?:_[a-z0-9]+)*)?$",
        description="Empty for a total; otherwise what the category names (country, age_band, sex, severity…).")
    share_of: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, description="For a percent series: the series it is a share of; else empty.")
    within: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None,
        description="A count series whose value in any year is at least this one's (e.g. the same "
                    "count including newsgroups); its totals bound this series' missing years.")
    definition: NonEmpty = Field(description="What is counted, and what is not.")

    @field_validator("wordings", mode="before")
    @classmethod
    def _split_wordings(cls, v: object) -> object:
        return tuple(w.strip() for w in v.split("|") if w.strip()) if isinstance(v, str) else v

    @field_validator("wordings")
    @classmethod
    def _some_wording(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("must name at least one wording")
        return v

    def row_problems(self) -> list[str]:
        problems = []
        if self.has("share_of", "unit") and self.share_of is not None and self.unit != "percent":
            problems.append("share_of: only a percent series is a share of another")
        if self.has("within", "unit") and self.within is not None and self.unit != "count":
            problems.append("within: only a count series lies within another")
        return problems


class Observation(Record):
    """One published figure: a series' value for a year, as one source printed it."""

    series_id: Slug = Field(description="The series (series.csv).")
    year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="Calendar year the figure describes.")
    category: str = Field(
        default="", max_length=120,
        description="Breakdown within the series (e.g. a country); empty for totals. No leading, "
                    "trailing or doubled spaces, so one category is never two.",
    )
    value: int = Field(ge=0, description="The figure as a whole number in the series' unit.")
    as_written: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="The figure exactly as printed in the quote.")
    rounding: Rounding = Field(
        description="How the source rounded it: " + "; ".join(
            f"{k} = {v}" for k, v in ROUNDING_RULES.items()
        )
    )
    source_id: Slug = Field(description="The source that published it (sources.csv).")
    wording: NonEmpty = Field(description="What the source called the thing counted.")
    quote: NonEmpty = Field(description="The exact words the figure was published in.")
    note: str = Field(default="", description="Caveats about this figure.")
    superseded_by: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None,
        description="The source whose figure corrects this one; a superseded figure is kept but "
                    "never preferred. Empty when current.")
    superseded_on: OptionalDate = Field(
        default=None, description="When the correction was published (YYYY-MM-DD); with superseded_by.")

    @field_validator("category")
    @classmethod
    def _tidy_category(cls, v: str) -> str:
        if v != " ".join(v.split()):
            raise ValueError(f"has leading, trailing or doubled spaces: {v!r}; write it as {' '.join(v.split())!r}")
        return v

    def row_problems(self) -> list[str]:
        problems = []
        if self.has("superseded_by", "superseded_on") and (self.superseded_by is None) != (self.superseded_on is None):
            problems.append("superseded_on: give both superseded_by and superseded_on, or neither")
        if self.has("as_written", "quote") and self.as_written not in self.quote:
            problems.append(f"quote: does not contain the figure as written ({self.as_written!r})")
        if self.has("as_written"):
            try:
                written = (
                    parse_number(self.as_written)
                    if written_as_percent(self.as_written)
                    else parse_count(self.as_written)
                )
            except NumberFormatError as e:
                problems.append(f"as_written: {e}")
            else:
                if self.has("value") and written != self.value:
                    problems.append(
                        f"value: {self.value} differs from the figure as written, {self.as_written!r}")
        if self.has("value", "rounding") and not is_consistent_with_rounding(self.value, self.rounding):
            problems.append(f"rounding: {self.value:,} cannot be {ROUNDING_RULES[self.rounding]}")
        return problems

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.series_id, self.year, self.category)


class Fact(Record):
    """A sourced fact outside the IWF series (a date, a duration, a sum) that claims need."""

    fact_id: Slug = Field(description="Stable identifier of this statement of the fact.")
    topic: Slug = Field(description="What the fact is about; several sources may state one topic.")
    value: NonEmpty = Field(
        description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD) for dates, otherwise a plain number."
    )
    unit: FactUnit = Field(description="Unit of the value.")
    bound: Bound = Field(
        description="exact, or at_least / at_most when the source gives only a bound."
    )
    as_written: NonEmpty = Field(description="The value exactly as printed in the quote.")
    source_id: Slug = Field(description="The source (sources.csv).")
    quote: NonEmpty = Field(description="The exact words the fact was published in.")
    note: str = Field(default="", description="Caveats about this fact.")

    def row_problems(self) -> list[str]:
        problems = []
        if self.has("as_written", "quote") and self.as_written not in self.quote:
            problems.append(f"quote: does not contain the value as written ({self.as_written!r})")
        if not self.has("value", "as_written", "unit"):
            return problems
        try:
            if self.unit == "date":
                check_iso_date(self.value)
                if parse_date(self.as_written) != self.value:
                    problems.append(f"value: {self.value} differs from {self.as_written!r}")
            elif parse_number(self.as_written) != parse_number(self.value):
                problems.append(f"value: {self.value} differs from {self.as_written!r}")
        except NumberFormatError as e:
            problems.append(f"value: {e}")
        return problems


def _figure_problems(value: int, as_written: str, quote: str) -> list[str]:
    problems = []
    if as_written not in quote:
        problems.append(f"quote: does not contain the figure as written ({as_written!r})")
    try:
        if parse_count(as_written) != value:
            problems.append(f"value: {value} differs from the figure as written, {as_written!r}")
    except NumberFormatError as e:
        problems.append(f"as_written: {e}")
    return problems


class Break(Record):
    """A change of method that makes a series' years before and after not like for like."""

    series_id: Slug = Field(description="The series (series.csv).")
    year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="First year under the new method.")
    label: NonEmpty = Field(description="A short label for charts, e.g. 'proactive searching begins'.")
    description: NonEmpty = Field(description="What changed, in words.")
    source_id: Slug = Field(description="The source that states the change (sources.csv).")
    quote: NonEmpty = Field(description="The exact words the change was stated in.")


class Total(Record):
    """A published total over several years ("assessed nearly 700,000 reports in 20 years"):
    it bounds the years inside its span that no source gives one by one."""

    series_id: Slug = Field(description="The series the total sums (series.csv).")
    from_year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="First year the total covers.")
    to_year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR,
                         description="Last whole year the total covers.")
    value: int = Field(ge=0, description="The total as printed, as a whole number.")
    bound: Bound = Field(description="exact, at_least ('over', 'more than') or at_most ('nearly', 'almost').")
    as_written: NonEmpty = Field(description="The figure exactly as printed in the quote.")
    source_id: Slug = Field(description="The source (sources.csv).")
    wording: NonEmpty = Field(description="What the source called the thing counted.")
    quote: NonEmpty = Field(description="The exact words the total was published in.")
    note: str = Field(default="", description="Caveats: the exact period, what is included.")

    def row_problems(self) -> list[str]:
        problems = []
        if self.has("value", "as_written", "quote"):
            problems += _figure_problems(self.value, self.as_written, self.quote)
        if self.has("from_year", "to_year") and self.from_year > self.to_year:
            problems.append(f"to_year: {self.to_year} is before from_year {self.from_year}")
        return problems


class Gap(Record):
    """A cell of the headline table that was searched for and not found: the record that lets
    charts say "not found in the sources searched" instead of implying it was never published."""

    series_id: Slug = Field(description="The series (series.csv).")
    year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="The year searched for.")
    category: str = Field(default="", description="Breakdown within the series; empty for totals.")
    searched: NonEmpty = Field(description="What was searched: queries, pages and reports read.")
    note: str = Field(default="", description="What was found instead, if anything.")


#: The tables of the dataset, in load order, with the model for each row.
TABLES: dict[str, type[Record]] = {
    "publishers": Publisher,
    "sources": Source,
    "series": Series,
    "observations": Observation,
    "facts": Fact,
    "breaks": Break,
    "totals": Total,
    "gaps": Gap,
}
