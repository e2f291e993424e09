"""The charts: each a function from the dataset (and the claims report) to a `Chart`.

A chart function draws the figure and returns, beside it, exactly the numbers it plotted
(for the CSV), the sources used (for the source line) and alt text generated from the
same numbers. No number is typed here: every figure, year and percentage in a title,
label or alt text comes from the dataset or the claims engine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..claims import CheckReport
from ..dataset import Dataset
from ..numbers import ROUNDING_RULES, fmt_count
from ..records import Observation
from ..summary import and_list
from .finish import finish
from .style import ACCENT, DPI, HEIGHT_PX, MAIN, MUTED, PALETTE, WIDTH_PX

ACTIONED = "webpages_actioned"
ASSESSED = "reports_assessed"
HOSTING = "webpages_actioned_by_hosting_country"
HOSTING_SHARE = "share_of_webpages_actioned_by_hosting_country"
TOP_TEN = "Top ten countries"
#: The claim whose computed growth the decade chart shows beside the article's figure.
DECADE_CLAIM = "article_830_percent"


@dataclass(frozen=True)
class ChartContext:
    ds: Dataset
    report: CheckReport


@dataclass
class Chart:
    name: str
    title: str
    subtitle: str
    figure: Figure
    columns: list[str]
    rows: list[list[object]]
    source_ids: list[str]
    alt: str
    note: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    return fig, fig.add_subplot()


def _thousands(ax: Axes, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: fmt_count(int(v)) if v == int(v) else f"{v:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _pct(v: float | Decimal, places: int = 1, sign: bool = False) -> str:
    return f"{float(v):{'+' if sign else ''},.{places}f}%"


def _small(n: int) -> str:
    """House style: whole numbers up to ten in words."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else fmt_count(n)


def _wording_note(ctx: ChartContext) -> str:
    began = min(int(f.value[:4]) for f in ctx.ds.facts_on("iwf_proactive_search_began"))
    return (f"Each year's count is as its source words it (webpages, URLs or confirmed reports); "
            f"from {began} the IWF searched for imagery proactively.")


# --- 1. webpages actioned per year ---

def webpages_actioned(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    obs = ds.preferred_values(ACTIONED)
    years = [o.year for o in obs]
    values = [o.value for o in obs]
    top = max(obs, key=lambda o: o.value)
    fig, ax = _figure()
    colours = [ACCENT if o is top else MAIN for o in obs]
    ax.bar(years, values, color=colours, width=0.72)
    ax.annotate(fmt_count(top.value), (top.year, top.value), xytext=(0, 4), textcoords="offset points",
                ha="right", va="bottom", fontsize=12, fontweight="bold", color=ACCENT)
    ax.set_xticks(years[::2] if len(years) > 8 else years)
    ax.set_ylim(0, top.value * 1.12)
    _thousands(ax)
    title = f"Webpages the IWF acted on, {years[0]}–{years[-1]}"
    subtitle = (f"{top.year} was the highest of the {len(years)} years: "
                f"{fmt_count(top.value)} webpages")
    note = _wording_note(ctx)
    sources = [o.source_id for o in obs]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=0.85)
    alt = (f"Bar chart of the number of webpages the Internet Watch Foundation acted on each year "
           f"from {years[0]} to {years[-1]}. The count rises from {fmt_count(values[0])} in {years[0]} "
           f"to {fmt_count(top.value)} in {top.year}, the highest year shown. Values by year: "
           + "; ".join(f"{o.year}: {fmt_count(o.value)}" for o in obs) + ".")
    rows: list[list[object]] = [[o.year, o.value, o.source_id, o.wording] for o in obs]
    return Chart("webpages_actioned", title, subtitle, fig, ["year", "webpages_actioned", "source_id",
                 "wording"], rows, sources, alt, note)


# --- 2. the decade's growth, computed by the claims engine ---

