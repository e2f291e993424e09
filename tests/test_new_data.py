"""New data never produces a false statement.

Two edits of a private copy of data/: a synthetic next year appended (made-up figures, with
their own saved source text), and the latest year removed. For each, every chart is drawn and
the site's pages are written, and every percentage or ratio they print (title, subtitle, alt
text, note, CSV) must follow from the counts printed beside it: either an explicit sum
("a / b − 1 = c%") that holds, or a rounding of some ratio of the chart's own counts, or a
percentage the sources published (quoted as written). The decade chart's JSON records its
arithmetic, which is recomputed from its CSV.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from itertools import permutations
from pathlib import Path

import pytest

from iwf_stats import DataError, load
from iwf_stats.charts import Chart, chart, chart_names
from iwf_stats.claims import CheckReport, check, load_ledger
from iwf_stats.dataset import Dataset
from iwf_stats.report import site

from conftest import append, edit, read_rows, write_rows

TODAY = date(2026, 6, 1)
NEXT = {"webpages_actioned": 312456, "reports_assessed": 468123}
_PCT = re.compile(r"(?<![\w.,])([+−-]?)(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?%")
_SUM = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+) / (\d{1,3}(?:,\d{3})*|\d+)( − 1)? = ([+−-]?[\d,]+(?:\.\d+)?)%")
_INT = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?![\d.,%]|\.\d)")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_next_year(data: Path) -> int:
    """Append made-up figures for the year after the latest, with their saved source text."""
    year = max(int(r["year"]) for r in read_rows(data / "observations.csv")[1]
               if r["series_id"] == "webpages_actioned") + 1
    sentence = (f"In {year} the IWF assessed {NEXT['reports_assessed']:,} reports and acted on "
                f"{NEXT['webpages_actioned']:,} webpages.")
    text = data / "sources" / "synthetic_release.txt"
    url = "https://www.iwf.org.uk/news-media/news/synthetic-figures"
    text.write_text(f"address: {url}\ntaken: 2026-05-01 (made up for a test)\n---\n{sentence}\n",
                    encoding="utf-8")
    append(data, "sources", {"source_id": "synthetic_release", "publisher_id": "iwf", "kind": "primary_report",
                             "title": "Synthetic figures (test)", "url": url,
                             "date_published": f"{year + 1}-01-20", "text_sha256": _sha(text)})
    for series, wording in (("webpages_actioned", "webpages"), ("reports_assessed", "reports")):
        append(data, "observations", {"series_id": series, "year": str(year), "value": str(NEXT[series]),
                                      "as_written": f"{NEXT[series]:,}", "rounding": "exact",
                                      "source_id": "synthetic_release", "wording": wording, "quote": sentence})
    return year


def remove_latest_year(data: Path) -> int:
    """Drop the latest year of the headline series, then the passages nothing quotes any more."""
    header, rows = read_rows(data / "observations.csv")
    headline = {"webpages_actioned", "reports_assessed", "reports_actioned_incl_newsgroups"}
    year = max(int(r["year"]) for r in rows if r["series_id"] == "webpages_actioned")
    write_rows(data / "observations.csv", header,
               [r for r in rows if not (r["series_id"] in headline and int(r["year"]) == year)])
    _prune_unused_passages(data)
    return year


def _prune_unused_passages(data: Path) -> None:
    ds = load(data, today=TODAY)
    try:
        load_ledger(ds)
        return
    except DataError as e:
        unused = [p for p in e.problems if p.field == "passage"]
        assert unused and len(unused) == len(e.problems), e.report()
    for source_id, text in ds.source_texts.items():
        drop = {p.line for p in unused if p.path == text.shown}
        if not drop:
            continue
        kept = [p.text for p in text.passages if p.line not in drop]
        path = data / "sources" / f"{source_id}.txt"
        if not kept:  # nothing quotes the source any more: it leaves the dataset
            path.unlink()
            header, rows = read_rows(data / "sources.csv")
            write_rows(data / "sources.csv", header, [r for r in rows if r["source_id"] != source_id])
            continue
        head = "\n".join(f"{k}: {v}" for k, v in text.header.items())
        path.write_text(head + "".join(f"\n---\n{p}" for p in kept) + "\n", encoding="utf-8")
        edit(data, "sources", {"source_id": source_id}, text_sha256=_sha(path))


# --- the check: every printed percentage follows from the printed counts ---

def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


def _follows(printed: Decimal, places: int, counts: set[int]) -> bool:
    """Some ratio of two printed counts, as a share or a change, rounds to the printed figure."""
    half = Decimal(5) / Decimal(10) ** (places + 1) + Decimal("1e-9")
    for a, b in permutations(sorted(c for c in counts if c > 0), 2):
        ratio = Decimal(b) / Decimal(a) * 100
        if abs(ratio - printed) <= half or abs(ratio - 100 - printed) <= half:
            return True
    return False


def _sums_hold(text: str) -> list[str]:
    """Every explicit sum printed as "a / b − 1 = c%" or "a / b = c%" is right."""
    wrong = []
    for m in _SUM.finditer(text):
        a, b, minus, c = _num(m.group(1)), _num(m.group(2)), m.group(3), m.group(4)
        true = (a / b - (1 if minus else 0)) * 100
        places = len(c.split(".")[1]) if "." in c else 0
        if abs(true - _num(c)) > Decimal(5) / Decimal(10) ** (places + 1) + Decimal("1e-9"):
            wrong.append(m.group(0))
    return wrong


def _published_percentages(ds: Dataset) -> set[str]:
    return {o.as_written for o in ds.observations if ds.series[o.series_id].unit == "percent"}


def _unfounded(chart: Chart, ds: Dataset) -> list[str]:
    texts = [chart.title, chart.subtitle, chart.alt, chart.note or ""]
    cells = [str(v) for row in chart.rows for v in row]
    counts = {int(v) for row in chart.rows for v in row if isinstance(v, int)}
    counts |= {int(_num(m.group(0))) for t in texts for m in _INT.finditer(t)}
    published = _published_percentages(ds)
    bad = [s for t in texts for s in _sums_hold(t)]
    for t in texts:
        for m in _PCT.finditer(t):
            token = m.group(0).lstrip("+−-")
            value = _num(m.group(1) + m.group(2) + (m.group(3) or ""))
            places = len(m.group(3) or ".")-1
            if token in published or _follows(value, places, counts):
                continue
            bad.append(f"{m.group(0)} in {t!r}")
    # derived percentages in the CSV: columns about percentages, or rows whose unit is percent
    for i, col in enumerate(chart.columns):
        if "percent" in col or "per_100" in col:
            for row in chart.rows:
                v = str(row[i])
                if v and "share" not in col and not _follows(_num(v), len(v.split(".")[1]) if "." in v else 0, counts):
                    bad.append(f"{col}={v} in the CSV")
    for row in chart.rows:
        if "percent" in [str(v) for v in row] and not _follows(_num(str(row[1])), 2, counts):
            bad.append(f"{row} in the CSV")
    for step in chart.extra.get("arithmetic", []):  # type: ignore[attr-defined]
        true = (Decimal(step["to"]) / Decimal(step["from"]) - 1) * 100
        if f"{true:.2f}" != step["percent"] or str(step["from"]) not in cells or str(step["to"]) not in cells:
            bad.append(f"arithmetic {step}")
    return bad


class Ctx:
    def __init__(self, ds: Dataset, report: CheckReport) -> None:
        self.ds, self.report = ds, report


def _charts(ds: Dataset) -> tuple[Ctx, dict[str, Chart]]:
    ctx = Ctx(ds, check(ds, load_ledger(ds)))
    return ctx, {name: chart(name, ds, report=ctx.report).chart for name in chart_names(ds)}


def _site_wrong(ctx: Ctx, charts_dir: Path) -> list[str]:
    from iwf_stats.report.dated import site_date

    dated = site_date(ctx.ds, {})
    pages = [site.index(ctx.ds, load_ledger(ctx.ds), ctx.report, charts_dir, [], dated),
             site.claims(ctx.ds, ctx.report, dated),
             *(site.chart_page(meta, charts_dir, dated) for meta in site.chart_meta(ctx.ds, charts_dir))]
    text = re.sub(r"<[^>]+>", " ", "\n".join(pages))
    return [s for s in _sums_hold(text)]


def _every_statement_follows(ds: Dataset, tmp_path: Path) -> dict[str, Chart]:
    from iwf_stats.charts import render

    ctx, charts = _charts(ds)
    wrong = {name: _unfounded(chart, ds) for name, chart in charts.items()}
    assert {k: v for k, v in wrong.items() if v} == {}
    render(ds, tmp_path / "charts", formats=["svg"], report=ctx.report)
    assert _site_wrong(ctx, tmp_path / "charts") == []
    return charts


# --- the tests ---

def test_the_shipped_data_prints_only_what_follows(tmp_path: Path) -> None:
    from conftest import DATA

    _every_statement_follows(load(DATA, today=TODAY), tmp_path)


def test_a_synthetic_next_year(data_copy: Path, tmp_path: Path) -> None:
    year = add_next_year(data_copy)
    ds = load(data_copy, today=TODAY)
    charts = _every_statement_follows(ds, tmp_path)
    # the decade chart keeps to the claim's years and arithmetic, whatever the latest year
    decade = charts["decade_growth"]
    assert [r[0] for r in decade.rows[:2]] == ["2014", "2024"]
    assert "291,273 / 31,266 − 1 = 831.6%" in decade.subtitle
    assert str(year) not in decade.title + decade.subtitle + decade.alt
    # the charts that follow the data do show the new year
    assert [year, NEXT["webpages_actioned"], "synthetic_release", "webpages"] in charts["webpages_actioned"].rows
    assert charts["year_on_year"].rows[-1][:4] == [year - 1, year, 291273, NEXT["webpages_actioned"]]


def test_the_latest_year_removed(data_copy: Path, tmp_path: Path) -> None:
    year = remove_latest_year(data_copy)
    ds = load(data_copy, today=TODAY)
    charts = _every_statement_follows(ds, tmp_path)
    decade = charts["decade_growth"]
    assert decade.title == f"Webpages actioned, 2014 and {year}: the growth cannot be computed"
    assert "%" not in decade.title + decade.subtitle + decade.alt
    assert max(r[0] for r in charts["webpages_actioned"].rows) == year - 1


def test_the_check_catches_a_chart_that_mixes_years(data_copy: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug this file exists for: the latest year set against the claim's growth."""
    add_next_year(data_copy)
    ds = load(data_copy, today=TODAY)
    ctx, charts = _charts(ds)
    good = charts["decade_growth"]
    a = ds.preferred("webpages_actioned", 2014)
    b = ds.preferred("webpages_actioned", max(ds.years("webpages_actioned")))
    assert a is not None and b is not None
    growth = ctx.report.result("article_830_percent").computed_number
    mixed = Chart(good.name, good.title, f"{b.value:,} / {a.value:,} − 1 = {growth:.1f}%", good.figure,
                  good.columns, [[str(a.year), a.value, "webpages", a.source_id],
                                 [str(b.year), b.value, "webpages", b.source_id],
                                 ["growth", f"{growth:.2f}", "percent", "computed"]],
                  good.source_ids, f"An increase of {growth:.1f}%.", good.note,
                  {"arithmetic": [{"from": a.value, "to": b.value, "percent": f"{growth:.2f}"}]})
    found = _unfounded(mixed, ds)
    assert "312,456 / 31,266 − 1 = 831.6%" in found
    assert any(f.startswith("arithmetic") for f in found)
    assert any("in the CSV" in f for f in found)
