"""The chart kinds: each a function from (dataset, catalogue entry, options) to a finished
`Chart`, so a series and a `[[chart]]` entry in `data/charts.toml` make a chart with no new
Python. Every word a reader sees is generated here from the data: the title from the
series' title and the years, the subtitle and alt text from the values, notes from gaps,
wordings and series breaks. Nothing names a particular series, country or year.

- `bars_by_year`: one series over the years, the highest or the latest bar highlighted;
- `lines`: several series (or one series' categories) over the years; a year without a
  figure is a gap in the line, and a series break splits it;
- `ranked_bars`: one series' categories in one year, largest first; a category the entry
  singles out is drawn apart, below a rule, not ranked among the others;
- `shares`: a percent series, or one count per 100 of another, on a 0–100 axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase

from ..catalogue import ChartEntry
from ..dataset import Dataset
from ..numbers import fmt_count
from ..records import Break, Observation
from ..summary import and_list
from .base import (
    Chart,
    Options,
    around,
    axis_number,
    breaks_alt,
    breaks_json,
    breaks_note,
    breaks_within,
    draw_breaks,
    headroom,
    keep_inside,
    lower_first,
    new_figure,
    over_bar,
    pct,
    percent_axis,
    place_labels,
    small,
    thousands,
    value_text,
    year_ticks,
)
from .finish import finish
from .style import SMALL_PT

Kind = Callable[[Dataset, ChartEntry, Options], Chart]


def _span(ds: Dataset, keys: Sequence[tuple[str, str]], entry: ChartEntry) -> list[int]:
    """Every year from the first to the last with a figure in any of `keys`, within the entry's range."""
    lo, hi = entry.from_year or 0, entry.to_year or 10_000
    years = sorted({y for s, c in keys for y in ds.years(s, c) if lo <= y <= hi})
    if not years:
        raise ValueError(f"chart {entry.name}: no figures to draw")
    return list(range(years[0], years[-1] + 1))


def _present(ds: Dataset, series_id: str, category: str, span: Sequence[int]) -> dict[int, Observation]:
    return {y: o for y in span if (o := ds.preferred(series_id, y, category)) is not None}


def _segments(span: Sequence[int], cuts: Sequence[int]) -> list[list[int]]:
    """The span split before each break year, so no line joins values across a break."""
    out: list[list[int]] = [[]]
    for y in span:
        if y in cuts and out[-1]:
            out.append([])
        out[-1].append(y)
    return out


def _plot(ax: Axes, span: Sequence[int], values: dict[int, float], cuts: Sequence[int], colour: str,
          label: str, opts: Options) -> None:
    """A line with a marker on every figure: missing years are NaN, so the line stops there."""
    look = opts.look
    pieces = [seg for seg in _segments(span, cuts) if any(y in values for y in seg)]
    for i, seg in enumerate(pieces):
        ax.plot(seg, [values.get(y, math.nan) for y in seg], color=colour, lw=look.pt(2.4), marker="o",
                ms=look.pt(5), label=label if i == 0 else "_nolegend_")


def _missing(span: Sequence[int], present: dict[int, Observation] | dict[int, float]) -> list[str]:
    return [str(y) for y in span if y not in present]


def _line_gaps(ds: Dataset, series_id: str, category: str, span: Sequence[int],
               present: dict[int, Observation]) -> list[str]:
    """A line's missing years worth a word: those between its first and last figure, and any
    other the dataset records as searched for (gaps.csv); not the years before a series began."""
    searched = {g.year for g in ds.gaps if g.series_id == series_id and g.category == category}
    first, last = min(present), max(present)
    return [str(y) for y in span if y not in present and (first < y < last or y in searched)]


def _wordings(obs: Sequence[Observation]) -> str | None:
    words = list(dict.fromkeys(o.wording for o in obs))
    if len(words) < 2:
        return None
    return f"Each year's figure is as its source words it ({and_list(words)})."


def _join_notes(*parts: str | None) -> str | None:
    text = " ".join(p for p in parts if p)
    return text or None


def _years_text(span: Sequence[int]) -> str:
    return f"{span[0]}" if span[0] == span[-1] else f"{span[0]}–{span[-1]}"