def decade_growth(ctx: ChartContext) -> Chart:
    """The claim's own two figures and its own arithmetic, never the latest year of the data:
    with a new year added, the chart still shows what the claim is about."""
    ds, result = ctx.ds, ctx.report.result(DECADE_CLAIM)
    growth = result.computed_number
    first, last = result.years
    if growth is None or len(result.figures) != 2:
        return _decade_not_computable(ctx, first, last)
    a, b = result.figures
    fig, ax = _figure()
    ax.bar([0, 1], [a.value, b.value], color=[MUTED, MAIN], width=0.55)
    for x, o in ((0, a), (1, b)):
        ax.annotate(fmt_count(o.value), (x, o.value), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=12, fontweight="bold")
    ax.set_xticks([0, 1], [str(a.year), str(b.year)])
    top = max(a.value, b.value)
    ax.set_ylim(0, top * 1.25)
    ax.set_xlim(-0.6, 1.9)
    _thousands(ax)
    computed = _pct(growth)
    ax.annotate("", xy=(0.72, b.value * 0.93), xytext=(0.28, a.value * 1.6),
                arrowprops={"arrowstyle": "-|>", "color": PALETTE["ink"], "lw": 1.4})
    ax.text(0.5, top * 1.13, f"{_pct(growth, sign=True)} computed", ha="center", va="bottom",
            fontsize=14, fontweight="bold", color=MAIN)
    ax.text(1.33, top * 0.55, f"The article:\n“{result.stated}”\n→ {result.verdict}",
            ha="left", va="center", fontsize=11.5, color=PALETTE["ink"])
    title = f"Webpages actioned, {a.year} and {b.year}: {'up' if growth >= 0 else 'down'} {_pct(abs(growth))}"
    how = ROUNDING_RULES.get(result.rounding or "exact", "")
    subtitle = (f"{fmt_count(b.value)} / {fmt_count(a.value)} − 1 = {computed}; the article's "
                f"“{result.stated}” is {'that ' + how if result.verdict == 'supported' else 'not that ' + how}")
    note = _break_note(ds, a.series_id, a.year, b.year)
    sources = [a.source_id, b.source_id]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=0.85)
    alt = (f"Two bars: {fmt_count(a.value)} webpages actioned in {a.year} and {fmt_count(b.value)} in "
           f"{b.year}, a change of {_pct(growth, sign=True)}. The newspaper article states "
           f"“{result.stated}”; the check finds the claim {result.verdict}.")
    rows: list[list[object]] = [
        [str(a.year), a.value, "webpages", a.source_id],
        [str(b.year), b.value, "webpages", b.source_id],
        [f"growth {a.year}–{b.year}", f"{growth:.2f}", "percent", f"computed ({DECADE_CLAIM})"],
        ["stated by the article", result.stated, "as printed", result.document],
    ]
    arithmetic = {"kind": "change", "from": a.value, "to": b.value, "percent": f"{growth:.2f}",
                  "printed": computed, "from_year": a.year, "to_year": b.year}
    return Chart("decade_growth", title, subtitle, fig, ["label", "value", "unit", "source_id"], rows,
                 sources, alt, note, {"claim": DECADE_CLAIM, "verdict": result.verdict,
                                      "arithmetic": [arithmetic]})


def _break_note(ds: Dataset, series_id: str, first: int, last: int) -> str | None:
    """The method changes between two years, said on the chart that compares them."""
    inside = [b for b in ds.breaks_for(series_id) if first <= b.year <= last]
    if not inside:
        return None
    return " ".join(f"{b.year}: {b.label}; years before and after are not like for like."
                    for b in inside)


