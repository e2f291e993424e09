"""The chart catalogue, `data/charts.toml`: which charts exist, as data.

One `[[chart]]` table per chart names a chart kind and the series it draws; everything a
reader sees (title, subtitle, note, alt text, source line) is generated from the data by
the kind, so a new series plus an entry here gives a finished chart with no new Python.
Read and checked by the loader like the CSVs, each problem as `path:line: field: message`.

    [[chart]]
    name = "webpages_actioned"       # lower_snake_case, unique; the files' stem
    kind = "bars_by_year"            # bars_by_year, lines, ranked_bars or shares
    series = "webpages_actioned"     # one series id, or a list of them
    highlight = "highest"            # optional; see KINDS

This module imports neither matplotlib nor pandas: `validate` and `check` stay fast.

Annotations here are objects, not strings (no `from __future__ import annotations`): pydantic
would otherwise compile and evaluate the string of every field of every model as it builds
the models, at each start of the command line (see `records`).
"""

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal, Self

import tomli as tomllib  # the standard library's parser, compiled: a third of the time
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import Problem
from .limits import MAX_CHARTS, MAX_NESTING
from .records import EARLIEST_YEAR, LATEST_YEAR, Observation, Series, Slug
from .tables import read_text
from .tomllines import TableLines, too_deep

CATALOGUE_FILE = "charts.toml"

#: The kinds, and what each draws. The Python for each is in `charts/kinds.py`.
KINDS: dict[str, str] = {
    "bars_by_year": "one series over the years; highlight = 'highest' (default) or 'latest'",
    "lines": "several series (or one series' categories) over the years; gaps stay gaps",
    "ranked_bars": "one series' categories in one year, largest first; highlight = a category "
                   "shown apart, not ranked; total = a category that sums others; an optional "
                   "second, percent series gives each category's share",
    "shares": "a percent series over the years on a 0–100 axis, or two count series as the "
              "first per 100 of the second",
}
ChartKind = Literal["bars_by_year", "lines", "ranked_bars", "shares"]
YEAR_HIGHLIGHTS = ("highest", "latest")

#: Charts drawn by their own Python (charts/figures.py): catalogue names must not take these.
BESPOKE = ("decade_growth", "source_disagreements", "year_on_year")
#: Bespoke charts that show a claim's computed figure, and the claim each needs in the ledger
#: (here, not beside the drawing code, so the build can check it without importing matplotlib).
REQUIRED_CLAIMS = {"decade_growth": "article_830_percent"}


