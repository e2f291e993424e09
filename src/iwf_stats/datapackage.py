"""`data/datapackage.json` (Data Package v2), generated from the record models.

The descriptor lets people use the CSVs without Python (frictionless, R, a spreadsheet).
It is generated, never edited by hand, so a column is defined in exactly one place: its
model in `records`. `iwf-stats datapackage` rewrites it; the loader refuses a committed
descriptor that no longer matches the CSVs, so the two cannot drift apart silently.
"""

from __future__ import annotations

import json
import types
import typing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .limits import MAX_NESTING
from .records import TABLES, Record

if TYPE_CHECKING:
    from .dataset import Dataset

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

LICENCE_NOTE = (
    "The compilation (which figures, their ids, links and rounding notes) is released under "
    "CC-BY-4.0. Each quote remains the copyright of its publisher and is reproduced, with its "
    "address, only so that each figure can be checked against its source (UK fair dealing for "
    "criticism and review). The data holds aggregate statistics only."
)

PRIMARY_KEYS = {
    "publishers": ["publisher_id"],
    "sources": ["source_id"],
    "series": ["series_id"],
    "observations": ["series_id", "year", "category", "source_id"],
    "facts": ["fact_id"],
    "breaks": ["series_id", "year", "source_id"],
    "totals": ["series_id", "from_year", "to_year", "source_id", "value"],
    "gaps": ["series_id", "year", "category"],
}
FOREIGN_KEYS = {
    "sources": [("publisher_id", "publishers", "publisher_id")],
    "observations": [("series_id", "series", "series_id"), ("source_id", "sources", "source_id")],
    "facts": [("source_id", "sources", "source_id")],
    "series": [("publisher_id", "publishers", "publisher_id")],
    "breaks": [("series_id", "series", "series_id"), ("source_id", "sources", "source_id")],
    "totals": [("series_id", "series", "series_id"), ("source_id", "sources", "source_id")],
    "gaps": [("series_id", "series", "series_id")],
}


def _field(name: str, info: Any) -> dict[str, Any]:
    ann = info.annotation
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    base = args[0] if isinstance(ann, types.UnionType) or typing.get_origin(ann) is typing.Union else ann
    out: dict[str, Any] = {"name": name, "description": info.description or ""}
    constraints: dict[str, Any] = {}
    if base is int:
        out["type"] = "integer"
        for m in info.metadata:
            if hasattr(m, "ge"):
                constraints["minimum"] = m.ge
            if hasattr(m, "le"):
                constraints["maximum"] = m.le
    elif base is date:
        out["type"] = "date"
    else:
        out["type"] = "string"
        if typing.get_origin(base) is typing.Literal:
            constraints["enum"] = list(typing.get_args(base))
    if info.is_required():
        constraints["required"] = True
    if constraints:
        out["constraints"] = constraints
    return out


def _schema(name: str, model: type[Record]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": SCHEMA_PROFILE,
        "fields": [_field(n, f) for n, f in model.model_fields.items()],
        "missingValues": [""],
        "primaryKey": PRIMARY_KEYS[name],
    }
    if name in FOREIGN_KEYS:
        schema["foreignKeys"] = [
            {"fields": [f], "reference": {"resource": res, "fields": [ref]}}
            for f, res, ref in FOREIGN_KEYS[name]
        ]
    return schema


def descriptor(sources: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The descriptor for the current models; `sources` lists the data's sources."""
    return {
        "$schema": PROFILE,
        "name": "iwf-stats",
        "title": "Internet Watch Foundation published figures, with sources and exact quotes",
        "description": (
            "Figures the Internet Watch Foundation and others published about online child "
            "sexual abuse imagery, each tied to its source and the exact words it was "
            "published in. See README.md for the preferred-value rule."
        ),
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "licenseNote": LICENCE_NOTE,
        "sources": sources or [],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"header": True, "delimiter": ",", "quoteChar": '"'},
                "schema": _schema(name, model),
            }
            for name, model in TABLES.items()
        ],
    }


def render(desc: dict[str, Any]) -> str:
    return json.dumps(desc, indent=2, ensure_ascii=False) + "\n"


def check_descriptor(root: Path, shown: str) -> list[Problem]:
    """Problems with the committed descriptor: unreadable, or out of step with the models."""
    path = root / "datapackage.json"
    from .tables import read_text

    if not path.exists() and not path.is_symlink():
        return [Problem(shown, 0, "(file)", "file not found; run `iwf-stats datapackage`")]
    problems: list[Problem] = []
    text = read_text(path, shown, problems)
    if text is None:
        return problems
    try:
        desc = json.loads(text)
    except json.JSONDecodeError as e:
        return [Problem(shown, e.lineno, "(json)", f"not valid JSON: {e.msg} (column {e.colno})")]
    except RecursionError:
        return [Problem(shown, 1, "(json)", "nested too deeply")]
    if _depth(desc) > MAX_NESTING:
        return [Problem(shown, 1, "(json)", f"nested more than {MAX_NESTING} levels deep")]
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        return [Problem(shown, 1, "resources", "must be an object with a list of resources")]
    expected = descriptor()["resources"]
    found = {r.get("name"): r for r in desc["resources"] if isinstance(r, dict)}
    problems = []
    for res in expected:
        got = found.get(res["name"])
        line = _line_of(text, f'"name": "{res["name"]}"')
        if got is None:
            problems.append(Problem(shown, 1, "resources", f"no resource named {res['name']!r}"))
        elif got != res:
            problems.append(Problem(shown, line, f"resources.{res['name']}",
                                    "does not match the record models; run `iwf-stats datapackage`"))
    return problems


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def sources_entries(ds: Dataset) -> list[dict[str, str]]:
    """The descriptor's `sources`: each source's title and address, from sources.csv."""
    return [
        {"title": s.title, **({"path": s.url} if s.url else {})}
        for s in sorted(ds.sources.values(), key=lambda s: s.source_id)
    ]


def write(root: Path, sources: list[dict[str, str]]) -> Path:
    """Write the descriptor atomically: a new temporary file of a unique name (created, never
    opened through an existing link), then a rename over the old descriptor."""
    return write_atomic(root / "datapackage.json", render(descriptor(sources)).encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` in one rename. The temporary file is created exclusively
    (mkstemp), so a link planted at any name is never followed; a link at `path` itself is
    replaced, not written through."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