def _decade_not_computable(ctx: ChartContext, first: int, last: int) -> Chart:
    """The claim's years, with whichever figures exist, and the reason no growth is shown."""
    ds, result = ctx.ds, ctx.report.result(DECADE_CLAIM)
    known = [o for y in (first, last) if (o := ds.preferred(ACTIONED, y)) is not None]
    fig, ax = _figure()
    ax.bar(range(len(known)), [o.value for o in known], color=MUTED, width=0.55)
    ax.set_xticks(range(len(known)), [str(o.year) for o in known])
    ax.set_xlim(-0.6, 1.9)
    _thousands(ax)
    title = f"Webpages actioned, {first} and {last}: the growth cannot be computed"
    subtitle = result.explanation
    sources = [o.source_id for o in known] or [result.document]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources,
           note=_break_note(ds, ACTIONED, first, last), axes_left_in=0.85)
    alt = (f"The growth from {first} to {last} cannot be computed: {result.explanation}. "
           + " ".join(f"{o.year}: {fmt_count(o.value)} webpages." for o in known))
    rows: list[list[object]] = [[str(o.year), o.value, "webpages", o.source_id] for o in known]
    return Chart("decade_growth", title, subtitle, fig, ["label", "value", "unit", "source_id"], rows,
                 sources, alt.strip(), None, {"claim": DECADE_CLAIM, "verdict": result.verdict,
                                              "arithmetic": []})


# --- 3. reports assessed vs reports actioned ---

def _present(ds: Dataset, series_id: str, years: list[int]) -> dict[int, Observation]:
    return {y: o for y in years if (o := ds.preferred(series_id, y)) is not None}


def assessed_vs_actioned(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    years = sorted(set(ds.years(ASSESSED)) | set(ds.years(ACTIONED)))
    span = list(range(years[0], years[-1] + 1))
    assessed, actioned = _present(ds, ASSESSED, span), _present(ds, ACTIONED, span)
    fig, ax = _figure()
    for series, colour, label, above in ((assessed, PALETTE["sky"], ds.series[ASSESSED].title, True),
                                         (actioned, MAIN, ds.series[ACTIONED].title, False)):
        ax.plot(span, [series[y].value if y in series else math.nan for y in span],
                color=colour, lw=2.4, marker="o", ms=5)
        last = max(series)
        # Above its last point, or well below it, clear of the other line's steep rise.
        y = series[last].value * (1 if above else 0.45)
        ax.annotate(label, (last, y), xytext=(0, 10 if above else 0), textcoords="offset points",
                    ha="right", va="bottom" if above else "top", color=colour, fontweight="bold",
                    fontsize=12)
    top = max(o.value for o in [*assessed.values(), *actioned.values()])
    ax.set_ylim(0, top * 1.15)
    ax.set_xticks(span[::2])
    _thousands(ax)
    gaps = [str(y) for y in span if y not in assessed]
    missing_actioned = [str(y) for y in span if y not in actioned]
    last_both = max(set(assessed) & set(actioned))
    a, b = assessed[last_both], actioned[last_both]
    title = "Reports assessed and webpages actioned each year"
    subtitle = (f"In {last_both} the IWF assessed {fmt_count(a.value)} reports and acted on "
                f"{fmt_count(b.value)} webpages")
    note_parts = []
    if gaps:
        note_parts.append(f"Reports assessed for {and_list(gaps)}")
    if missing_actioned:
        note_parts.append(f"webpages actioned for {and_list(missing_actioned)}")
    note = ("; ".join(note_parts) + ": not found in the sources searched.") if note_parts else None
    sources = [o.source_id for o in [*assessed.values(), *actioned.values()]]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=0.85)
    alt = (f"Line chart of reports the IWF assessed and webpages it acted on, {span[0]} to {span[-1]}. "
           f"Both rise; in {last_both} it assessed {fmt_count(a.value)} reports and acted on "
           f"{fmt_count(b.value)} webpages ({_pct(b.value / a.value * 100)} as many)."
           + (f" Reports assessed for {and_list(gaps)} were not found in the sources searched."
              if gaps else ""))
    rows: list[list[object]] = [
        [y, *(_cells(assessed.get(y))), *(_cells(actioned.get(y)))] for y in span]
    return Chart("assessed_vs_actioned", title, subtitle, fig,
                 ["year", "reports_assessed", "assessed_source_id", "webpages_actioned",
                  "actioned_source_id"], rows, sources, alt, note)


