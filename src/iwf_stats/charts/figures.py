"""The bespoke charts: the three that fit no catalogue kind, each its own Python.

`decade_growth` shows a claim beside the data, `source_disagreements` every published value
where sources differ, `year_on_year` a change computed from pairs of years. Like the kinds,
each returns exactly the numbers it plotted, the sources used and alt text generated from
the same numbers, and goes through the same finishing function and export. No number is
typed here: every figure, year and percentage comes from the dataset or the claims engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal

from matplotlib.backend_bases import RendererBase
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..catalogue import BESPOKE as BESPOKE_NAMES
from ..catalogue import REQUIRED_CLAIMS
from ..claims import CheckReport
from ..claims.engine import ClaimResult
from ..dataset import Conflict, Dataset
from ..errors import DataError, Problem, shown_path
from ..numbers import ROUNDING_RULES, fmt_count
from ..records import Observation
from ..summary import and_list
from .base import (
    Chart,
    Options,
    Spot,
    keep_inside,
    new_figure,
    on_chart,
    over_bar,
    pct,
    place_labels,
    thousands,
    year_ticks,
)
from .finish import finish
from .style import SMALL_PT, SOURCE_PT

ACTIONED = "webpages_actioned"
ASSESSED = "reports_assessed"
#: The claim whose computed growth the decade chart shows beside the article's figure.
DECADE_CLAIM = REQUIRED_CLAIMS["decade_growth"]


def _wording_note(ds: Dataset) -> str:
    began = min(int(f.value[:4]) for f in ds.facts_on("iwf_proactive_search_began"))
    return (f"Each year's count is as its source words it (webpages, URLs or confirmed reports); "
            f"from {began} the IWF searched for imagery proactively.")


# --- 2. the decade's growth, computed by the claims engine ---

def _report(ds: Dataset, opts: Options) -> CheckReport:
    if opts.report is not None:
        return opts.report
    from ..claims import check, load_ledger

    return check(ds, load_ledger(ds))


def decade_growth(ds: Dataset, opts: Options) -> Chart:
    """The claim's own two figures and its own arithmetic, never the latest year of the data:
    with a new year added, the chart still shows what the claim is about."""
    look, theme = opts.look, opts.look.theme
    try:
        result = _report(ds, opts).result(DECADE_CLAIM)
    except KeyError:  # the ledger is data: its missing claim is a data problem, not a crash
        raise DataError([Problem(shown_path(ds.root / "claims.toml"), 0, "id",
                                 f"the decade chart shows claim {DECADE_CLAIM!r}, which the ledger does "
                                 "not hold; restore it or remove the chart")]) from None
    growth = result.computed_number
    first, last = result.years
    if growth is None or len(result.figures) != 2:
        return _decade_not_computable(ds, result, first, last, opts)
    a, b = result.figures
    fig, ax = new_figure(look)
    ax.bar([0, 1], [a.value, b.value], color=[theme.muted, theme.main], width=0.55)
    up, value_pt = look.pt(4), look.font(12)
    labels: list[Text] = [ax.annotate(fmt_count(o.value), (x, o.value), xytext=(0, up), textcoords="offset points",
                          ha="center", va="bottom", fontsize=value_pt, fontweight="bold", color=theme.ink)
              for x, o in ((0, a), (1, b))]
    ax.set_xticks([0, 1], [str(a.year), str(b.year)])
    top = max(a.value, b.value)
    thousands(ax)
    computed = pct(growth)
    ax.annotate("", xy=(0.72, b.value * 0.93), xytext=(0.28, a.value * 1.6),
                arrowprops={"arrowstyle": "-|>", "color": theme.ink, "lw": look.pt(1.4)})
    # The computed change sits a line above the taller bar's figure, wherever that falls.
    labels.append(ax.annotate(f"{pct(growth, sign=True)} computed", (0.5, top), xytext=(0, up + value_pt * 1.6),
                              textcoords="offset points", ha="center", va="bottom", fontsize=look.font(14),
                              fontweight="bold", color=theme.main))
    labels.append(ax.text(1.33, top * 0.55, f"The article:\n“{result.stated}”\n→ {result.verdict}",
                          ha="left", va="center", fontsize=look.font(11.5), color=theme.ink))

    def arrange(renderer: RendererBase) -> None:
        ax.set_ylim(0, top)
        ax.set_xlim(-0.6, 1.3)
        keep_inside(ax, labels, renderer, "xy")
    title = f"Webpages actioned, {a.year} and {b.year}: {'up' if growth >= 0 else 'down'} {pct(abs(growth))}"
    how = ROUNDING_RULES.get(result.rounding or "exact", "")
    subtitle = (f"{fmt_count(b.value)} / {fmt_count(a.value)} − 1 = {computed}; the article's "
                f"“{result.stated}” is {'that ' + how if result.verdict == 'supported' else 'not that ' + how}")
    note = _break_note(ds, a.series_id, a.year, b.year)
    sources = [a.source_id, b.source_id]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           arrange=arrange)
    alt = (f"Two bars: {fmt_count(a.value)} webpages actioned in {a.year} and {fmt_count(b.value)} in "
           f"{b.year}, a change of {pct(growth, sign=True)}. The newspaper article states "
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


def _decade_not_computable(ds: Dataset, result: ClaimResult, first: int, last: int, opts: Options) -> Chart:
    """The claim's years, with whichever figures exist, and the reason no growth is shown."""
    look, theme = opts.look, opts.look.theme
    known = [o for y in (first, last) if (o := ds.preferred(ACTIONED, y)) is not None]
    fig, ax = new_figure(look)
    ax.bar(range(len(known)), [o.value for o in known], color=theme.muted, width=0.55)
    ax.set_xticks(range(len(known)), [str(o.year) for o in known])
    ax.set_xlim(-0.6, 1.9)
    thousands(ax)
    title = f"Webpages actioned, {first} and {last}: the growth cannot be computed"
    subtitle = result.explanation
    sources = [o.source_id for o in known] or [result.document]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources,
           note=_break_note(ds, ACTIONED, first, last), look=look)
    alt = (f"The growth from {first} to {last} cannot be computed: {result.explanation}. "
           + " ".join(f"{o.year}: {fmt_count(o.value)} webpages." for o in known))
    rows: list[list[object]] = [[str(o.year), o.value, "webpages", o.source_id] for o in known]
    return Chart("decade_growth", title, subtitle, fig, ["label", "value", "unit", "source_id"], rows,
                 sources, alt.strip(), None, {"claim": DECADE_CLAIM, "verdict": result.verdict,
                                              "arithmetic": []})


