"""The house style: one palette, one type scale, laid out for each size and theme.

Type is DejaVu Sans, which ships inside matplotlib (pinned in requirements.lock), so a
chart looks the same on every machine whatever fonts it has installed; SVG text is
drawn as paths for the same reason (unless an editable export is asked for). Every length
and font size is given for the web size (640×480 at 100 dpi) and scaled by the width of the
size asked for (capped by its height), so a social card or a print column keeps the
proportions.

Type is sized for the reader, not the file: no text is smaller than `MIN_TEXT_PX` (9) CSS
pixels where the chart is read (`Size.read_px`: a screen size on a phone 400 px wide; a
print size at its printed size, 96 CSS px to the inch, so 6.75 pt). `Look.font` raises any
font size that scaling would take below that; `charts/layout.py` checks the drawn result.

Colours are the Okabe–Ito palette's hues in shades that keep their contrast (WCAG 2) on
each theme's background: text at least 4.5:1, marks at least 3:1. `contrast` computes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from matplotlib.colors import to_rgb

#: Okabe–Ito, the palette most colour-vision deficiencies can still tell apart, with the
#: shades each theme needs to keep contrast: a deeper vermillion for text on white (the
#: original is 3.9:1) and a mid grey for comparison bars (the light grey was 1.8:1).
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "deep_vermillion": "#BD4E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#6B6B6B",
    "mid_grey": "#8C8C8C",
    "ink": "#222222",
}
MAIN, ACCENT, MUTED = PALETTE["blue"], PALETTE["deep_vermillion"], PALETTE["mid_grey"]

#: Export size of the default (web) chart, in pixels (the 2× file doubles both).
WIDTH_PX, HEIGHT_PX, DPI = 640, 480, 100

TITLE_PT, SUBTITLE_PT, BODY_PT, SOURCE_PT = 17, 13, 13, 11
#: The smallest type the charts use at the web size (labels on crowded bars, break labels).
SMALL_PT = 10.5
MM = 1 / 25.4

#: No text smaller than this many CSS pixels (1/96 inch) where the chart is read.
MIN_TEXT_PX = 9
#: The narrowest screen a chart is read on: a phone, the site's single column.
PHONE_PX = 400
#: CSS pixels per inch of a printed page (the CSS reference pixel).
PRINT_PX_PER_IN = 96
#: WCAG 2 minimum contrast ratios against what lies behind: text (AA) and marks (non-text).
TEXT_CONTRAST, MARK_CONTRAST = 4.5, 3.0


@dataclass(frozen=True)
class Size:
    """A named export size. Lengths and font sizes in the charts are written for the web size
    and multiplied by `scale`: the width relative to the web size's, capped by the height's,
    so a wide card keeps room for the plot between its title and its source line."""

    name: str
    width_in: float
    height_in: float
    dpi: int
    description: str
    #: The narrowest width, in CSS pixels, the image is read at; None: read in print, at its size.
    read_px: int | None = None

    @property
    def css_px_per_inch(self) -> float:
        """CSS pixels a figure inch becomes where the chart is read: a screen image squeezed to
        `read_px`, or a printed one at 96 to the inch."""
        return self.read_px / self.width_in if self.read_px else PRINT_PX_PER_IN

    @property
    def min_font_pt(self) -> float:
        """The smallest font size, in points of the figure, that is `MIN_TEXT_PX` where the chart
        is read (rounded up to a hundredth of a point)."""
        return math.ceil(MIN_TEXT_PX * 72 / self.css_px_per_inch * 100 - 1e-9) / 100

    @property
    def scale(self) -> float:
        return min(self.width_in / (WIDTH_PX / DPI), self.height_in / (HEIGHT_PX / DPI))

    @property
    def retina(self) -> bool:
        """Screen sizes also get a 2× PNG; print sizes are already at 300 dpi."""
        return self.dpi < 200

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width_in * self.dpi), round(self.height_in * self.dpi)


@dataclass(frozen=True)
class Theme:
    """Colours for one background. Text colours (`ink`, `grey`, `main`, `accent`) are at
    least 4.5:1 against it, mark colours (`main`, `accent`, `muted`, `lines`) at least 3:1;
    `grid` is a faint guide, not a mark. A test holds every theme to this."""

    name: str
    background: str
    ink: str
    grey: str
    grid: str
    main: str
    accent: str
    muted: str
    lines: tuple[str, ...]


SIZES: dict[str, Size] = {s.name: s for s in (
    Size("web", WIDTH_PX / DPI, HEIGHT_PX / DPI, DPI, "640×480 px, the site's size; the default", PHONE_PX),
    Size("social", 12.0, 6.75, DPI, "1200×675 px, a social card", PHONE_PX),
    Size("square", 10.8, 10.8, DPI, "1080×1080 px", PHONE_PX),
    Size("print1", 88 * MM, 70 * MM, 300, "one print column, 88 mm wide, at 300 dpi"),
    Size("print2", 180 * MM, 110 * MM, 300, "two print columns, 180 mm wide, at 300 dpi"),
)}

THEMES: dict[str, Theme] = {t.name: t for t in (
    Theme("light", "white", PALETTE["ink"], PALETTE["grey"], "#E3E3E3", MAIN, ACCENT, MUTED,
          (MAIN, ACCENT, PALETTE["green"], PALETTE["ink"])),
    Theme("dark", "#1A1A1A", "#F2F2F2", "#B3B3B3", "#3A3A3A", PALETTE["sky"], PALETTE["orange"],
          PALETTE["mid_grey"], (PALETTE["sky"], PALETTE["orange"], PALETTE["green"], "#F2F2F2")),
)}


@dataclass(frozen=True)
class Look:
    """A size, a theme and whether exported text stays editable: everything the house style
    varies. Charts ask it for lengths (`inch`), font sizes (`pt`) and colours (`theme`)."""

    size: Size = field(default_factory=lambda: SIZES["web"])
    theme: Theme = field(default_factory=lambda: THEMES["light"])
    editable: bool = False

    def pt(self, points: float) -> float:
        """A length in points (a line width, an offset), scaled to the size."""
        return points * self.size.scale

    def font(self, points: float) -> float:
        """A font size: `points` at the web size, scaled to the size, and never below the size's
        readable minimum (`Size.min_font_pt`), so no text is under 9 CSS px where it is read."""
        return max(points * self.size.scale, self.size.min_font_pt)

    def inch(self, inches: float) -> float:
        return inches * self.size.scale

    @property
    def suffix(self) -> str:
        """What the file names add for this look: nothing for the defaults."""
        parts = [p for p, default in ((self.size.name, "web"), (self.theme.name, "light")) if p != default]
        return "".join(f"-{p}" for p in parts)

    def rc(self) -> dict[str, Any]:
        t, pt, font = self.theme, self.pt, self.font
        return {
            "font.family": "DejaVu Sans",
            "font.size": font(BODY_PT),
            "text.color": t.ink,
            "text.parse_math": False,  # data text ("$", "_") is never read as mathtext
            # Text measured as PDF and SVG measure it, so that the vector files, played back
            # from the PNG's drawing (`export._write_chart`), set every text where the PNG does.
            "text.hinting": "no_hinting",
            "axes.labelcolor": t.ink,
            "axes.edgecolor": t.grey,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.spines.left": False,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "axes.axisbelow": True,
            "axes.titlesize": font(TITLE_PT),
            "axes.labelsize": font(BODY_PT),
            "axes.linewidth": pt(0.8),
            "grid.color": t.grid,
            "grid.linewidth": pt(0.8),
            "lines.linewidth": pt(1.5),
            "xtick.color": t.ink,
            "ytick.color": t.ink,
            "xtick.labelsize": font(BODY_PT - 1),
            "ytick.labelsize": font(BODY_PT - 1),
            "xtick.major.size": pt(3.5),
            "xtick.major.width": pt(0.8),
            "xtick.major.pad": pt(3.5),
            "ytick.major.pad": pt(3.5),
            "ytick.left": False,
            "legend.frameon": False,
            "legend.fontsize": font(BODY_PT - 1),
            "figure.facecolor": t.background,
            "axes.facecolor": t.background,
            "savefig.facecolor": t.background,
            "figure.dpi": self.size.dpi,
            "savefig.dpi": self.size.dpi,
            # Reproducible files: fixed SVG ids, no dates or versions in metadata; text as paths
            # (or, editable, as text with TrueType fonts embedded).
            "svg.hashsalt": "iwf-stats",
            "svg.fonttype": "none" if self.editable else "path",
            "pdf.fonttype": 42 if self.editable else 3,  # Type 3: five times faster to write
            "path.simplify": False,
        }


DEFAULT_LOOK = Look()
#: The default look's rcParams, for code that styles outside a chart.
RC: dict[str, Any] = DEFAULT_LOOK.rc()


def look(size: str | None = None, theme: str | None = None, editable: bool = False) -> Look:
    """The look for a size and theme name; ValueError naming the known ones otherwise."""
    s, t = (size or "web").lower(), (theme or "light").lower()
    if s not in SIZES:
        raise ValueError(f"unknown size {size!r}; known: {', '.join(SIZES)}")
    if t not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(THEMES)}")
    return Look(SIZES[s], THEMES[t], editable)


Colour = str | tuple[float, float, float] | tuple[float, float, float, float]


def luminance(colour: Colour) -> float:
    """WCAG 2 relative luminance of a colour (any matplotlib colour; alpha ignored)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Colour, b: Colour) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: Metadata for savefig, per format: everything that would vary between runs removed.
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
