"""From the files in `data/` to a `Dataset`, or to the full list of what is wrong.

Loading is all or nothing: every table is read and every check is run, and either the
whole dataset is valid or `DataError` lists every problem found, each with its file,
line and field. Checks that span rows or tables live here; checks on a single row
live with the record models.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from . import resources
from .catalogue import CATALOGUE_FILE, read_catalogue
from .dataset import Dataset
from .errors import DataError, Problem, shown_path
from .numbers import ROUNDING_RULES, apply_rounding, true_range, written_as_percent
from .records import TABLES, Break, Fact, Gap, Observation, Publisher, Record, Series, Source, Total
from .sourcetext import SourceText, normalise, read_source_text
from .tables import Row, Table, not_a_plain_file, read_csv

#: The facts' topic that dates the IWF's founding: no figure can describe an earlier year.
FOUNDING_TOPIC = "iwf_founded"

#: Environment variable that points the library at another data folder.
DATA_ENV = "IWF_STATS_DATA"

#: Tables that must hold at least one row for the dataset to mean anything.
REQUIRED_ROWS = ("publishers", "sources", "series", "observations")


def default_data_dir() -> Path:
    """$IWF_STATS_DATA if set, else the shipped dataset (`resources.data_dir`)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return resources.data_dir() or resources.PACKAGE / resources.DATA_RESOURCE


#: The files of a dataset besides its tables, and the folder of saved source texts.
#: Beside the tables: the claims ledger, the descriptor and the chart catalogue.
OTHER_FILES = ("claims.toml", "datapackage.json", "charts.toml")
TEXTS_FOLDER = "sources"


def is_ignored(name: str) -> bool:
    """Names the data folder may hold that are not part of the dataset and are never read or
    published: hidden files and folders (.git, .ipynb_checkpoints, .DS_Store, .env) and
    editor backups (name~, .name.swp, #name#)."""
    return name.startswith(".") or name.endswith(("~", ".swp", ".swo", ".bak")) or \
        (name.startswith("#") and name.endswith("#"))


def dataset_files(root: Path) -> list[str]:
    """The dataset's own files, relative to `root`, that exist: the tables, the ledger, the
    descriptor and the saved source texts. Only these are read and published."""
    names = [f"{name}.csv" for name in TABLES] + list(OTHER_FILES)
    texts = root / TEXTS_FOLDER
    if texts.is_dir() and not texts.is_symlink():
        names += [f"{TEXTS_FOLDER}/{p.name}" for p in sorted(texts.iterdir())
                  if p.suffix == ".txt" and not is_ignored(p.name)]
    return [n for n in names if (root / n).is_file() and not (root / n).is_symlink()]


def check_data_folder(root: Path, problems: list[Problem]) -> None:
    """Everything in the data folder is either part of the dataset, ignored by `is_ignored`,
    or refused here with its name and the reason: a link, a special file, a subfolder or an
    unknown file could otherwise be published with the site, or hang the build."""
    known = {f"{name}.csv" for name in TABLES} | set(OTHER_FILES)

    def refuse(path: Path, message: str) -> None:
        problems.append(Problem(shown_path(path), 0, "(file)", message))

    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if is_ignored(entry.name):
            continue
        path = root / entry.name
        mode = entry.stat(follow_symlinks=False).st_mode
        if entry.name == TEXTS_FOLDER and entry.is_dir(follow_symlinks=False):
            for sub in sorted(os.scandir(path), key=lambda e: e.name):
                if is_ignored(sub.name):
                    continue
                why = not_a_plain_file(sub.stat(follow_symlinks=False).st_mode)
                if why:
                    refuse(path / sub.name, why)
                elif not sub.name.endswith(".txt"):
                    refuse(path / sub.name, "unknown file: the sources folder holds only <source_id>.txt files")
            continue
        why = not_a_plain_file(mode)
        if why:
            refuse(path, "is a subfolder: the data folder holds only the dataset's files and sources/"
                   if stat.S_ISDIR(mode) else why)
        elif entry.name not in known:
            refuse(path, "unknown file: the data folder holds only "
                   + ", ".join(sorted(known)) + f" and {TEXTS_FOLDER}/; move it elsewhere (files whose "
                   "names start with a dot or end in ~ are ignored)")


def columns_of(model: type[Record]) -> list[str]:
    return list(model.model_fields)


def required_columns(model: type[Record]) -> set[str]:
    return {name for name, f in model.model_fields.items() if f.is_required()}