def _breaks_for(ds: Dataset, series_ids: Sequence[str], span: Sequence[int]) -> list[Break]:
    return breaks_within(ds.breaks, series_ids, span[0], span[-1])


# --- bars_by_year ---

def bars_by_year(ds: Dataset, entry: ChartEntry, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
    sid, cat = entry.series[0], entry.category
    series = ds.series[sid]
    span = _span(ds, [(sid, cat)], entry)
    present = _present(ds, sid, cat, span)
    obs = list(present.values())
    years = [o.year for o in obs]
    top = max(obs, key=lambda o: o.value)
    hl = entry.highlight or "highest"
    focus = obs[-1] if hl == "latest" else top
    fig, ax = new_figure(look)
    width = 0.72
    ax.bar(years, [o.value for o in obs], color=[theme.accent if o is focus else theme.main for o in obs],
           width=width)
    ax.set_xticks(year_ticks(span, focus.year))
    ax.set_xlim(span[0] - 0.6, span[-1] + 0.6)
    label = ax.annotate(axis_number(focus.value), (focus.year, focus.value), xytext=(0, look.pt(4)),
                        textcoords="offset points", ha="center", va="bottom", fontsize=look.font(12),
                        fontweight="bold", color=theme.accent)
    _value_axis(ax, series.unit)
    brk = _breaks_for(ds, [sid], span)
    rules = draw_breaks(ax, brk, look)

    def arrange(renderer: RendererBase) -> None:
        # The label goes over its bar, or starting at the bar's left edge or ending at its
        # right, whichever first clears the other bars, the break rules and their labels.
        ax.set_ylim(0, top.value * 1.05)
        place_labels(ax, [label], renderer, over_bar(ax, width, look.pt(4)), avoid_bars=True, inside=False)
        keep_inside(ax, [label], renderer)
        headroom(ax, rules, renderer)
    where = f" ({cat})" if cat else ""
    title = entry.title or f"{series.title}{where}, {_years_text(span)}"
    if hl == "highest":
        subtitle = f"{top.year} was the highest of the {small(len(obs))} years: {value_text(top, series)}"
    else:
        prev = present.get(focus.year - 1)
        broken = any(b.year == focus.year for b in brk)  # a new method: no change is computed across it
        change = (f", not comparable with {prev.year} (new method)" if prev and broken else
                  f", {pct((Decimal(focus.value) / Decimal(prev.value) - 1) * 100, sign=True)} on {prev.year}"
                  if prev and prev.value else "")
        subtitle = f"{focus.year}: {value_text(focus, series)}{change}"
    gaps = _missing(span, present)
    gap_text = _gaps(ds, sid, cat, series.title, gaps)
    note = _join_notes(_wordings(obs), gap_text,
                       breaks_note(brk) if brk else None)
    alt = (f"Bar chart of {lower_first(series.title)}{where} each year from {span[0]} to {span[-1]}. "
           f"The highest is {value_text(top, series)} in {top.year}"
           + (f"; the latest, {focus.year}, is {value_text(focus, series)}" if focus is not top else "")
           + ". Values by year: " + "; ".join(f"{o.year}: {_num(o, series.unit)}" for o in obs) + "."
           + (f" {gap_text}" if gap_text else "") + (" " + breaks_alt(brk) if brk else ""))
    sources = [o.source_id for o in obs] + [b.source_id for b in brk]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           arrange=arrange)
    rows: list[list[object]] = [[o.year, o.value, o.source_id, o.wording] for o in obs]
    return Chart(entry.name, title, subtitle, fig, ["year", sid, "source_id", "wording"], rows, sources,
                 alt, note, _extra(entry, brk))


def _value_axis(ax: Axes, unit: str) -> None:
    if unit == "percent":
        percent_axis(ax)
    else:
        thousands(ax)


def _gaps(ds: Dataset, series_id: str, category: str, label: str, years: Sequence[str]) -> str | None:
    """'Reports assessed for 2016 and 2018: not found in the sources searched.' where the
    dataset records the search (gaps.csv); else plainly that the data has no figure."""
    if not years:
        return None
    searched = {(g.year, g.category) for g in ds.gaps if g.series_id == series_id}
    found = all((int(y), category) in searched for y in years)
    return (f"{label} for {and_list(list(years))}: "
            + ("not found in the sources searched." if found else "no figure in the data."))


