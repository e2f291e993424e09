"""Whether each source's live page still says what the dataset quotes from it.

For every source with an address: was the page reached (and did it redirect); does every
quote the dataset takes from it (observations, facts, and claims the source made) still
occur on the page; does every saved passage (`data/sources/<id>.txt`) still occur word
for word, and if not, what is the closest passage on the page now. A source holds when
its page was reached and all of these still occur; anything else is a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..dataset import Dataset
from ..errors import DataError, Problem, shown_path
from ..tables import read_text
from .closest import Closest, closest_passage
from .fetching import Fetched, FetchSettings, PageRequest, fetch_all
from .pagetext import PageTextError, page_text
from .passages import SourceText, normalise, occurs, parse_source_text, quote_parts, source_text_path

Status = Literal["holds", "changed", "unreachable", "refused", "no address"]


@dataclass(frozen=True)
class Quote:
    """A quote the dataset takes from a source, and the records that take it."""

    text: str
    used_by: tuple[str, ...]


@dataclass(frozen=True)
class Missing:
    """Part of a quote (or a saved passage) that is not on the page, and the closest there is."""

    text: str
    closest: Closest | None


@dataclass(frozen=True)
class QuoteCheck:
    quote: Quote
    missing: tuple[Missing, ...]

    @property
    def present(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class PassageCheck:
    text: str
    closest: Closest | None  # None when the passage is present, or nothing like it is
    present: bool


@dataclass(frozen=True)
class SourceCheck:
    source_id: str
    url: str | None
    status: Status
    reason: str = ""
    redirects: tuple[str, ...] = ()
    quotes: tuple[QuoteCheck, ...] = ()
    passages: tuple[PassageCheck, ...] = ()
    saved_text: str | None = None  # the saved text's path as shown, if there is one
    page: str | None = field(default=None, repr=False)  # the page's text, kept for --update

    @property
    def holds(self) -> bool:
        return self.status in ("holds", "no address")

    @property
    def final_url(self) -> str | None:
        return self.redirects[-1] if self.redirects else self.url

    def to_json(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "url": self.url,
            "status": self.status,
            "reason": self.reason,
            "reached": self.page is not None,
            "redirected": bool(self.redirects),
            "final_url": self.final_url,
            "redirects": list(self.redirects),
            "saved_text": self.saved_text,
            "quotes": [{
                "text": q.quote.text, "used_by": list(q.quote.used_by), "present": q.present,
                "missing": [_missing_json(m) for m in q.missing],
            } for q in self.quotes],
            "passages": [{
                "text": p.text, "present": p.present,
                "closest": None if p.closest is None else p.closest.text,
                "similarity": None if p.closest is None else round(p.closest.similarity, 3),
            } for p in self.passages],
        }


def _missing_json(m: Missing) -> dict[str, Any]:
    return {"text": m.text, "closest": None if m.closest is None else m.closest.text,
            "similarity": None if m.closest is None else round(m.closest.similarity, 3)}


@dataclass(frozen=True)
class OnlineReport:
    checks: tuple[SourceCheck, ...]

    @property
    def failed(self) -> list[SourceCheck]:
        return [c for c in self.checks if not c.holds]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {"sources": [c.to_json() for c in self.checks],
                "summary": {"sources": len(self.checks), **self.counts(), "failed": len(self.failed)}}


def quotes_by_source(ds: Dataset, claims: Iterable[Any] = ()) -> dict[str, list[Quote]]:
    """Every distinct quote the dataset takes from each source, with who takes it.

    `claims` are the ledger's claims: a claim quotes the document that made it.
    """
    found: dict[str, dict[str, tuple[str, list[str]]]] = {}

    def add(source_id: str, quote: str, user: str) -> None:
        entry = found.setdefault(source_id, {}).setdefault(normalise(quote), (quote, []))
        entry[1].append(user)

    for o in ds.observations:
        add(o.source_id, o.quote, f"observation {o.series_id} {o.year}" + (f" {o.category}" if o.category else ""))
    for f in ds.facts.values():
        add(f.source_id, f.quote, f"fact {f.fact_id}")
    for c in claims:
        add(c.document, c.quote, f"claim {c.id}")
    return {sid: [Quote(q, tuple(users)) for q, users in by_text.values()] for sid, by_text in found.items()}


def read_saved_texts(ds: Dataset) -> dict[str, tuple[str, SourceText]]:
    """The saved source texts that exist, by source id, with their shown paths.

    Raises `DataError` (every problem, file, line and field) if any cannot be read or
    names another address than sources.csv.
    """
    problems: list[Problem] = []
    out: dict[str, tuple[str, SourceText]] = {}
    for sid, source in ds.sources.items():
        path = source_text_path(ds.root, sid)
        if not path.exists():
            continue
        shown = shown_path(path)
        text = read_text(path, shown, problems)
        parsed = parse_source_text(text, shown, problems) if text is not None else None
        if parsed is None:
            continue
        address = parsed.get("address")
        if address != (source.url or ""):
            problems.append(Problem(shown, 1, "address",
                                    f"{address!r} differs from the source's url in sources.csv ({source.url!r})"))
            continue
        out[sid] = (shown, parsed)
    if problems:
        raise DataError(problems)
    return out


def check_online(ds: Dataset, claims: Iterable[Any] = (), settings: FetchSettings | None = None,
                 progress: Callable[[int, int, SourceCheck], None] | None = None,
                 saved: Mapping[str, tuple[str, SourceText]] | None = None) -> OnlineReport:
    """Fetch every source's address and compare the page with what the dataset quotes.

    `saved` is `read_saved_texts(ds)`, read here if not given.
    """
    quotes = quotes_by_source(ds, claims)
    saved = read_saved_texts(ds) if saved is None else saved
    requests = [PageRequest(sid, s.url, ds.publishers[s.publisher_id].domains)
                for sid, s in sorted(ds.sources.items()) if s.url]
    checked: dict[str, SourceCheck] = {}

    def compare(req: PageRequest, fetched: Fetched) -> None:
        checked[req.key] = _compare(req.key, req.url, fetched, quotes, saved)
        if progress is not None:
            progress(len(checked), len(requests), checked[req.key])

    fetch_all(requests, settings or FetchSettings(), compare)
    return OnlineReport(tuple(
        checked[sid] if source.url else SourceCheck(sid, None, "no address", "the source's address was not preserved")
        for sid, source in sorted(ds.sources.items())))


def _compare(sid: str, url: str, fetched: Fetched, quotes: Mapping[str, list[Quote]],
             saved: Mapping[str, tuple[str, SourceText]]) -> SourceCheck:
    shown, text = saved.get(sid, (None, None))
    if fetched.outcome != "reached":
        return SourceCheck(sid, url, fetched.outcome, fetched.reason, fetched.redirects, saved_text=shown)
    try:
        page = page_text(fetched.body, fetched.charset)
    except PageTextError as e:
        return SourceCheck(sid, url, "unreachable", str(e), fetched.redirects, saved_text=shown)
    normal_page = normalise(page)
    quote_checks = tuple(
        QuoteCheck(q, tuple(Missing(part, closest_passage(part, page))
                            for part in quote_parts(q.text) if part not in normal_page))
        for q in quotes.get(sid, []))
    passage_checks = tuple(
        PassageCheck(p, None, True) if occurs(p, page) else PassageCheck(p, closest_passage(p, page), False)
        for p in (text.passages if text else ()))
    gone = sum(not q.present for q in quote_checks)
    changed = sum(not p.present for p in passage_checks)
    findings = []
    if gone:
        findings.append(f"{gone} of {len(quote_checks)} quotes gone")
    if changed:
        findings.append(f"{changed} of {len(passage_checks)} saved passages changed")
    return SourceCheck(sid, url, "changed" if findings else "holds", "; ".join(findings), fetched.redirects,
                       quote_checks, passage_checks, shown, page)