def _cells(o: Observation | None) -> list[object]:
    return [o.value, o.source_id] if o is not None else ["", ""]


# --- 4. where 2024's webpages were hosted ---

def hosting(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    year = max(o.year for o in ds.observations if o.series_id == HOSTING)
    entries = [o for o in ds.preferred_values(HOSTING) if o.year == year]
    countries = sorted((o for o in entries if o.category != TOP_TEN), key=lambda o: o.value)
    shares = {o.category: o for o in ds.preferred_values(HOSTING_SHARE) if o.year == year}
    total = ds.preferred(ACTIONED, year)
    top_ten = next((o for o in entries if o.category == TOP_TEN), None)
    if top_ten is not None:
        # A year's full table can list dozens of hosts: draw those the IWF's own top-ten total
        # sums (the largest, until they add up to it), and the UK.
        kept: set[str] = set()
        running = 0
        for o in sorted(countries, key=lambda o: -o.value):
            if running >= top_ten.value:
                break
            kept.add(o.category)
            running += o.value
        countries = [o for o in countries if o.category in kept or o.category == "United Kingdom"]
    uk = next((o for o in countries if o.category == "United Kingdom"), None)
    fig, ax = _figure()
    colours = [ACCENT if o is uk else MAIN for o in countries]
    ax.barh([o.category for o in countries], [o.value for o in countries], color=colours, height=0.62)
    biggest = max(o.value for o in countries)
    for o in countries:
        share = shares.get(o.category)
        label = fmt_count(o.value) + (f" ({share.as_written})" if share else "")
        ax.annotate(label, (o.value, o.category), xytext=(5, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=11.5)
    ax.set_xlim(0, biggest * 1.45)
    ax.grid(visible=False)
    ax.spines["left"].set_visible(True)
    ax.spines["bottom"].set_visible(False)
    ax.xaxis.set_visible(False)
    title = f"Where the webpages actioned in {year} were hosted"
    parts = []
    if top_ten and top_ten.category in shares:
        parts.append(f"the top ten countries hosted {shares[top_ten.category].as_written}")
    if uk is not None:
        parts.append(f"the UK {fmt_count(uk.value)} webpages")
    subtitle = (f"Of {fmt_count(total.value)} webpages, " if total else "") + "; ".join(parts)
    largest = len([o for o in countries if o is not uk])
    note = (f"The IWF publishes the {top_ten.category.lower() if top_ten else 'leading countries'}; "
            f"the {_small(largest)} largest and the UK are shown.")
    sources = [o.source_id for o in countries] + ([total.source_id] if total else [])
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=1.55)
    ranked = sorted(countries, key=lambda o: -o.value)
    alt = (f"Horizontal bar chart of webpages actioned in {year} by hosting country. "
           + "; ".join(f"{o.category}: {fmt_count(o.value)}"
                       + (f" ({shares[o.category].as_written})" if o.category in shares else "")
                       for o in ranked) + ". "
           + (f"The top ten countries together hosted {fmt_count(top_ten.value)}." if top_ten else ""))
    rows: list[list[object]] = [
        [o.category, o.value, shares[o.category].value if o.category in shares else "", o.source_id]
        for o in ranked]
    return Chart("hosting", title, subtitle, fig, ["country", "webpages", "share_percent", "source_id"],
                 rows, sources, alt.strip(), note)


def _max_ticks(n: int) -> MaxNLocator:
    return MaxNLocator(nbins=n, integer=True)


# --- 5. where the sources disagree ---

_KIND_SHORT = {"primary_report": "report", "press_release": "release", "newspaper_article": "newspaper"}


def source_disagreements(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    conflicts = [c for c in ds.conflicts if c.series_id == ACTIONED]  # the chart counts webpages
    entries: list[tuple[str, Observation, Observation]] = []  # (label, observation, preferred)
    for c in conflicts:
        for o in (c.preferred, *c.others):
            kind = _KIND_SHORT.get(ds.sources[o.source_id].kind, "")
            entries.append((f"{c.year} {ds.attribution(o.source_id)} {kind}".strip(), o, c.preferred))
    # Where two sources of one year read alike, tell them apart by their dates.
    counts = Counter(label for label, _, _ in entries)
    entries = [(f"{label} ({d:%b %Y})" if counts[label] > 1 and (d := ds.sources[o.source_id].date_published)
                else label, o, p) for label, o, p in entries]
    fig, ax = _figure()
    ys = list(range(len(entries)))[::-1]
    for y, (_label, o, pref) in zip(ys, entries, strict=True):
        diff = o.value - pref.value
        colour = MAIN if o is pref else ACCENT
        ax.plot([0, diff], [y, y], color=MUTED, lw=1.5, zorder=1)
        ax.scatter([diff], [y], color=colour, s=60, zorder=2)
        ax.annotate(fmt_count(o.value), (diff, y), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=11)
    ax.set_yticks(ys, [e[0] for e in entries], fontsize=10)
    ax.axvline(0, color=PALETTE["grey"], lw=1)
    lo = min(o.value - p.value for _, o, p in entries)
    hi = max(o.value - p.value for _, o, p in entries)
    ax.set_xlim(lo - 2, hi + 4)
    ax.xaxis.set_major_locator(_max_ticks(6))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("difference from the preferred value (webpages)", fontsize=11)
    worst = max(conflicts, key=lambda c: c.spread / c.preferred.value)
    worst_pct = worst.spread / worst.preferred.value * 100
    title = "Where sources disagree, by how much"
    subtitle = (f"{len(conflicts)} years have more than one published value; the widest gap is "
                f"{fmt_count(worst.spread)} webpages ({worst.year}, {worst_pct:.3f}% of the value)")
    note = "Blue: the preferred value (the IWF's own report, exact); orange: other published values."
    sources = [e[1].source_id for e in entries]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=2.75)
    alt = ("Dot chart of the years in which sources publish different counts of webpages actioned. "
           + " ".join(f"{c.year}: " + ", ".join(f"{fmt_count(o.value)} ({o.source_id})"
                                                 for o in (c.preferred, *c.others)) + "."
                      for c in conflicts)
           + f" The widest gap is {fmt_count(worst.spread)} webpages, {worst_pct:.3f}% of the value.")
    rows: list[list[object]] = [
        [o.series_id, o.year, o.source_id, o.value, pref.value, o.value - pref.value, o is pref]
        for _, o, pref in entries]
    return Chart("source_disagreements", title, subtitle, fig,
                 ["series_id", "year", "source_id", "value", "preferred_value", "difference",
                  "preferred"], rows, sources, alt, note)


# --- 6. year-on-year change ---

def _changes(ds: Dataset, series_id: str) -> list[tuple[Observation, Observation, Decimal]]:
    obs = {o.year: o for o in ds.preferred_values(series_id)}
    return [(obs[y - 1], obs[y], (Decimal(obs[y].value) / Decimal(obs[y - 1].value) - 1) * 100)
            for y in sorted(obs) if y - 1 in obs and obs[y - 1].value]


def year_on_year(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    changes = _changes(ds, ACTIONED)
    fig, ax = _figure()
    years = [b.year for _, b, _ in changes]
    pcts = [float(p) for _, _, p in changes]
    ax.bar(years, pcts, color=[MAIN if p >= 0 else ACCENT for p in pcts], width=0.72)
    for y, p in zip(years, pcts, strict=True):
        ax.annotate(_pct(p, 0, sign=True), (y, p), xytext=(0, 3 if p >= 0 else -3),
                    textcoords="offset points", ha="center", va="bottom" if p >= 0 else "top",
                    fontsize=9.5)
    ax.axhline(0, color=PALETTE["grey"], lw=1)
    ax.set_ylim(min(0, min(pcts)) * 1.3 - 5, max(pcts) * 1.15)
    ax.set_xticks(years[::2] if len(years) > 8 else years)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:+.0f}%" if v else "0%"))
    falls = [b.year for _, b, p in changes if p < 0]
    latest = changes[-1]
    title = "Change in webpages actioned on the year before"
    subtitle = (f"{latest[1].year}: {_pct(latest[2], sign=True)} on {latest[0].year}"
                + (f"; falls in {and_list([str(y) for y in falls])}" if falls else ""))
    note = _wording_note(ctx)
    sources = [s for a, b, _ in changes for s in (a.source_id, b.source_id)]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=0.75)
    alt = ("Bar chart of the year-on-year percentage change in webpages the IWF acted on. "
           + "; ".join(f"{b.year}: {_pct(p, sign=True)}" for _, b, p in changes) + ".")
    rows: list[list[object]] = [
        [a.year, b.year, a.value, b.value, f"{p:.2f}", a.source_id, b.source_id] for a, b, p in changes]
    return Chart("year_on_year", title, subtitle, fig,
                 ["from_year", "to_year", "from_value", "to_value", "change_percent", "from_source_id",
                  "to_source_id"], rows, sources, alt, note)


