"""The draft as a table for a terminal, and as a ledger a person can confirm.

The ledger is written in `data/claims.toml`'s own format, one `[[claim]]` per statement that
fits a claim kind, each with the verdict found as its `expected`; statements that fit none
are listed as comments, so nothing found is silently dropped.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import Draft

_FIRST = ("id", "document", "quote", "stated", "kind")
_LAST = ("rule", "expected", "note")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def draft_table(d: Draft) -> str:
    """One row per statement (kind, the figure as written, what the data gives, the verdict),
    each followed by the sentence it is in and the arithmetic."""
    header = ("#", "kind", "stated", "computed", "verdict")
    rows = [(str(i), s.kind, _clip(s.stated, 34), _clip(s.computed, 24), s.verdict)
            for i, s in enumerate(d.statements, 1)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, [*widths, 0], strict=True)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths) + "  " + "-" * 12]
    for s, row in zip(d.statements, rows, strict=True):
        out.append(line(row))
        out.append(f"    “{_clip(s.quote, 150)}”")
        out.append(f"    {s.explanation}")
    sm = d.summary()
    out += ["", f"{sm['statements']} statements: {sm['supported']} supported, {sm['contradicted']} contradicted, "
                f"{sm['unverifiable']} unverifiable."]
    return "\n".join(out)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    return json.dumps(str(v), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def ledger_text(d: Draft, article: str) -> str:
    """The draft as `[[claim]]` tables, with the verdict found recorded as `expected`."""
    lines = [
        f"# Draft claims for {article}, written by `iwf-stats draft`. Check every claim against the",
        "# article and the data before adding it to data/claims.toml: the series, the years and the",
        "# rounding were inferred from the text. The document id must be a source in sources.csv.",
        "",
    ]
    skipped = []
    for s in d.statements:
        if s.claim is None:
            skipped.append(s)
            continue
        data = s.claim.model_dump(exclude_none=True)
        data["expected"] = s.verdict
        if s.verdict != "supported":
            data["note"] = s.explanation
        lines.append("")
        lines.append("[[claim]]")
        keys = [*_FIRST, *(k for k in data if k not in _FIRST and k not in _LAST), *_LAST]
        for k in keys:
            if k in data and data[k] not in ("", None):
                lines.append(f"{k} = {_toml_value(data[k])}")
    if skipped:
        lines += ["", "", "# Statements found that fit no claim kind yet (check them by hand):"]
        for s in skipped:
            lines.append(f"# - {s.verdict}: {s.stated!r} in “{_clip(s.quote, 120)}” — {s.explanation}"
                         .replace("\n", " "))
    return "\n".join(lines) + "\n"


def write_ledger(d: Draft, article: str, out: Path) -> None:
    """Write the draft ledger to a new file; an existing file is never overwritten, and a
    failed write leaves nothing behind (the file appears whole or not at all)."""
    if out.exists():
        raise FileExistsError(f"{out} already exists: choose another name (a draft never overwrites a file)")
    text = ledger_text(d, article)
    fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".toml", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.link(tmp, out)  # fails if `out` appeared meanwhile: still no overwrite
    finally:
        os.unlink(tmp)