def load(data_dir: str | Path | None = None, *, today: date | None = None,
         check_descriptor: bool = True) -> Dataset:
    """Load and validate the dataset in `data_dir` (default: `default_data_dir()`).

    `today` bounds the years a figure may describe (no figure for a year that has not
    begun); tests pass a fixed date. `check_descriptor=False` skips comparing
    `datapackage.json` with the models, for the command that regenerates it.
    """
    # Loading allocates a few objects per row and keeps them all: the cyclic garbage
    # collector would rescan them again and again (half the time of a large load), and
    # nothing allocated here forms a cycle that needs it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(data_dir, today, check_descriptor)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(data_dir: str | Path | None, today: date | None, check_descriptor: bool) -> Dataset:
    # Resolved once, here: the site, the notebooks and the claims all see the same folder,
    # whatever the working folder of the process that reads it.
    root = (Path(data_dir) if data_dir is not None else default_data_dir()).absolute()
    problems: list[Problem] = []
    if root.is_symlink() or not root.is_dir():
        raise DataError([Problem(str(root), 0, "(folder)", f"data folder not found (name one, or set ${DATA_ENV})"
                                 if not root.exists() else "is not a folder (links are not followed)")])
    check_data_folder(root, problems)
    shown = {name: shown_path(root / f"{name}.csv") for name in TABLES}
    records: dict[str, list[tuple[int, Any]]] = {}
    invalid_ids: set[str] = set()  # ids of rows that failed: references to them are not news
    broken: set[str] = set()  # tables that could not be read: references into them are not news
    for name, model in TABLES.items():
        table = read_csv(root / f"{name}.csv", shown[name], columns_of(model), required_columns(model), problems)
        if table is None:
            broken.add(name)
        elif not table.rows and name in REQUIRED_ROWS:
            problems.append(Problem(shown[name], 1, "(rows)", "has a header but no rows"))
        records[name] = _validate_rows(table, model, problems, invalid_ids) if table else []
    if check_descriptor:
        from .datapackage import check_descriptor as check

        problems.extend(check(root, shown_path(root / "datapackage.json")))
    publishers = _unique(records["publishers"], "publisher_id", shown["publishers"], problems)
    sources = _unique(records["sources"], "source_id", shown["sources"], problems)
    series = _unique(records["series"], "series_id", shown["series"], problems)
    facts = _unique(records["facts"], "fact_id", shown["facts"], problems)
    observations = records["observations"]
    refs = _References(publishers, sources, series, invalid_ids, frozenset(broken))
    _check_sources(sources, refs, shown["sources"], problems)
    _check_series(series, refs, shown["series"], problems)
    _check_facts(facts, refs, shown["facts"], problems)
    founded = min((int(f.value[:4]) for _, f in facts.values() if f.topic == FOUNDING_TOPIC), default=None)
    today = today or date.today()
    _check_observations(observations, refs, shown["observations"], problems, today, founded)
    bad_urls = {p.line for p in problems if p.path == shown["sources"] and p.field == "url"}
    texts = _read_source_texts(root, sources, problems, bad_urls, invalid_ids)
    quotes = _Quotes(texts, refs, problems)
    for name in ("observations", "facts", "breaks", "totals"):
        for line, rec in records[name]:
            quotes.check(shown[name], line, rec.source_id, rec.quote)
    _check_breaks(records["breaks"], refs, shown["breaks"], problems, today, founded)
    totals = records["totals"]
    _check_totals(totals, observations, refs, shown["totals"], problems)
    _check_gaps(records["gaps"], observations, refs, shown["gaps"], problems)
    _check_within(series, observations, shown["observations"], problems)
    charts, chart_problems = read_catalogue(root / CATALOGUE_FILE, shown_path(root / CATALOGUE_FILE),
                                            {k: v for k, (_, v) in series.items()},
                                            (o for _, o in observations), check_references=not problems)
    problems.extend(chart_problems)
    if problems:
        raise DataError(problems)
    return Dataset(
        publishers={k: v for k, (_, v) in publishers.items()},
        sources={k: v for k, (_, v) in sources.items()},
        series={k: v for k, (_, v) in series.items()},
        observations=tuple(o for _, o in observations),
        facts={k: v for k, (_, v) in facts.items()},
        root=root,
        breaks=tuple(b for _, b in records["breaks"]),
        totals=tuple(t for _, t in totals),
        gaps=tuple(g for _, g in records["gaps"]),
        source_texts=texts,
        quoted_passages=frozenset(quotes.used),
        charts=charts,
    )