class ChartEntry(BaseModel):
    """One `[[chart]]` table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Slug
    kind: ChartKind
    series: tuple[Slug, ...] = Field(min_length=1)
    category: str = ""
    categories: tuple[str, ...] = ()
    from_year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=LATEST_YEAR)
    to_year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=LATEST_YEAR)
    year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=LATEST_YEAR)
    highlight: str | None = None
    total: str | None = None
    title: str | None = Field(default=None, min_length=1)

    @field_validator("series", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return (v,) if isinstance(v, str) else v

    @field_validator("title")
    @classmethod
    def _no_typed_figures(cls, v: str | None) -> str | None:
        if v is not None and re.search(r"\d", v):
            raise ValueError("must not type a figure or year (titles are generated from the data "
                             "when left out)")
        return v

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        problems = list(_shape_problems(self))
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    @property
    def years(self) -> tuple[int | None, int | None]:
        return self.from_year, self.to_year


def _shape_problems(e: ChartEntry) -> Iterable[str]:
    """What the kind allows: counts of series, and which optional fields mean anything."""
    n = len(e.series)
    if e.from_year is not None and e.to_year is not None and e.from_year > e.to_year:
        yield f"to_year: {e.to_year} is before from_year {e.from_year}"
    unused = {"bars_by_year": ("categories", "year", "total"),
              "lines": ("category", "year", "highlight", "total"),
              "ranked_bars": ("category", "categories", "from_year", "to_year"),
              "shares": ("categories", "year", "total")}[e.kind]
    for f in unused:
        if getattr(e, f) not in (None, "", ()):
            yield f"{f}: not used by kind {e.kind}"
    if e.kind in ("bars_by_year", "shares") and e.highlight not in (None, *YEAR_HIGHLIGHTS):
        yield f"highlight: must be one of {', '.join(YEAR_HIGHLIGHTS)}, got {e.highlight!r}"
    if e.kind == "bars_by_year" and n != 1:
        yield f"series: kind bars_by_year draws one series, got {n}"
    if e.kind == "lines" and not ((n >= 2 and not e.categories) or (n == 1 and len(e.categories) >= 2)):
        yield "series: kind lines draws two or more series, or one series with two or more categories"
    if e.kind in ("ranked_bars", "shares") and n > 2:
        yield f"series: kind {e.kind} takes one or two series, got {n}"


def read_catalogue(path: Path, shown: str, series: Mapping[str, Series], observations: Iterable[Observation],
                   check_references: bool = True) -> tuple[tuple[ChartEntry, ...], list[Problem]]:
    """The entries of `path` and every problem with them; a missing file is an empty catalogue
    (a data folder of one's own need not have charts). `check_references=False` checks only
    the file itself: when the tables have problems of their own, an entry naming a series
    whose row failed would otherwise be reported again."""
    if not path.exists():
        return (), []
    problems: list[Problem] = []
    text = read_text(path, shown, problems)
    if text is None:
        return (), problems
    tables = len(re.findall(r"^\s*\[\[\s*chart\s*\]\]", text, flags=re.MULTILINE))
    if tables > MAX_CHARTS:  # counted before parsing, so a huge catalogue stops at once
        return (), [Problem(shown, 1, "chart", f"{tables:,} charts; the limit is {MAX_CHARTS:,}")]
    deep = too_deep(text, MAX_NESTING)
    if deep:
        return (), [Problem(shown, deep, "(toml)", f"nested more than {MAX_NESTING} levels deep")]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        return (), [Problem(shown, int(m.group(1)) if m else 1, "(toml)", f"not valid TOML: {e}")]
    except RecursionError:
        return (), [Problem(shown, 1, "(toml)", "nested too deeply")]
    for key in sorted(set(doc) - {"chart"}):
        problems.append(Problem(shown, 1, key, "unknown top-level key; write charts as [[chart]]"))
    raw = doc.get("chart", [])
    if not isinstance(raw, list):
        return (), [*problems, Problem(shown, 1, "chart", "write charts as [[chart]] tables")]
    if len(raw) > MAX_CHARTS:  # written inline, not as [[chart]] headers
        return (), [*problems, Problem(shown, 1, "chart", f"{len(raw):,} charts; the limit is {MAX_CHARTS:,}")]
    lines = TableLines(text, "chart")
    index = _Index(observations)
    entries: list[ChartEntry] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        try:
            entry = ChartEntry.model_validate(item)
        except ValidationError as e:
            problems.extend(_problems(shown, lines, i, e))
            continue
        line = lines.start(i)
        if entry.name in seen or entry.name in BESPOKE:
            where = f"first on line {seen[entry.name]}" if entry.name in seen else "a bespoke chart"
            problems.append(Problem(shown, lines.key_line(i, "name"), "name",
                                    f"duplicate {entry.name!r}, {where}"))
            continue
        seen[entry.name] = line
        found = [Problem(shown, lines.key_line(i, f), f, m)
                 for f, m in (_reference_problems(entry, series, index) if check_references else [])]
        problems.extend(found)
        if not found:
            entries.append(entry)
    return tuple(entries), problems


def _problems(shown: str, lines: TableLines, i: int, error: ValidationError) -> Iterable[Problem]:
    for err in error.errors(include_url=False):
        loc = [str(x) for x in err["loc"]]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not loc:  # the kind's own checks: "field: message | field: message"
            for part in msg.split(" | "):
                field, _, message = part.partition(": ")
                yield Problem(shown, lines.key_line(i, field), field, message)
            continue
        field = loc[0]
        if err["type"] == "missing":
            yield Problem(shown, lines.start(i), field, "required")
        elif err["type"] == "extra_forbidden":
            yield Problem(shown, lines.key_line(i, field), field, "unknown field")
        elif err["type"] == "literal_error" and field == "kind":
            yield Problem(shown, lines.key_line(i, field), field,
                          f"must be one of {', '.join(KINDS)}, got {err.get('input')!r}")
        else:
            yield Problem(shown, lines.key_line(i, field), field, msg)


class _Index:
    """Which years each (series, category) has."""

    def __init__(self, observations: Iterable[Observation]) -> None:
        self.years: dict[tuple[str, str], set[int]] = {}
        for o in observations:
            self.years.setdefault((o.series_id, o.category), set()).add(o.year)

    def categories(self, series_id: str) -> set[str]:
        return {c for s, c in self.years if s == series_id}


def _reference_problems(e: ChartEntry, series: Mapping[str, Series], index: _Index) -> Iterable[tuple[str, str]]:
    unknown = [s for s in e.series if s not in series]
    for s in unknown:
        yield "series", f"unknown series {s!r}"
    if unknown:
        return
    kinds = [series[s].unit for s in e.series]
    if e.kind == "lines" and len(set(kinds)) > 1:
        yield "series", "kind lines draws series of one measure, got " + " and ".join(sorted(set(kinds)))
    if e.kind == "shares" and len(e.series) == 1 and kinds[0] != "percent":
        yield "series", (f"kind shares draws a percent series; {e.series[0]} is a count "
                         "(give two count series for a ratio)")
    if e.kind == "shares" and len(e.series) == 2 and kinds != ["count", "count"]:
        yield "series", "kind shares with two series draws the first per 100 of the second: both must be counts"
    if e.kind == "ranked_bars" and len(e.series) == 2 and kinds[1] != "percent":
        yield "series", f"the second series of ranked_bars gives shares: {e.series[1]} is not a percent series"
    first = e.series[0]
    for field, cats in (("category", [e.category] if e.category else []), ("categories", e.categories),
                        ("highlight", [e.highlight] if e.kind == "ranked_bars" and e.highlight else []),
                        ("total", [e.total] if e.total else [])):
        for c in cats:
            if c not in index.categories(first):
                yield field, f"{first} has no category {c!r}"
    lo, hi = e.from_year or EARLIEST_YEAR, e.to_year or LATEST_YEAR
    wanted = [(s, c) for s in e.series for c in (e.categories or [e.category])] \
        if e.kind != "ranked_bars" else [(first, c) for c in index.categories(first)]
    years = {y for key in wanted for y in index.years.get(key, set()) if lo <= y <= hi}
    if e.kind == "ranked_bars" and e.year is not None and e.year not in years:
        yield "year", f"{first} has no figures for {e.year}"
    elif not years:
        span = "" if e.years == (None, None) else f" in {lo}–{hi}" if e.years[0] and e.years[1] \
            else f" from {lo}" if e.years[0] else f" up to {hi}"
        yield "series", f"no figures to draw{span}"


def read_entry_problems(entry: ChartEntry, series: Mapping[str, Series],
                        observations: Iterable[Observation]) -> list[tuple[str, str]]:
    """The reference checks for one entry made in Python (the `chart()` API): (field, message)."""
    return list(_reference_problems(entry, series, _Index(observations)))
