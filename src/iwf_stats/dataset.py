"""The loaded dataset: typed access to every record, the preferred values, the conflicts.

Built only by `loading.load`, after every check has passed, so code that holds a
`Dataset` can trust it. pandas is imported only when a frame is asked for, so that
`import iwf_stats` and the command-line checks stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .catalogue import ChartEntry
from .errors import UnknownName
from .preference import preference_key, why_preferred
from .records import Break, Fact, Gap, Observation, Publisher, Series, Source, Total

if TYPE_CHECKING:
    import pandas as pd

    from .sourcetext import SourceText

Key = tuple[str, int, str]
V = TypeVar("V")


class Lookup(dict[str, V]):
    """The dataset's publishers, sources, series or facts by id: a dict whose missing key raises
    `UnknownName` with the closest ids, and whose repr lists the ids, not every record.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> ds.series["webpages_actioned"].title
    'Webpages actioned'
    >>> ds.series["webpages_actoned"]
    Traceback (most recent call last):
    ...
    iwf_stats.errors.UnknownName: unknown series 'webpages_actoned'; did you mean 'webpages_actioned'?
    """

    def __init__(self, kind: str, items: Mapping[str, V]) -> None:
        super().__init__(items)
        self.kind = kind

    def __missing__(self, key: str) -> V:
        raise UnknownName(self.kind, key, self)

    def __repr__(self) -> str:
        shown = ", ".join(list(self)[:10]) + (", …" if len(self) > 10 else "")
        return f"<{len(self)} {self.kind}: {shown}>"


class Conflict(NamedTuple):
    """Sources that publish different values for the same series, year and category.
    A NamedTuple, not a dataclass: see README, Performance."""

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


@dataclass(frozen=True, repr=False)
class Dataset:
    """The loaded dataset. Get one from `iwf_stats.load()`; its repr says what it holds.

    >>> import iwf_stats
    >>> ds = iwf_stats.load()
    >>> ds  # doctest: +ELLIPSIS
    <Dataset: ... figures of ... series from ... sources by ... publishers, ... facts; ... disagreements (...)
      webpages_actioned (...): ...–2024, ... years
    ...>
    >>> ds.preferred("webpages_actioned", 2024).value
    291273
    >>> ds.values("webpages_actioned")[2014]
    np.int64(31266)

    Every accessor that takes a series raises `KeyError` (an `UnknownName`) for a series the
    dataset does not have, suggesting the closest names, rather than answering None or an
    empty table:

    >>> ds.preferred("webpages_actoned", 2024)
    Traceback (most recent call last):
    ...
    iwf_stats.errors.UnknownName: unknown series 'webpages_actoned'; did you mean 'webpages_actioned'?
    """

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

    def __post_init__(self) -> None:
        for name, kind in (("publishers", "publisher"), ("sources", "source"), ("series", "series"),
                           ("facts", "fact")):
            object.__setattr__(self, name, Lookup(kind, getattr(self, name)))

    def __repr__(self) -> str:
        """What the dataset holds, in a dozen lines at most: the totals, then one line per series."""
        years = sorted({o.year for o in self.observations})
        span = f"{years[0]}–{years[-1]}" if years else "no years"
        head = (f"<Dataset: {len(self.observations)} figures of {len(self.series)} series from "
                f"{len(self.sources)} sources by {len(self.publishers)} publishers, {len(self.facts)} facts; "
                f"{len(self.conflicts)} disagreements ({span}; {self.root})")
        lines = []
        for sid, s in list(self.series.items())[:10]:
            ys = sorted({k[1] for k in self._by_key if k[0] == sid})
            cats = len(self._categories.get(sid, set()) - {""})
            span = (f"{ys[0]}–{ys[-1]}, {len(ys)} years" if len(ys) > 1 else f"{ys[0]}") if ys else "no figures"
            lines.append(f"  {sid} ({s.counts}): {span}" + (f", {cats} categories" if cats else ""))
        if len(self.series) > 10:
            lines.append(f"  … and {len(self.series) - 10} more series")
        return "\n".join([head, *lines]) + ">"

    @cached_property
    def _categories(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for sid, _year, category in self._by_key:
            out.setdefault(sid, set()).add(category)
        return out

    def _known_category(self, series_id: str, category: str) -> None:
        """A series given by a category it has no figure in is a mistake, not an empty series."""
        held = self._categories.get(self._known(series_id), set())
        if held and category not in held:
            raise UnknownName(f"category of {series_id}", category, held)

    def _known(self, series_id: str) -> str:
        """`series_id` if the dataset has that series; else `UnknownName` with suggestions."""
        if series_id not in self.series:
            raise UnknownName("series", series_id, self.series)
        return series_id

    @cached_property
    def _by_key(self) -> dict[Key, list[Observation]]:
        groups: dict[Key, list[Observation]] = {}
        for o in self.observations:
            groups.setdefault(o.key, []).append(o)
        for obs in groups.values():
            obs.sort(key=lambda o: preference_key(o, self.sources, self.publishers))
        return groups

    def observations_for(self, series_id: str, year: int, category: str = "") -> list[Observation]:
        """Every published value for one series-year, the preferred one first (none: [])."""
        return list(self._by_key.get((self._known(series_id), year, category), []))

    def preferred(self, series_id: str, year: int, category: str = "") -> Observation | None:
        """The value the project uses for this series-year (see `preference`), or None when no
        source gives one for that year. A superseded figure is never preferred (a correction
        always exists beside it)."""
        found = self._by_key.get((self._known(series_id), year, category))
        return found[0] if found and found[0].superseded_by is None else None

    def preferred_values(self, series_id: str | None = None) -> list[Observation]:
        """One observation per series-year-category, sorted by series, category and year."""
        if series_id is not None:
            self._known(series_id)
        keys = sorted((k for k in self._by_key if series_id is None or k[0] == series_id),
                      key=lambda k: (k[0], k[2], k[1]))
        return [self._by_key[k][0] for k in keys if self._by_key[k][0].superseded_by is None]

    def years(self, series_id: str, category: str = "") -> list[int]:
        """The years for which the series has a preferred value, in order."""
        self._known(series_id)
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
        """The tidy long frame: one row per series-year-category, with the preferred value, its
        unit, its source and how many sources give one. `attrs` holds `units` and `sources`
        (series id → what one unit is, its `counts`: webpages, reports…; series id → the source
        ids used), which survive `to_pickle` and most pandas operations.

        >>> import iwf_stats
        >>> frame = iwf_stats.load().preferred_frame("webpages_actioned")
        >>> print(frame[frame.year >= 2023][["year", "value"]].to_string(index=False))
         year  value
         2023 275652
         2024 291273
        >>> frame.attrs["units"], set(frame.source_id) == set(frame.attrs["sources"]["webpages_actioned"])
        ({'webpages_actioned': 'webpages'}, True)
        """
        import pandas as pd

        chosen = self.preferred_values(series_id)
        rows = [{
            "series_id": o.series_id, "year": o.year, "category": o.category, "value": o.value,
            "unit": self.series[o.series_id].unit, "source_id": o.source_id,
            "n_sources": len(self._by_key[o.key]),
        } for o in chosen]
        columns = ["series_id", "year", "category", "value", "unit", "source_id", "n_sources"]
        frame = pd.DataFrame(rows, columns=columns)
        frame.attrs.update(self._provenance(chosen))
        return frame

    def values(self, series_id: str, category: str = "") -> pd.Series:
        """One series' preferred values as a pandas Series indexed by year, named after the
        series; `attrs` holds its `unit` (the series' `counts`), its `title` and `sources`
        (year → source id).

        >>> import iwf_stats
        >>> actioned = iwf_stats.load().values("webpages_actioned")
        >>> int(actioned[2024] - actioned[2023]), actioned.attrs["unit"]
        (15621, 'webpages')
        >>> ds = iwf_stats.load()
        >>> ds.sources[actioned.attrs["sources"][2024]].publisher_id
        'iwf'

        """
        import pandas as pd

        self._known_category(series_id, category)
        chosen = [o for o in self.preferred_values(series_id) if o.category == category]
        out = pd.Series({o.year: o.value for o in chosen}, name=series_id, dtype="int64")
        out.index.name = "year"
        out.attrs.update(unit=self.series[series_id].counts, title=self.series[series_id].title,
                         sources={o.year: o.source_id for o in chosen})
        return out

    def wide_frame(self, series: Iterable[str] | None = None, category: str = "") -> pd.DataFrame:
        """Years × series: one row per year, one column per series (every series with a value
        in `category`, or those named), holding the preferred values; a year a series lacks is
        missing (<NA>). `attrs` holds `units` and `sources` (series id → {year: source id}).

        >>> import iwf_stats
        >>> wide = iwf_stats.load().wide_frame(["reports_assessed", "webpages_actioned"])
        >>> wide.loc[2024]
        reports_assessed     424047
        webpages_actioned    291273
        Name: 2024, dtype: Int64
        >>> wide.attrs["units"]
        {'reports_assessed': 'reports', 'webpages_actioned': 'webpages'}
        """
        import pandas as pd

        names = [self._known(s) for s in series] if series is not None else \
            sorted({k[0] for k in self._by_key if k[2] == category})
        columns = {s: self.values(s, category) for s in names}
        frame = pd.DataFrame(columns, columns=names).astype("Int64")
        frame.index.name = "year"
        frame = frame.sort_index()
        frame.attrs.update(units={s: c.attrs["unit"] for s, c in columns.items()},
                           sources={s: c.attrs["sources"] for s, c in columns.items()})
        return frame

    def _provenance(self, chosen: Iterable[Observation]) -> dict[str, Any]:
        """`attrs` for a frame of these observations: each series' unit and the sources used."""
        units: dict[str, str] = {}
        sources: dict[str, set[str]] = {}
        for o in chosen:
            units[o.series_id] = self.series[o.series_id].counts
            sources.setdefault(o.series_id, set()).add(o.source_id)
        return {"units": units, "sources": {s: sorted(ids) for s, ids in sources.items()}}

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
