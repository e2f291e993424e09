"""The loaded dataset: typed access to every record, the preferred values, the conflicts.

Built only by `loading.load`, after every check has passed, so code that holds a
`Dataset` can trust it. pandas is imported only when a frame is asked for, so that
`import iwf_stats` and the command-line checks stay fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import ChartEntry
from .preference import preference_key, why_preferred
from .records import Break, Fact, Gap, Observation, Publisher, Series, Source, Total

if TYPE_CHECKING:
    import pandas as pd

    from .sourcetext import SourceText

Key = tuple[str, int, str]


@dataclass(frozen=True)
class Conflict:
    """Sources that publish different values for the same series, year and category."""

    series_id: str
    year: int
    category: str
    preferred: Observation
    others: tuple[Observation, ...]
    reasons: tuple[str, ...]

    @property
    def values(self) -> list[int]:
        return sorted({self.preferred.value, *(o.value for o in self.others)})

    @property
    def spread(self) -> int:
        return max(self.values) - min(self.values)


@dataclass(frozen=True)
class Dataset:
    publishers: Mapping[str, Publisher]
    sources: Mapping[str, Source]
    series: Mapping[str, Series]
    observations: tuple[Observation, ...]
    facts: Mapping[str, Fact]
    root: Path = field(compare=False)
    breaks: tuple[Break, ...] = ()
    totals: tuple[Total, ...] = ()
    gaps: tuple[Gap, ...] = ()
    #: Each source's saved passages (data/sources/<source_id>.txt).
    source_texts: Mapping[str, SourceText] = field(default_factory=dict, compare=False)
    #: (source_id, line) of every passage a quote in the data tables uses; the claims
    #: ledger adds its own when it is loaded, and a passage nothing quotes is an error.
    quoted_passages: frozenset[tuple[str, int]] = field(default=frozenset(), compare=False)
    #: The chart catalogue (`charts.toml`), checked against the series above.
    charts: tuple[ChartEntry, ...] = field(default=(), compare=False)

    @cached_property
    def _by_key(self) -> dict[Key, list[Observation]]:
        groups: dict[Key, list[Observation]] = {}
        for o in self.observations:
            groups.setdefault(o.key, []).append(o)
        for obs in groups.values():
            obs.sort(key=lambda o: preference_key(o, self.sources, self.publishers))
        return groups

    def observations_for(self, series_id: str, year: int, category: str = "") -> list[Observation]:
        """Every published value for one series-year, the preferred one first."""
        return list(self._by_key.get((series_id, year, category), []))

    def preferred(self, series_id: str, year: int, category: str = "") -> Observation | None:
        """The value the project uses for this series-year (see `preference`), or None.
        A superseded figure is never preferred (a correction always exists beside it)."""
        found = self._by_key.get((series_id, year, category))
        return found[0] if found and found[0].superseded_by is None else None

    def preferred_values(self, series_id: str | None = None) -> list[Observation]:
        """One observation per series-year-category, sorted by series, category and year."""
        keys = sorted((k for k in self._by_key if series_id is None or k[0] == series_id),
                      key=lambda k: (k[0], k[2], k[1]))
        return [self._by_key[k][0] for k in keys if self._by_key[k][0].superseded_by is None]

    def years(self, series_id: str, category: str = "") -> list[int]:
        return sorted(y for s, y, c in self._by_key
                      if s == series_id and c == category and self.preferred(s, y, c) is not None)

    def breaks_for(self, series_id: str) -> list[Break]:
        """The method changes recorded for a series, in year order."""
        return sorted((b for b in self.breaks if b.series_id == series_id), key=lambda b: b.year)

    def totals_for(self, series_id: str) -> list[Total]:
        """Published totals over several years of a series, by span."""
        return sorted((t for t in self.totals if t.series_id == series_id),
                      key=lambda t: (t.from_year, t.to_year, t.value))

    def gap(self, series_id: str, year: int, category: str = "") -> Gap | None:
        """The record that this series-year was searched for and not found, if any."""
        return next((g for g in self.gaps if (g.series_id, g.year, g.category)
                     == (series_id, year, category)), None)

    def facts_on(self, topic: str) -> list[Fact]:
        return [f for f in self.facts.values() if f.topic == topic]

    def attribution(self, source_id: str) -> str:
        """The short credit for a source: its publisher's attribution."""
        return self.publishers[self.sources[source_id].publisher_id].attribution

    @cached_property
    def conflicts(self) -> tuple[Conflict, ...]:
        """Series-years whose sources publish different values, in series and year order."""
        out = []
        for key in sorted(self._by_key):
            obs = self._by_key[key]
            if len({o.value for o in obs}) < 2:
                continue
            best, others = obs[0], tuple(obs[1:])
            reasons = tuple(why_preferred(best, o, self.sources, self.publishers) for o in others)
            out.append(Conflict(*key, preferred=best, others=others, reasons=reasons))
        return tuple(out)

    @cached_property
    def fact_conflicts(self) -> dict[str, list[Fact]]:
        """Topics on which sources state different values (the inquiry's length, its cost),
        each with every statement of it; all are kept, and claims name the one they use."""
        topics: dict[str, list[Fact]] = {}
        for f in self.facts.values():
            topics.setdefault(f.topic, []).append(f)
        return {t: fs for t, fs in sorted(topics.items()) if len({(f.value, f.bound) for f in fs}) > 1}

    # --- frames for analysts (pandas is imported here, not at module level) ---

    def observations_frame(self) -> pd.DataFrame:
        """Every published value, with its source's publisher, kind and date, and whether
        it is the preferred value for its series-year."""
        import pandas as pd

        preferred = {id(o) for o in self.preferred_values()}
        rows = []
        for o in self.observations:
            s = self.sources[o.source_id]
            rows.append({
                **o.model_dump(),
                "unit": self.series[o.series_id].unit,
                "publisher": self.publishers[s.publisher_id].name,
                "source_kind": s.kind,
                "source_url": s.url,
                "preferred": id(o) in preferred,
            })
        return pd.DataFrame(rows)

    def preferred_frame(self, series_id: str | None = None) -> pd.DataFrame:
        """One row per series-year-category: the preferred value and its source."""
        import pandas as pd

        rows = [{
            "series_id": o.series_id, "year": o.year, "category": o.category, "value": o.value,
            "unit": self.series[o.series_id].unit, "source_id": o.source_id,
            "n_sources": len(self._by_key[o.key]),
        } for o in self.preferred_values(series_id)]
        columns = ["series_id", "year", "category", "value", "unit", "source_id", "n_sources"]
        return pd.DataFrame(rows, columns=columns)

    def conflicts_frame(self) -> pd.DataFrame:
        """One row per disagreeing value: which is preferred and why the others are not."""
        import pandas as pd

        rows = []
        for c in self.conflicts:
            rows.append({"series_id": c.series_id, "year": c.year, "category": c.category,
                         "value": c.preferred.value, "source_id": c.preferred.source_id,
                         "rounding": c.preferred.rounding, "preferred": True, "why": "preferred"})
            for o, why in zip(c.others, c.reasons, strict=True):
                rows.append({"series_id": c.series_id, "year": c.year, "category": c.category,
                             "value": o.value, "source_id": o.source_id,
                             "rounding": o.rounding, "preferred": False, "why": why})
        return pd.DataFrame(rows)

    def sources_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([
            {**s.model_dump(), "publisher": self.publishers[s.publisher_id].name}
            for s in self.sources.values()
        ])

    def series_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([s.model_dump() for s in self.series.values()])

    def breaks_frame(self) -> pd.DataFrame:
        """The method changes (breaks.csv), by series and year."""
        import pandas as pd

        columns = ["series_id", "year", "label", "description", "source_id", "quote"]
        return pd.DataFrame([b.model_dump() for b in sorted(self.breaks, key=lambda b: (b.series_id, b.year))],
                            columns=columns)

    def totals_frame(self) -> pd.DataFrame:
        """Published totals over several years (totals.csv)."""
        import pandas as pd

        columns = ["series_id", "from_year", "to_year", "value", "bound", "as_written", "source_id",
                   "wording", "quote", "note"]
        return pd.DataFrame([t.model_dump() for t in self.totals], columns=columns)

    def gaps_frame(self) -> pd.DataFrame:
        """The headline cells searched for and not found (gaps.csv)."""
        import pandas as pd

        columns = ["series_id", "year", "category", "searched", "note"]
        return pd.DataFrame([g.model_dump() for g in sorted(self.gaps, key=lambda g: (g.series_id, g.year))],
                            columns=columns)

    def facts_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([f.model_dump() for f in self.facts.values()])