def _validate_rows(table: Table, model: type[Record], problems: list[Problem],
                   invalid_ids: set[str]) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    validate = model.model_validate
    id_column = next(iter(model.model_fields))
    for row in table.rows:
        try:
            out.append((row.line, validate(row.values)))
        except ValidationError as e:
            problems.extend(_problems_from(e, table.path, row))
            problems.extend(_row_problems_of_partial(model, e, table.path, row))
            invalid_ids.add(row.values.get(id_column, ""))
    return out


def _row_problems_of_partial(model: type[Record], error: ValidationError, path: str, row: Row) -> list[Problem]:
    """A field error stops pydantic before the whole-row checks: run them here on the fields
    that did parse, so one run reports every error in the row (each check skips the fields
    that failed; see `Record.row_problems`)."""
    errors = error.errors(include_url=False)
    if any(not err["loc"] for err in errors):
        return []  # the whole-row checks did run, and their problems are already reported
    failed = {str(err["loc"][0]) for err in errors}
    adapters = _field_adapters(model)
    parsed: dict[str, Any] = {}
    for name, adapter in adapters.items():
        if name in failed or name not in row.values:
            continue
        try:
            parsed[name] = adapter.validate_python(row.values[name])
        except ValidationError:
            failed.add(name)
    partial = model.model_construct(**parsed)
    for name in set(model.model_fields) - set(parsed):
        partial.__dict__.pop(name, None)  # a failed field is absent, not its default
    out = []
    for part in partial.row_problems():
        field, _, message = part.partition(": ")
        out.append(Problem(path, row.line, field, message))
    return out


@cache
def _field_adapters(model: type[Record]) -> dict[str, TypeAdapter[Any]]:
    """One validator per column of `model`, with the column's type and constraints."""
    return {name: TypeAdapter(Annotated[(f.annotation, *f.metadata)] if f.metadata  # type: ignore[arg-type]
                              else f.annotation)
            for name, f in model.model_fields.items()}


def _problems_from(error: ValidationError, path: str, row: Row) -> Iterable[Problem]:
    for err in error.errors(include_url=False):
        loc = err["loc"]
        if not loc:  # a whole-row check: messages are "field: message | field: message"
            text = str(err["msg"]).removeprefix("Value error, ")
            for part in text.split(" | "):
                field, _, message = part.partition(": ")
                yield Problem(path, row.line, field, message)
            continue
        field = str(loc[0])
        yield Problem(path, row.line, field, _message(err, row.values.get(field)))


def _message(err: Any, raw: str | None) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    got = f"got {raw!r}" if raw is not None else "missing"
    if kind == "greater_than_equal":
        return f"must be ≥ {ctx['ge']}, got {raw}"
    if kind == "less_than_equal":
        return f"must be ≤ {ctx['le']}, got {raw}"
    if kind in ("int_parsing", "int_from_float"):
        return f"must be a whole number, {got}"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}, {got}"
    if kind == "string_pattern_mismatch":
        return f"must be lower_snake_case letters and digits, {got}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("date_from_datetime_parsing", "date_parsing"):
        return f"must be a date written YYYY-MM-DD, {got}"
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{err['msg']} ({got})"


def _unique(rows: list[tuple[int, Any]], key: str, path: str,
            problems: list[Problem]) -> dict[str, tuple[int, Any]]:
    seen: dict[str, tuple[int, Any]] = {}
    for line, rec in rows:
        k = getattr(rec, key)
        if k in seen:
            problems.append(Problem(path, line, key, f"duplicate {k!r}, first on line {seen[k][0]}"))
        else:
            seen[k] = (line, rec)
    return seen


class _References(NamedTuple):
    """The ids other tables may refer to. An id whose own row failed validation is
    `invalid`: a reference to it is not reported again as unknown.
    A NamedTuple, not a dataclass: see README, Performance."""

    publishers: dict[str, tuple[int, Publisher]]
    sources: dict[str, tuple[int, Source]]
    series: dict[str, tuple[int, Series]]
    invalid: set[str]
    broken: frozenset[str] = frozenset()

    def unknown(self, table: dict[str, Any], key: str) -> bool:
        if any(table is getattr(self, name) for name in self.broken if hasattr(self, name)):
            return False  # the table itself could not be read: its own problem says why
        return key not in table and key not in self.invalid