def _max_ticks(n: int) -> MaxNLocator:
    return MaxNLocator(nbins=n, integer=True)


# --- 5. where the sources disagree ---

_KIND_SHORT = {"primary_report": "report", "press_release": "release", "newspaper_article": "newspaper"}


def source_disagreements(ds: Dataset, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
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
    fig, ax = new_figure(look)
    ys = list(range(len(entries)))[::-1]
    keyed: set[bool] = set()
    values = []
    for y, (_label, o, pref) in zip(ys, entries, strict=True):
        diff = o.value - pref.value
        preferred = o is pref
        # The colour key is a legend of these very points, so it cannot disagree with them.
        key = "_nolegend_" if preferred in keyed else "preferred value" if preferred else "other published value"
        keyed.add(preferred)
        ax.plot([0, diff], [y, y], color=theme.muted, lw=look.pt(1.5), zorder=1)
        ax.scatter([diff], [y], color=theme.main if preferred else theme.accent, s=look.pt(60) * look.size.scale,
                   zorder=2, label=key)
        # Each published figure in a column right of the plot, level with its point: no
        # label sits on a stem or the zero line, however close the points.
        values.append(ax.annotate(fmt_count(o.value), (1, y), xycoords=ax.get_yaxis_transform(), xytext=(0, 0),
                                  textcoords="offset points", ha="right", va="center",
                                  fontsize=look.font(SMALL_PT), color=theme.ink,
                                  fontweight="bold" if preferred else "normal"))
    ax.set_yticks(ys, [e[0] for e in entries], fontsize=look.font(SMALL_PT))
    ax.axvline(0, color=theme.grey, lw=look.pt(1))
    lo = min(o.value - p.value for _, o, p in entries)
    hi = max(o.value - p.value for _, o, p in entries)
    ax.xaxis.set_major_locator(_max_ticks(6))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("difference from the preferred value (webpages)", fontsize=look.font(SOURCE_PT))

    def arrange(renderer: RendererBase) -> None:
        pad = max(hi - lo, 1) * 0.08
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(-0.6, len(entries) - 0.4)
        widest = max(t.get_window_extent(renderer).width for t in values) * 72 / fig.dpi
        for t in values:  # right-aligned, the column a gap from the plot
            t.xyann = (look.pt(10) + widest, 0)
    worst = max(conflicts, key=lambda c: c.spread / c.preferred.value)
    worst_pct = worst.spread / worst.preferred.value * 100
    title = "Where sources disagree, by how much"
    subtitle = (f"{len(conflicts)} years have more than one published value; the widest gap is "
                f"{fmt_count(worst.spread)} webpages ({worst.year}, {worst_pct:.3f}% of the value)")
    note = _preferred_note(ds, conflicts)
    sources = [e[1].source_id for e in entries]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           legend=True, arrange=arrange)
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


def _preferred_note(ds: Dataset, conflicts: Sequence[Conflict]) -> str:
    """Whose value is preferred in which years, from the data: 'Preferred: the IWF report's
    value for 2014, 2023 and 2024; BIK / UK Safer Internet Centre's for 2016 …'."""
    by: dict[str, list[str]] = {}
    for c in conflicts:
        kind = _KIND_SHORT.get(ds.sources[c.preferred.source_id].kind, "")
        who = f"{ds.attribution(c.preferred.source_id)} {kind}".strip()
        by.setdefault(who, []).append(str(c.year))
    parts = [f"{who}’s for {and_list(years)}" for who, years in by.items()]
    return f"Preferred, by the project's rule: {'; '.join(parts)}."