# --- 7. the share of assessed reports that were actioned ---

def actioned_share(ctx: ChartContext) -> Chart:
    ds = ctx.ds
    years = [y for y in ds.years(ASSESSED) if ds.preferred(ACTIONED, y) is not None]
    pairs = [(ds.preferred(ASSESSED, y), ds.preferred(ACTIONED, y)) for y in years]
    points = [(a, b, b.value / a.value * 100) for a, b in pairs if a and b]
    fig, ax = _figure()
    xs = [a.year for a, _, _ in points]
    ys = [p for _, _, p in points]
    ax.plot(xs, ys, color=MAIN, lw=2.4, marker="o", ms=6)
    for x, y in zip(xs, ys, strict=True):
        ax.annotate(_pct(y, 0), (x, y), xytext=(0, 8), textcoords="offset points", ha="center",
                    fontsize=10.5)
    ax.set_ylim(0, 100)
    ax.set_xticks(xs[::2] if len(xs) > 8 else xs)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    title = "Webpages actioned per 100 reports assessed"
    subtitle = (f"From {_pct(ys[0], 0)} in {xs[0]} to {_pct(ys[-1], 0)} in {xs[-1]}, in the years "
                f"with both counts")
    note = ("A rough ratio: one report can lead to several webpages, and the counts' wording varies "
            "by year.")
    sources = [s for a, b, _ in points for s in (a.source_id, b.source_id)]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note,
           axes_left_in=0.75)
    alt = ("Line chart of webpages actioned as a percentage of reports assessed, in the years with both "
           "counts: " + "; ".join(f"{a.year}: {_pct(p)}" for a, _, p in points) + ".")
    rows: list[list[object]] = [[a.year, a.value, b.value, f"{p:.2f}", a.source_id, b.source_id]
                                for a, b, p in points]
    return Chart("actioned_share", title, subtitle, fig,
                 ["year", "reports_assessed", "webpages_actioned", "actioned_per_100_assessed",
                  "assessed_source_id", "actioned_source_id"], rows, sources, alt, note)


#: Every chart, in the order the report shows them.
CHARTS: dict[str, Callable[[ChartContext], Chart]] = {
    "webpages_actioned": webpages_actioned,
    "decade_growth": decade_growth,
    "assessed_vs_actioned": assessed_vs_actioned,
    "hosting": hosting,
    "source_disagreements": source_disagreements,
    "year_on_year": year_on_year,
    "actioned_share": actioned_share,
}
