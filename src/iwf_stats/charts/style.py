"""The house style: one palette, one type scale, one export size for every chart.

Type is DejaVu Sans, which ships inside matplotlib (pinned in requirements.lock), so a
chart looks the same on every machine whatever fonts it has installed; SVG text is
drawn as paths for the same reason. Sizes are chosen for phones: a 640-pixel chart shown
400 pixels wide still has 10-pixel tick labels.
"""

from __future__ import annotations

from typing import Any

#: Okabe–Ito, the palette most colour-vision deficiencies can still tell apart.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#6B6B6B",
    "light": "#BFBFBF",
    "ink": "#222222",
}
MAIN, ACCENT, MUTED = PALETTE["blue"], PALETTE["vermillion"], PALETTE["light"]

#: Export size of every chart, in pixels (the 2× file doubles both).
WIDTH_PX, HEIGHT_PX, DPI = 640, 480, 100

TITLE_PT, SUBTITLE_PT, BODY_PT, SOURCE_PT = 17, 13, 13, 11

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": BODY_PT,
    "text.color": PALETTE["ink"],
    "axes.labelcolor": PALETTE["ink"],
    "axes.edgecolor": PALETTE["grey"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": BODY_PT,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "xtick.color": PALETTE["ink"],
    "ytick.color": PALETTE["ink"],
    "xtick.labelsize": BODY_PT - 1,
    "ytick.labelsize": BODY_PT - 1,
    "ytick.left": False,
    "legend.frameon": False,
    "legend.fontsize": BODY_PT - 1,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    # Reproducible files: fixed SVG ids, text as paths, no dates or versions in metadata.
    "svg.hashsalt": "iwf-stats",
    "svg.fonttype": "path",
    "pdf.fonttype": 3,  # Type 3: five times faster to write than 42, same look
    "path.simplify": False,
    # Text from the data is text: "$…$" is never read as mathtext.
    "text.parse_math": False,
}

#: Metadata for savefig, per format: everything that would vary between runs removed.
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