# --- 6. year-on-year change ---

def _changes(ds: Dataset, series_id: str) -> list[tuple[Observation, Observation, Decimal]]:
    obs = {o.year: o for o in ds.preferred_values(series_id)}
    return [(obs[y - 1], obs[y], (Decimal(obs[y].value) / Decimal(obs[y - 1].value) - 1) * 100)
            for y in sorted(obs) if y - 1 in obs and obs[y - 1].value]


def year_on_year(ds: Dataset, opts: Options) -> Chart:
    look, theme = opts.look, opts.look.theme
    changes = _changes(ds, ACTIONED)
    fig, ax = new_figure(look)
    years = [b.year for _, b, _ in changes]
    pcts = [float(p) for _, _, p in changes]
    width = 0.72
    ax.bar(years, pcts, color=[theme.main if p >= 0 else theme.accent for p in pcts], width=width)
    labels = [ax.annotate(on_chart(pct(p, 0, sign=True)), (y, p), xytext=(0, 0), textcoords="offset points",
                          fontsize=look.font(SMALL_PT), color=theme.ink) for y, p in zip(years, pcts, strict=True)]
    # Where there is not room for every bar's figure side by side (a print column), those of
    # the largest change, the falls and the latest year are set first; any other that would
    # touch them is left out (every figure is in the chart's data and alt text).
    first = {pcts.index(max(pcts)), len(pcts) - 1, *(i for i, p in enumerate(pcts) if p < 0)}
    order = [labels[i] for i in sorted(range(len(labels)), key=lambda i: (i not in first, i))]
    # The zero line is the baseline: no axis line or tick marks below the falls, so nothing
    # crosses a fall's label, and the limits are widened until every label is inside the plot.
    ax.axhline(0, color=theme.grey, lw=look.pt(1))
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.set_xticks(year_ticks(years))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: on_chart(f"{v:+.0f}%") if v else "0%"))

    optional = [labels[i] for i in range(len(labels)) if i not in first]
    # A rise whose label would touch a neighbour's is set higher, a label's height at a time,
    # before it is left out: at the web size a label is a little wider than a bar's pitch.
    tier = look.font(SMALL_PT) * 1.3
    # ...hanging from its bar by a hairline, drawn only for a label that was raised.
    leaders = {id(t): ax.annotate("", t.xy, xytext=(0, 0), textcoords="offset points", visible=False,
                                  arrowprops={"arrowstyle": "-", "color": theme.grey, "lw": look.pt(0.8),
                                              "shrinkA": look.pt(2), "shrinkB": look.pt(2)})
               for t in optional}

    def arrange(renderer: RendererBase) -> None:
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        ax.set_ylim(min(0.0, *pcts), max(0.0, *pcts))
        gap = look.pt(3)
        up, down = over_bar(ax, width, gap), over_bar(ax, width, gap, below=True)
        raised: list[Spot] = [(0.0, gap + k * tier, "center", "bottom") for k in (1, 2)]

        def spots(t: Annotation) -> list[Spot]:
            return down if t.xy[1] < 0 else up + (raised if t in optional else [])

        for _ in range(2):  # widening the limits moves the bars: place, widen, place again
            place_labels(ax, order, renderer, spots, avoid_bars=True, inside=False, optional=optional)
            keep_inside(ax, labels, renderer, "xy")
        for t in optional:
            leader = leaders[id(t)]
            leader.xyann = (0.0, t.xyann[1])
            leader.set_visible(t.get_visible() and t.xyann[1] > gap + tier / 2)
    falls = [b.year for _, b, p in changes if p < 0]
    latest = changes[-1]
    title = "Change in webpages actioned on the year before"
    subtitle = (f"{latest[1].year}: {pct(latest[2], sign=True)} on {latest[0].year}"
                + (f"; falls in {and_list([str(y) for y in falls])}" if falls else ""))
    note = _wording_note(ds)
    sources = [s for a, b, _ in changes for s in (a.source_id, b.source_id)]
    finish(fig, ax, ds, title=title, subtitle=subtitle, source_ids=sources, note=note, look=look,
           arrange=arrange)
    alt = ("Bar chart of the year-on-year percentage change in webpages the IWF acted on. "
           + "; ".join(f"{b.year}: {pct(p, sign=True)}" for _, b, p in changes) + ".")
    rows: list[list[object]] = [
        [a.year, b.year, a.value, b.value, f"{p:.2f}", a.source_id, b.source_id] for a, b, p in changes]
    return Chart("year_on_year", title, subtitle, fig,
                 ["from_year", "to_year", "from_value", "to_value", "change_percent", "from_source_id",
                  "to_source_id"], rows, sources, alt, note)


Bespoke = Callable[[Dataset, Options], Chart]

#: The charts drawn by their own Python, in the order the report shows them.
BESPOKE: dict[str, Bespoke] = {
    "decade_growth": decade_growth,
    "source_disagreements": source_disagreements,
    "year_on_year": year_on_year,
}
assert tuple(BESPOKE) == BESPOKE_NAMES, "catalogue.BESPOKE must list the bespoke charts"