def _num(o: Observation, unit: str) -> str:
    return f"{o.value}%" if unit == "percent" else fmt_count(o.value)


def _extra(entry: ChartEntry, brk: Sequence[Break]) -> dict[str, object]:
    out: dict[str, object] = {"kind": entry.kind, "series": list(entry.series)}
    if entry.category or entry.categories:
        out["categories"] = list(entry.categories or [entry.category])
    if brk:
        out["breaks"] = breaks_json(brk)
    return out


# --- lines ---

def lines(ds: Dataset, entry: ChartEntry, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
    keys = ([(entry.series[0], c) for c in entry.categories] if entry.categories
            else [(s, entry.category) for s in entry.series])
    labels = [c if entry.categories else ds.series[s].title for s, c in keys]
    columns = [c if entry.categories else s for s, c in keys]
    span = _span(ds, keys, entry)
    present = [_present(ds, s, c, span) for s, c in keys]
    unit = ds.series[keys[0][0]].unit
    brk = _breaks_for(ds, [s for s, _ in keys], span)
    fig, ax = new_figure(look)
    for i, ((s, _c), label, obs) in enumerate(zip(keys, labels, present, strict=True)):
        cuts = sorted({b.year for b in brk if b.series_id == s})  # a line splits at its own breaks only
        _plot(ax, span, {y: o.value for y, o in obs.items()}, cuts, theme.lines[i % len(theme.lines)], label,
              opts)
    top = max(o.value for obs in present for o in obs.values())
    ax.set_ylim(0, top * 1.1)
    ax.set_xticks(year_ticks(span))
    ax.set_xlim(span[0] - 0.5, span[-1] + 0.5)
    _value_axis(ax, unit)
    rules = draw_breaks(ax, brk, look)

    def arrange(renderer: RendererBase) -> None:
        ax.set_ylim(0, top * 1.1)
        headroom(ax, rules, renderer)
    common = sorted(set.intersection(*(set(p) for p in present)))
    # Categories are names (countries, continents) and keep their capitals; series titles
    # are lower-cased inside a sentence.
    words = labels if entry.categories else [lower_first(x) for x in labels]
    title = entry.title or (f"{ds.series[keys[0][0]].title}: {and_list(labels)}, {_years_text(span)}"
                            if entry.categories else f"{and_list(labels[:1] + words[1:])}, {_years_text(span)}")
    if common:
        y = common[-1]
        subtitle = f"{y}: " + "; ".join(f"{w} {_num(p[y], unit)}" for w, p in zip(words, present, strict=True))
    else:
        subtitle = "Latest: " + "; ".join(f"{w} {_num(p[max(p)], unit)} ({max(p)})"
                                          for w, p in zip(words, present, strict=True))
    gap_text = " ".join(t for (s, c), lab, p in zip(keys, labels, present, strict=True)
                        if (t := _gaps(ds, s, c, lab, _line_gaps(ds, s, c, span, p))))
    note = _join_notes(gap_text or None, breaks_note(brk) if brk else None)
    alt = (f"Line chart of {and_list(words)}, {span[0]} to {span[-1]}. "
           + " ".join(f"{lab}: " + "; ".join(f"{y}: {_num(o, unit)}" for y, o in p.items()) + "."
                      for lab, p in zip(labels, present, strict=True))
           + (f" {gap_text}" if gap_text else "")
           + (" " + breaks_alt(brk) if brk else ""))
    sources = [o.source_id for p in present for o in p.values()] + [b.source_id for b in brk]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           legend=True, arrange=arrange)
    header = ["year"] + [h for c in columns for h in (c, f"{c}_source_id")]
    rows: list[list[object]] = [[y] + [x for p in present for x in _cells(p.get(y))] for y in span]
    return Chart(entry.name, title, subtitle, fig, header, rows, sources, alt, note, _extra(entry, brk))


def _cells(o: Observation | None) -> list[object]:
    return [o.value, o.source_id] if o is not None else ["", ""]


# --- ranked_bars ---