def _check_sources(sources: dict[str, tuple[int, Source]], refs: _References, path: str,
                   problems: list[Problem]) -> None:
    for line, s in sources.values():
        if s.publisher_id not in refs.publishers:
            if refs.unknown(refs.publishers, s.publisher_id):
                problems.append(Problem(path, line, "publisher_id",
                                        f"unknown publisher {s.publisher_id!r}"))
            continue
        pub = refs.publishers[s.publisher_id][1]
        host = s.host
        if host is None:
            if pub.domains:
                problems.append(Problem(path, line, "url",
                                        f"required: {pub.name} has a website ({', '.join(pub.domains)})"))
        elif not any(host == d or host.endswith("." + d) for d in pub.domains):
            allowed = ", ".join(pub.domains) or "none (publisher unknown)"
            problems.append(Problem(path, line, "url",
                                    f"host {host!r} does not belong to {pub.name}; allowed: {allowed}"))


def _check_observations(observations: list[tuple[int, Observation]], refs: _References,
                        path: str, problems: list[Problem], today: date, founded: int | None) -> None:
    seen: dict[tuple[str, int, str, str], int] = {}
    exact: dict[tuple[str, int, str], list[Observation]] = {}
    supersede: list[tuple[int, Observation]] = []
    for line, o in observations:
        okey = (o.series_id, o.year, o.category)
        key = (*okey, o.source_id)
        if key in seen:
            problems.append(Problem(path, line, "source_id",
                                    f"duplicate: {o.series_id} {o.year} {o.category!r} from "
                                    f"{o.source_id} is already on line {seen[key]}"))
        else:
            seen[key] = line
        if refs.unknown(refs.series, o.series_id):
            problems.append(Problem(path, line, "series_id", f"unknown series {o.series_id!r}"))
        elif o.series_id in refs.series:
            problems.extend(_against_definition(o, refs.series[o.series_id][1], path, line))
        if o.superseded_by is not None:
            if refs.unknown(refs.sources, o.superseded_by):
                problems.append(Problem(path, line, "superseded_by", f"unknown source {o.superseded_by!r}"))
            elif o.superseded_by == o.source_id:
                problems.append(Problem(path, line, "superseded_by", "a figure cannot supersede itself"))
            else:
                supersede.append((line, o))
        source = refs.sources.get(o.source_id)
        if refs.unknown(refs.sources, o.source_id):
            problems.append(Problem(path, line, "source_id", f"unknown source {o.source_id!r}"))
        elif source is not None and (published := source[1].date_published) \
                and o.year > published.year:
            problems.append(Problem(path, line, "year",
                                    f"{o.year} is after its source was published ({published})"))
        if o.year > today.year:
            problems.append(Problem(path, line, "year", f"{o.year} is in the future"))
        if founded is not None and o.year < founded:
            problems.append(Problem(path, line, "year", f"{o.year} is before the IWF was founded ({founded})"))
        if o.rounding == "exact":
            exact.setdefault(okey, []).append(o)
    for line, o in supersede:
        if (*o.key, o.superseded_by) not in seen:
            problems.append(Problem(path, line, "superseded_by",
                                    f"{o.superseded_by} publishes no figure for {o.series_id} {o.year}"
                                    f"{' ' + repr(o.category) if o.category else ''} to supersede this one"))
    for line, o in observations:
        if o.rounding == "exact":
            continue
        candidates = exact.get(o.key)
        if not candidates:
            continue
        rounded = {int(apply_rounding(c.value, o.rounding)) for c in candidates}
        if o.value not in rounded:
            c = candidates[0]
            problems.append(Problem(
                path, line, "rounding",
                f"{o.value:,} is not {c.value:,} ({c.source_id}) {ROUNDING_RULES[o.rounding]}, "
                f"which gives {int(apply_rounding(c.value, o.rounding)):,}"))


def _check_facts(facts: dict[str, tuple[int, Fact]], refs: _References, path: str,
                 problems: list[Problem]) -> None:
    for line, f in facts.values():
        if refs.unknown(refs.sources, f.source_id):
            problems.append(Problem(path, line, "source_id", f"unknown source {f.source_id!r}"))
        if f.unit == "percent" and not 0 <= float(f.value) <= 100:
            problems.append(Problem(path, line, "value", f"a percentage must be 0–100, got {f.value}"))


