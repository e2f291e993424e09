"""Reading `data/claims.toml` into validated claims, with every problem named by line.

TOML because journalists edit it: one `[[claim]]` table per claim, comments allowed, no
indentation rules. Line numbers come from the file itself, so an error points at the
`key = value` line to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import tomli as tomllib  # the standard library's parser, compiled: a third of the time
from pydantic import TypeAdapter, ValidationError

from ..dataset import Dataset
from ..errors import DataError, Problem, shown_path
from ..limits import MAX_CLAIMS, MAX_FIELD_CHARS, MAX_LEDGER_BYTES, MAX_NESTING
from ..numbers import NumberFormatError, parse_number
from ..tables import read_text
from ..tomllines import TableLines, too_deep
from .models import CLAIM_KINDS, Claim, Endpoint

_ADAPTER: TypeAdapter[Claim] = TypeAdapter(Claim)
_NUMERIC = ("value", "change", "share", "approximation", "duration", "amount")


class Ledger(NamedTuple):
    """The claims of one ledger file, checked against a dataset.
    A NamedTuple, not a dataclass: see README, Performance."""

    path: Path
    claims: tuple[Claim, ...]


def default_ledger_path(ds: Dataset) -> Path:
    return ds.root / "claims.toml"


def load_ledger(ds: Dataset, path: Path | None = None, shown: str | None = None) -> Ledger:
    """Parse and check the ledger against the dataset; raise `DataError` listing every problem."""
    path = path or default_ledger_path(ds)
    shown = shown or shown_path(path)
    problems: list[Problem] = []
    text = read_text(path, shown, problems, limit=MAX_LEDGER_BYTES)
    if text is None:
        raise DataError(problems)
    tables = len(re.findall(r"^\s*\[\[\s*claim\s*\]\]", text, flags=re.MULTILINE))
    if tables > MAX_CLAIMS:  # counted before parsing, so a huge ledger stops at once
        raise DataError([Problem(shown, 1, "claim", f"{tables:,} claims; the limit is {MAX_CLAIMS:,}")])
    deep = too_deep(text, MAX_NESTING)
    if deep:
        raise DataError([Problem(shown, deep, "(toml)", f"nested more than {MAX_NESTING} levels deep")])
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(m.group(1)) if m else 1
        raise DataError([Problem(shown, line, "(toml)", f"not valid TOML: {e}")]) from None
    except RecursionError:
        raise DataError([Problem(shown, 1, "(toml)", "nested too deeply")]) from None
    raw = doc.get("claim")
    extra = sorted(set(doc) - {"claim"})
    if extra:
        problems.append(Problem(shown, 1, extra[0], "unknown top-level key; write claims as [[claim]]"))
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(shown, 1, "claim", "no [[claim]] tables found"))
        raise DataError(problems)
    if len(raw) > MAX_CLAIMS:
        raise DataError([Problem(shown, 1, "claim", f"{len(raw):,} claims; the limit is {MAX_CLAIMS:,}")])
    lines = TableLines(text, "claim")
    used: set[tuple[str, int]] = set(ds.quoted_passages)
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        start = lines.start(i)
        long = [k for k, v in (item.items() if isinstance(item, dict) else []) if len(str(v)) > MAX_FIELD_CHARS]
        if long:
            problems += [Problem(shown, lines.key_line(i, k), k, f"longer than {MAX_FIELD_CHARS:,} characters")
                         for k in long]
            continue
        try:
            claim = _ADAPTER.validate_python(item)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                problems.extend(_problem(shown, lines, i, start, err, item))
            continue
        if claim.id in seen:
            problems.append(Problem(shown, lines.key_line(i, "id"), "id",
                                    f"duplicate {claim.id!r}, first on line {seen[claim.id]}"))
            continue
        seen[claim.id] = start
        problems.extend(_check_references(claim, ds, shown, lines, i))
        problems.extend(_check_quote(claim, ds, shown, lines, i, used))
        claims.append(claim)
    if not problems:
        problems.extend(unused_passages(ds, used))
    if problems:
        raise DataError(problems)
    return Ledger(path, tuple(claims))


def _check_quote(claim: Claim, ds: Dataset, shown: str, lines: TableLines, i: int,
                 used: set[tuple[str, int]]) -> list[Problem]:
    """The claim's quote must occur in its document's saved text."""
    text = ds.source_texts.get(claim.document)
    if text is None:
        return []  # an unknown document is reported by _check_references
    found = text.find(claim.quote)
    if found is None:
        return [Problem(shown, lines.key_line(i, "quote"), "quote", f"does not occur in {text.shown}")]
    used.update((claim.document, p.line) for p in found)
    return []


def unused_passages(ds: Dataset, used: set[tuple[str, int]]) -> list[Problem]:
    """Every saved passage must be quoted by the data or the ledger: the project keeps the
    sentences it quotes, not pages."""
    return [Problem(t.shown, p.line, "passage", "not used by any quote in the data or the claims ledger")
            for t in ds.source_texts.values() for p in t.passages
            if (t.source_id, p.line) not in used]




def _problem(shown: str, lines: TableLines, i: int, start: int, err: Any,
             item: Any) -> list[Problem]:
    loc = [str(x) for x in err["loc"]]
    msg = str(err["msg"]).removeprefix("Value error, ")
    # The discriminated union puts the kind first in the location: drop it.
    if loc and isinstance(item, dict) and loc[0] == item.get("kind"):
        loc = loc[1:]
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return [Problem(shown, lines.key_line(i, "kind"), "kind",
                        f"must be one of {', '.join(CLAIM_KINDS)}, got {item.get('kind')!r}"
                        if isinstance(item, dict) else "each claim must be a table")]
    if not loc:  # a whole-claim check: "field: message"
        field, _, message = msg.partition(": ")
        return [Problem(shown, lines.key_line(i, field), field, message)]
    field = ".".join(loc)
    if err["type"] == "missing":
        return [Problem(shown, start, field, "required")]
    if err["type"] == "extra_forbidden":
        return [Problem(shown, lines.key_line(i, loc[0]), field, "unknown field")]
    return [Problem(shown, lines.key_line(i, loc[0]), field, msg)]


def _check_references(claim: Claim, ds: Dataset, shown: str, lines: TableLines,
                      i: int) -> list[Problem]:
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        out.append(Problem(shown, lines.key_line(i, field), field, message))

    if claim.document not in ds.sources:
        bad("document", f"unknown source {claim.document!r}")
    fields = claim.model_dump()
    for field in ("series", "of_series"):
        if field in fields and fields[field] not in ds.series:
            bad(field, f"unknown series {fields[field]!r}")
    if fields.get("source") is not None and fields["source"] not in ds.sources:
        bad("source", f"unknown source {fields['source']!r}")
    if "fact" in fields and fields["fact"] not in ds.facts:
        bad("fact", f"unknown fact {fields['fact']!r}")
    for field in ("since", "start", "end", "event"):
        ep = getattr(claim, field, None)
        if isinstance(ep, Endpoint):
            if ep.fact is not None and ep.fact not in ds.facts:
                bad(field, f"unknown fact {ep.fact!r}")
            if ep.source_published is not None and ep.source_published not in ds.sources:
                bad(field, f"unknown source {ep.source_published!r}")
    series = [fields[f] for f in ("series", "of_series") if fields.get(f) in ds.series]
    owners = {ds.series[x].publisher_id for x in series}
    if len(owners) > 1:
        bad("of_series", f"{' and '.join(series)} belong to different publishers "
                         f"({', '.join(sorted(owners))}): series of different publishers are never joined")
    if claim.kind in _NUMERIC:
        try:
            parse_number(claim.stated)
        except NumberFormatError as e:
            bad("stated", str(e))
    return out
