"""Hand-made datasets and claims for testing the engine away from the shipped data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from iwf_stats import Dataset
from iwf_stats.claims.models import Claim
from iwf_stats.records import Fact, Observation, Publisher, Series, Source, Total

PUB = Publisher(publisher_id="iwf", name="IWF", publisher_type="charity", domains=("iwf.org.uk",),
                attribution="IWF")
SHA = "0" * 64
SRC = Source(source_id="src", publisher_id="iwf", kind="primary_report", title="T",
             url="https://iwf.org.uk/x", date_published=None, text_sha256=SHA)
DOC = Source(source_id="doc", publisher_id="iwf", kind="press_release", title="Doc",
             url="https://iwf.org.uk/d", date_published="2025-01-22", text_sha256=SHA)  # type: ignore[arg-type]
UNDATED = Source(source_id="undated", publisher_id="iwf", kind="press_release", title="U",
                 url="https://iwf.org.uk/u", text_sha256=SHA)
SERIES = Series(series_id="pages", title="Pages", publisher_id="iwf", unit="count", counts="webpages",
                wordings=("w",), definition="d")


def obs(year: int, value: int, series: str = "pages", category: str = "") -> Observation:
    text = f"{value:,}"
    return Observation(series_id=series, year=year, category=category, value=value, as_written=text,
                       rounding="exact", source_id="src", wording="w", quote=f"q {text} q")


def fact(fact_id: str, value: str, unit: str = "date", bound: str = "exact",
         as_written: str | None = None) -> Fact:
    written = as_written or value
    return Fact(fact_id=fact_id, topic=fact_id, value=value, unit=unit, bound=bound,  # type: ignore[arg-type]
                as_written=written, source_id="src", quote=f"said {written}.")


def total(from_year: int, to_year: int, value: int, bound: str = "exact", series: str = "pages") -> Total:
    text = f"{value:,}"
    return Total(series_id=series, from_year=from_year, to_year=to_year, value=value,
                 bound=bound, as_written=text, source_id="src", wording="w",  # type: ignore[arg-type]
                 quote=f"in all {text} pages")


def dataset(values: dict[int, int], facts: tuple[Fact, ...] = (),
            extra: tuple[Observation, ...] = (), totals: tuple[Total, ...] = ()) -> Dataset:
    observations = tuple(obs(y, v) for y, v in values.items()) + extra
    return Dataset(
        publishers={"iwf": PUB},
        sources={"src": SRC, "doc": DOC, "undated": UNDATED},
        series={"pages": SERIES, "part": SERIES.model_copy(update={"series_id": "part"}),
                "all": SERIES.model_copy(update={"series_id": "all"}),
                "inner": SERIES.model_copy(update={"series_id": "inner", "within": "all"})},
        observations=observations,
        facts={f.fact_id: f for f in facts},
        root=Path("."),
        totals=totals,
    )


_ADAPTER: TypeAdapter[Claim] = TypeAdapter(Claim)


def claim(kind: str, stated: str, quote: str | None = None, **fields: Any) -> Claim:
    base = {"id": "c", "document": "doc", "quote": quote or f"it was {stated}.", "stated": stated,
            "rule": "a rule stated in words", "expected": "supported", "kind": kind}
    return _ADAPTER.validate_python({**base, **fields})