def _against_definition(o: Observation, s: Series, path: str, line: int) -> list[Problem]:
    """An observation that contradicts its series' definition (series.csv) is an error."""
    out = []
    if o.wording not in s.wordings:
        out.append(Problem(path, line, "wording",
                           f"{o.wording!r} is not a wording of {s.series_id}; its sources may say: "
                           + " | ".join(s.wordings)))
    elif o.wording not in o.quote and normalise(o.wording).lower() not in normalise(o.quote).lower():
        out.append(Problem(path, line, "wording", f"{o.wording!r} does not occur in the quote"))
    percent = written_as_percent(o.as_written)
    if s.unit == "percent":
        if o.value > 100:
            out.append(Problem(path, line, "value", f"a percentage must be 0–100, got {o.value}"))
        if not percent:
            out.append(Problem(path, line, "as_written",
                               f"{s.series_id} is a percentage, but {o.as_written!r} is not written as one"))
    elif percent:
        out.append(Problem(path, line, "as_written",
                           f"{s.series_id} counts {s.counts}, but {o.as_written!r} is a percentage"))
    if s.newsgroups == "excluded" and "newsgroup" in o.wording.lower():
        out.append(Problem(path, line, "wording",
                           f"{s.series_id} excludes newsgroups, but this figure's wording includes them"))
    if bool(s.dimension) != bool(o.category):
        out.append(Problem(path, line, "category",
                           f"{s.series_id} has no breakdown: category must be empty" if not s.dimension
                           else f"{s.series_id} is broken down by {s.dimension}: category must name one"))
    return out


def _check_series(series: dict[str, tuple[int, Series]], refs: _References, path: str,
                  problems: list[Problem]) -> None:
    for line, s in series.values():
        if refs.unknown(refs.publishers, s.publisher_id):
            problems.append(Problem(path, line, "publisher_id", f"unknown publisher {s.publisher_id!r}"))
        for field in ("share_of", "within"):
            other_id = getattr(s, field)
            if other_id is None:
                continue
            other = series.get(other_id)
            if other is None:
                problems.append(Problem(path, line, field, f"unknown series {other_id!r}"))
            elif other[1].unit != "count" or other_id == s.series_id:
                problems.append(Problem(path, line, field, f"{other_id} must be another count series"))
            elif other[1].publisher_id != s.publisher_id:
                problems.append(Problem(path, line, field,
                                        f"{other_id} is {other[1].publisher_id}'s series, this is "
                                        f"{s.publisher_id}'s: series of different publishers are never joined"))


def _read_source_texts(root: Path, sources: dict[str, tuple[int, Source]], problems: list[Problem],
                       bad_urls: set[int], invalid_ids: set[str]) -> dict[str, SourceText]:
    """Every source's saved passages; a missing, stray or altered file is an error. (A source
    whose own url is already reported, on `bad_urls` lines, is not reported again here.)"""
    folder = root / TEXTS_FOLDER
    shown_sources = shown_path(root / "sources.csv")
    shown_folder = shown_path(folder)  # once, not once per file: each asks the system for the working folder
    texts: dict[str, SourceText] = {}
    for line, s in sources.values():
        path = folder / f"{s.source_id}.txt"
        shown = str(Path(shown_folder, path.name))  # as shown_path(path) gives it ("." drops out)
        text = read_source_text(path, s.source_id, shown, problems)
        if text is None:
            if not path.exists():
                problems.append(Problem(shown_sources, line, "source_id",
                                        f"no saved source text {shown}"))
            continue
        texts[s.source_id] = text
        if text.sha256 != s.text_sha256:
            problems.append(Problem(shown_sources, line, "text_sha256",
                                    f"does not match {shown} (its SHA-256 is {text.sha256})"))
        if text.header.get("address", "") != (s.url or "") and line not in bad_urls:
            problems.append(Problem(shown, 1, "address",
                                    f"{text.header.get('address', '')!r} is not the source's url "
                                    f"in sources.csv ({s.url or 'empty'!r})"))
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix != ".txt" or (path.stem not in sources and path.stem not in invalid_ids):
                problems.append(Problem(shown_path(path), 0, "(file)",
                                        "not the saved text of any source in sources.csv"))
    return texts


class _Quotes:
    """Checks quotes against the saved source texts and remembers which passages are used."""

    def __init__(self, texts: dict[str, SourceText], refs: _References, problems: list[Problem]) -> None:
        self.texts, self.refs, self.problems = texts, refs, problems
        self.used: set[tuple[str, int]] = set()

    def check(self, path: str, line: int, source_id: str, quote: str, field: str = "quote") -> None:
        text = self.texts.get(source_id)
        if text is None:
            return  # the source is unknown or has no text: reported once, elsewhere
        found = text.find(quote)
        if found is None:
            self.problems.append(Problem(path, line, field, f"does not occur in {text.shown}"))
            return
        self.used.update((source_id, p.line) for p in found)


