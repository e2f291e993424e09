"""The online check's findings as plain text: one line per source, then what changed.

Each source's first line reads `<source_id>: <status>: <detail>`, so a failing run can be
grepped (`grep ': unreachable:'`); the indented lines under it show each quote that is gone
and each saved passage that changed, with the closest words now on the page.
"""

from __future__ import annotations

from .check import OnlineReport, SourceCheck
from .closest import Closest

#: Longest text shown for a quote or a passage on the terminal (the JSON has it whole).
SHOWN_CHARS = 240

_ORDER = ("holds", "changed", "unreachable", "refused", "no address")


def source_line(c: SourceCheck) -> str:
    """The one line that sums up a source."""
    if c.status == "holds":
        detail = f"{len(c.quotes)} quote{'s' if len(c.quotes) != 1 else ''}" + (
            f", {len(c.passages)} saved passage{'s' if len(c.passages) != 1 else ''}" if c.saved_text
            else ", no saved text yet")
    else:
        detail = c.reason
    if c.redirects and c.status != "refused":
        detail += f" (redirected to {c.redirects[-1]})"
    return f"{c.source_id}: {c.status}: {detail}"


def report_text(report: OnlineReport) -> str:
    lines: list[str] = []
    for c in report.checks:
        lines.append(source_line(c))
        for q in c.quotes:
            for m in q.missing:
                lines.append(f"    quote gone: {_clip(m.text)!r} ({', '.join(q.quote.used_by)})")
                lines.append(_closest(m.closest))
        for i, p in enumerate(c.passages, 1):
            if not p.present:
                lines.append(f"    saved passage {i} changed: {_clip(p.text)!r}")
                lines.append(_closest(p.closest))
    counts = report.counts()
    parts = [f"{counts[s]} {s}" for s in _ORDER if s in counts]
    lines.append(f"{len(report.checks)} sources: {', '.join(parts)}")
    return "\n".join(lines)


def _closest(c: Closest | None) -> str:
    if c is None:
        return "        nothing like it on the page now"
    return f"        closest on the page now ({c.similarity:.0%} alike): {_clip(c.text)!r}"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"