def ranked_bars(ds: Dataset, entry: ChartEntry, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
    sid = entry.series[0]
    series = ds.series[sid]
    share_id = entry.series[1] if len(entry.series) > 1 else None
    year = entry.year or max(o.year for o in ds.observations if o.series_id == sid)
    entries = [o for o in ds.preferred_values(sid) if o.year == year]
    shares = {o.category: o for o in ds.preferred_values(share_id) if o.year == year} if share_id else {}
    apart = next((o for o in entries if o.category == entry.highlight), None) if entry.highlight else None
    total = next((o for o in entries if o.category == entry.total), None) if entry.total else None
    ranked = sorted((o for o in entries if o is not apart and o is not total), key=lambda o: (-o.value, o.category))
    if total is not None:
        # A year's full table can list dozens of categories: rank those the published total
        # sums (the largest, until they add up to it).
        kept, running = [], 0
        for o in ranked:
            if running >= total.value:
                break
            kept.append(o)
            running += o.value
        ranked = kept
    if not ranked:
        raise ValueError(f"chart {entry.name}: no categories to rank in {year}")

    def share(o: Observation) -> str:
        s = shares.get(o.category)
        if s is None:
            return ""
        # A share printed as 0% of a non-zero count is under one per cent, not none.
        return "under 1%" if s.value == 0 and o.value > 0 else s.as_written

    def label(o: Observation) -> str:
        return fmt_count(o.value) + (f" ({share(o)})" if share(o) else "")

    fig, ax = new_figure(look)
    gap = 1.6 if apart else 0.0
    ys = {o.category: gap + len(ranked) - 1 - i for i, o in enumerate(ranked)}
    if apart:
        ys[apart.category] = 0.0
        ax.axhline(0.8, color=theme.grid, lw=look.pt(1.2))
    shown = [*ranked, *([apart] if apart else [])]
    ax.barh([ys[o.category] for o in shown], [o.value for o in shown], height=0.62,
            color=[theme.muted if o is apart else theme.main for o in shown])
    # Each label runs on from its bar's end: the longest bar and its label end at the margin.
    for o in shown:
        ax.annotate(label(o), (o.value, ys[o.category]), xytext=(look.pt(5), 0), textcoords="offset points",
                    va="center", ha="left", fontsize=look.font(11.5), color=theme.ink)
    ax.set_yticks([ys[o.category] for o in shown], [o.category for o in shown])
    ax.set_xlim(0, max(o.value for o in shown))
    ax.set_ylim(-0.6, gap + len(ranked) - 0.4)
    ax.grid(visible=False)
    ax.spines["left"].set_visible(True)
    ax.spines["bottom"].set_visible(False)
    ax.xaxis.set_visible(False)
    title = entry.title or f"{series.title}, {year}"
    lead = ranked[0]
    parts = [f"{lead.category} the largest: {value_text(lead, series)}" + (f" ({share(lead)})" if share(lead) else "")]
    if total:
        parts.append(f"{lower_first(total.category)}: {label(total)}")
    if apart:
        parts.append(f"{apart.category}: {label(apart)}")
    subtitle = "; ".join(parts)
    note = (f"The {small(len(ranked))} largest published are ranked"
            + (f"; {apart.category} is shown apart, for comparison, not by rank" if apart else "") + ".")
    alt = (f"Horizontal bar chart of {lower_first(series.title)} in {year}, largest first: "
           + "; ".join(f"{o.category}: {label(o)}" for o in ranked) + "."
           + (f" Shown apart for comparison: {apart.category}: {label(apart)}." if apart else "")
           + (f" {total.category}: {label(total)}." if total else ""))
    used = [*ranked, *([apart] if apart else []), *([total] if total else [])]
    sources = [o.source_id for o in used] + [shares[o.category].source_id for o in used if o.category in shares]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look)
    dimension = series.dimension or "category"
    header = [dimension, sid, *([share_id] if share_id else []), "source_id", "shown"]
    rows: list[list[object]] = [
        [o.category, o.value, *([shares[o.category].value if o.category in shares else ""] if share_id else []),
         o.source_id, "apart" if o is apart else "total" if o is total else "ranked"] for o in used]
    return Chart(entry.name, title, subtitle, fig, header, rows, sources, alt, note,
                 {**_extra(entry, []), "year": year})


# --- shares ---

