"""What every chart is made of: the `Chart` record a drawing returns, the options it is
drawn with, and the small drawing helpers the kinds and the bespoke charts share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..claims import CheckReport
from ..numbers import fmt_count
from ..records import Break, Observation, Series
from .style import DEFAULT_LOOK, SOURCE_PT, Look


@dataclass(frozen=True)
class Options:
    """How to draw: the look (size, theme) and, for the charts that show a claim, the claims."""

    look: Look = DEFAULT_LOOK
    report: CheckReport | None = None


@dataclass
class Chart:
    """A drawn chart and everything exported beside it: exactly the rows plotted (CSV), the
    sources (source line, JSON), and alt text generated from the same numbers."""

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


def new_figure(look: Look) -> tuple[Figure, Axes]:
    from .api import HouseFigure

    fig = HouseFigure(figsize=(look.size.width_in, look.size.height_in), dpi=look.size.dpi)
    return fig, fig.add_subplot()


def axis_number(v: float) -> str:
    """A tick label: '275,000', or '30m' from ten million up, so that the tick labels of
    NCMEC's tens of millions fit the same margin as the IWF's hundreds of thousands."""
    if abs(v) >= 10_000_000:
        return f"{v / 1_000_000:,.10g}m"
    return fmt_count(int(v)) if v == int(v) else f"{v:,.1f}"


def thousands(ax: Axes, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: axis_number(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def percent_axis(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))


def pct(v: float | Decimal, places: int = 1, sign: bool = False) -> str:
    return f"{float(v):{'+' if sign else ''},.{places}f}%"


def small(n: int) -> str:
    """House style: whole numbers up to ten in words."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else fmt_count(n)


def lower_first(text: str) -> str:
    """'Webpages actioned' → 'webpages actioned', but 'AI-generated …' stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def value_text(o: Observation, series: Series) -> str:
    """A value as a sentence gives it: '291,273 webpages', '29%'."""
    if series.unit == "percent":
        return f"{o.value}%"
    return f"{fmt_count(o.value)} {series.counts}"


def year_ticks(years: Sequence[int], keep: int | None = None) -> list[int]:
    """Every year, or every other one when there are many, always including `keep` (the
    highlighted or latest year), so the bar a chart talks about has its year under it."""
    if len(years) <= 8:
        return list(years)
    anchor = keep if keep is not None else years[-1]
    return [y for y in years if (y - anchor) % 2 == 0]


def breaks_within(breaks: Sequence[Break], series_ids: Sequence[str], first: int, last: int) -> list[Break]:
    """The breaks that fall inside a span of years: a break in the first year shown splits nothing."""
    return [b for b in breaks if b.series_id in series_ids and first < b.year <= last]


def draw_breaks(ax: Axes, breaks: Sequence[Break], look: Look) -> None:
    """A dashed vertical rule between the last year before a break and the first after it,
    with the break's short label at the top."""
    for b in dict.fromkeys((b.year, b.label) for b in breaks):
        year, label = b
        ax.axvline(year - 0.5, color=look.theme.grey, lw=look.pt(1.1), ls=(0, (4, 3)), zorder=1.5)
        # In the right half the label runs leftwards from the rule, so it never leaves the chart.
        left, right = ax.get_xlim()
        on_right = year - 0.5 > (left + right) / 2
        ax.text(year - 0.5, 1.0, f"{label} " if on_right else f" {label}", transform=ax.get_xaxis_transform(),
                ha="right" if on_right else "left", va="top", fontsize=look.pt(SOURCE_PT - 1),
                color=look.theme.grey)


def breaks_note(breaks: Sequence[Break]) -> str:
    """'Dashed line: 2014, proactive searching begins; …' from the breaks' own labels, each
    said once however many of the chart's series share it."""
    said = dict.fromkeys(f"{b.year}, {b.label}" for b in breaks)
    return "Dashed line: " + "; ".join(said) + ": the years either side are not like for like."


def breaks_alt(breaks: Sequence[Break]) -> str:
    said = dict.fromkeys((b.year, lower_first(b.description or b.label).rstrip(".")) for b in breaks)
    return " ".join(f"A dashed line marks a break in the series in {year}: {text}." for year, text in said)


def breaks_json(breaks: Sequence[Break]) -> list[dict[str, object]]:
    return [{"series_id": b.series_id, "year": b.year, "label": b.label, "description": b.description,
             "source_id": b.source_id} for b in breaks]