def _check_breaks(breaks: list[tuple[int, Break]], refs: _References, path: str,
                  problems: list[Problem], today: date, founded: int | None) -> None:
    for line, b in breaks:
        if refs.unknown(refs.series, b.series_id):
            problems.append(Problem(path, line, "series_id", f"unknown series {b.series_id!r}"))
        if refs.unknown(refs.sources, b.source_id):
            problems.append(Problem(path, line, "source_id", f"unknown source {b.source_id!r}"))
        if b.year > today.year or (founded is not None and b.year < founded):
            problems.append(Problem(path, line, "year", f"{b.year} is outside {founded}–{today.year}"))


def _lower(o: Observation) -> Decimal:
    return true_range(o.value, o.rounding)[0]


def known_values(observations: Iterable[Observation], series_id: str) -> dict[int, Observation]:
    """The preferred-by-nothing lowest figure per year of a total series (category empty),
    used to check totals: the smallest value any source gives for the year."""
    out: dict[int, Observation] = {}
    for o in observations:
        if o.series_id == series_id and not o.category and o.superseded_by is None \
                and (o.year not in out or _lower(o) < _lower(out[o.year])):
            out[o.year] = o
    return out


def _check_totals(totals: list[tuple[int, Total]], observations: list[tuple[int, Observation]],
                  refs: _References, path: str, problems: list[Problem]) -> None:
    obs = [o for _, o in observations]
    for line, t in totals:
        if refs.unknown(refs.series, t.series_id):
            problems.append(Problem(path, line, "series_id", f"unknown series {t.series_id!r}"))
            continue
        if refs.unknown(refs.sources, t.source_id):
            problems.append(Problem(path, line, "source_id", f"unknown source {t.source_id!r}"))
        elif t.source_id in refs.sources and (published := refs.sources[t.source_id][1].date_published) \
                and t.to_year > published.year:
            problems.append(Problem(path, line, "to_year",
                                    f"{t.to_year} is after its source was published ({published})"))
        if t.bound == "at_least":
            continue
        known = {y: o for y, o in known_values(obs, t.series_id).items() if t.from_year <= y <= t.to_year}
        least = sum((_lower(o) for o in known.values()), Decimal(0))
        if least > t.value:
            years = ", ".join(str(y) for y in sorted(known))
            problems.append(Problem(path, line, "value",
                                    f"the known years inside {t.from_year}–{t.to_year} ({years}) already "
                                    f"sum to at least {least:,}, more than this total of {t.value:,}"))


def _check_gaps(gaps: list[tuple[int, Gap]], observations: list[tuple[int, Observation]],
                refs: _References, path: str, problems: list[Problem]) -> None:
    observed = {o.key: o for _, o in observations}
    seen: dict[tuple[str, int, str], int] = {}
    for line, g in gaps:
        key = (g.series_id, g.year, g.category)
        if refs.unknown(refs.series, g.series_id):
            problems.append(Problem(path, line, "series_id", f"unknown series {g.series_id!r}"))
        if key in seen:
            problems.append(Problem(path, line, "year", f"duplicate gap, first on line {seen[key]}"))
        seen.setdefault(key, line)
        if key in observed:
            problems.append(Problem(path, line, "year",
                                    f"not a gap: {observed[key].source_id} publishes {g.series_id} {g.year}"))


def _check_within(series: dict[str, tuple[int, Series]], observations: list[tuple[int, Observation]],
                  path: str, problems: list[Problem]) -> None:
    """A series declared `within` another (webpages within reports including newsgroups) can
    never exceed it in a year both publish: the claims rely on that to bound missing years."""
    highest: dict[tuple[str, int], Decimal] = {}
    for _, o in observations:
        if not o.category and o.superseded_by is None:
            top = true_range(o.value, o.rounding)[1]
            highest[(o.series_id, o.year)] = max(top, highest.get((o.series_id, o.year), top))
    for line, o in observations:
        s = series.get(o.series_id)
        if s is None or s[1].within is None or o.category or o.superseded_by is not None:
            continue
        outer = highest.get((s[1].within, o.year))
        if outer is not None and _lower(o) > outer:
            problems.append(Problem(path, line, "value",
                                    f"{o.value:,} exceeds {s[1].within}'s {outer:,} for {o.year}, "
                                    f"which series.csv says contains {o.series_id}"))