def shares(ds: Dataset, entry: ChartEntry, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
    cat = entry.category
    ratio = len(entry.series) == 2
    keys = [(s, cat) for s in entry.series]
    span = _span(ds, keys, entry)
    present = [_present(ds, s, cat, span) for s in entry.series]
    if ratio:
        num, den = present
        points = {y: float(Decimal(num[y].value) / Decimal(den[y].value) * 100)
                  for y in span if y in num and y in den and den[y].value}
        a, b = (ds.series[s] for s in entry.series)
        what = f"{a.title} per 100 {lower_first(b.title)}"
    else:
        points = {y: float(o.value) for y, o in present[0].items()}
        what = ds.series[entry.series[0]].title
    if not points:
        raise ValueError(f"chart {entry.name}: no year has every figure it needs")
    xs = sorted(points)
    span = list(range(xs[0], xs[-1] + 1))
    brk = _breaks_for(ds, list(entry.series), span)
    fig, ax = new_figure(look)
    _plot(ax, span, points, sorted({b.year for b in brk}), theme.main, what, opts)
    labels = [ax.annotate(pct(points[x], 0), (x, points[x]), xytext=(0, look.pt(6)), textcoords="offset points",
                          ha="center", va="bottom", fontsize=look.font(SMALL_PT), color=theme.ink) for x in xs]
    ax.set_ylim(0, 100)
    ax.set_xlim(span[0] - 0.5, span[-1] + 0.5)
    ax.set_xticks(year_ticks(span))
    percent_axis(ax)
    draw_breaks(ax, brk, look)

    def arrange(renderer: RendererBase) -> None:
        # Each figure above its point, or wherever around it first clears the line, the
        # break rules, the other labels and the edges of the plot.
        place_labels(ax, labels, renderer, around(look.pt(6)))
    where = f" ({cat})" if cat else ""
    title = entry.title or f"{what}{where}, {_years_text(span)}"
    hi = max(xs, key=lambda y: points[y])
    subtitle = (f"From {pct(points[xs[0]], 0)} in {xs[0]} to {pct(points[xs[-1]], 0)} in {xs[-1]}"
                + (f"; highest {pct(points[hi], 0)} in {hi}" if entry.highlight == "highest" else "")
                + (", in the years with both counts" if ratio else ""))
    gaps = [str(y) for y in span if y not in points]
    notes: list[str | None] = []
    if ratio:
        nouns = [ds.series[s].counts for s in entry.series]
        if nouns[0] != nouns[1]:
            notes.append(f"A ratio of two counts of different things ({nouns[0]} and {nouns[1]}), "
                         f"not a share of one.")
    notes.append(f"No ratio for {and_list(gaps)}, where a count is missing: the line stops there."
                 if gaps and ratio else _gaps(ds, entry.series[0], cat, what, gaps))
    notes.append(breaks_note(brk) if brk else None)
    note = _join_notes(*notes)
    alt = (f"Line chart of {lower_first(what)}{where} on a scale of 0 to 100 per cent, {span[0]} to {span[-1]}: "
           + "; ".join(f"{y}: {pct(points[y])}" for y in xs) + "."
           + (f" No figure for {and_list(gaps)}." if gaps else "") + (" " + breaks_alt(brk) if brk else ""))
    sources = [p[y].source_id for y in xs for p in present] + [b.source_id for b in brk]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           arrange=arrange)
    if ratio:
        n_id, d_id = entry.series
        header = ["year", n_id, f"{n_id}_source_id", d_id, f"{d_id}_source_id", f"{n_id}_per_100_{d_id}"]
        rows: list[list[object]] = [[y, present[0][y].value, present[0][y].source_id, present[1][y].value,
                                     present[1][y].source_id, f"{points[y]:.2f}"] for y in xs]
    else:
        header = ["year", entry.series[0], "source_id"]
        rows = [[y, present[0][y].value, present[0][y].source_id] for y in xs]
    return Chart(entry.name, title, subtitle, fig, header, rows, sources, alt, note, _extra(entry, brk))


KINDS: dict[str, Kind] = {
    "bars_by_year": bars_by_year,
    "lines": lines,
    "ranked_bars": ranked_bars,
    "shares": shares,
}
