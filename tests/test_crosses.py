"""`layout._crosses` grows a text's box only for the kind of obstacle it is tested against
(marks, lines, or both): its answer is the one the formula testing both gives, for every
text and every obstacle of charts with data lines, markers, bars, rules and arrows, at
margins either side of zero."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.transforms import Bbox

from iwf_stats import Dataset, chart, load
from iwf_stats.charts.api import chart_names
from iwf_stats.charts.layout import _crosses, _Obstacle, _obstacles, _polyline_hits, _shared, drawn_texts

from conftest import DATA


def both(box: Bbox, ob: _Obstacle, margin: float) -> bool:
    """The formula as it was: both boxes grown, whatever the obstacle holds."""
    def grown(pad: float) -> Bbox | None:
        out = Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
        return Bbox.intersection(out, ob.clip) if ob.clip is not None else out

    marks, line = grown(margin), grown(ob.half_width + margin)
    return (marks is not None and any(min(_shared(marks, b)) > 0 for b in ob.boxes)) or (
        line is not None and any(_polyline_hits(p, line) for p in ob.polylines))


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load(DATA)


@pytest.mark.parametrize("size", ["web", "print2"])
def test_crosses_answers_as_the_formula_testing_both(ds: Dataset, size: str) -> None:
    tested = crossed = 0
    for name in chart_names(ds):
        fig = chart(name, ds, size=size)
        texts = drawn_texts(fig)
        with matplotlib.rc_context(fig.look.rc()):  # type: ignore[arg-type]
            obstacles = list(_obstacles(fig, fig.canvas.get_renderer()))  # type: ignore[attr-defined]
        assert any(ob.boxes for ob in obstacles) or any(ob.polylines for ob in obstacles)
        for _, _, box in texts:
            for grow in (0.0, 3.0, 12.0, 40.0):  # boxes grown until they reach the lines
                big = Bbox.from_extents(box.x0 - grow, box.y0 - grow, box.x1 + grow, box.y1 + grow)
                for ob in obstacles:
                    for margin in (-0.5, 1.0, 1.5):
                        expected = both(big, ob, margin)
                        assert _crosses(big, ob, margin) == expected, (name, ob.name, margin)
                        tested += 1
                        crossed += expected
    assert tested > 1000 and 0 < crossed < tested  # both answers are seen
