"""The site's pages away from a full build: the findings computed from the data, claim titles,
the chart pages' links, the site's date. (The built site is tested in test_build.py.)"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from iwf_stats import DataError, load
from iwf_stats.claims import check, load_ledger
from iwf_stats.claims.engine import ClaimResult
from iwf_stats.report import site
from iwf_stats.report.dated import site_date
from iwf_stats.report.findings import _magnitude, findings

from conftest import DATA, edit, retext


def _findings_text(data: Path) -> list[str]:
    ds = load(data)
    ledger = load_ledger(ds)
    return findings(ds, ledger, check(ds, ledger)).sentences()


def _index(data: Path, charts: Path) -> str:
    ds = load(data)
    ledger = load_ledger(ds)
    return site.index(ds, ledger, check(ds, ledger), charts, [], site_date(ds, {}))


# --- the findings: computed, never typed ---

def test_findings_on_the_shipped_data_name_the_contradiction_and_its_size() -> None:
    ds = load(DATA)
    ledger = load_ledger(ds)
    report = check(ds, ledger)
    text = " ".join(findings(ds, ledger, report).sentences())
    article = [r for r in report.results if r.document == "seed_article"]
    held = sum(r.verdict == "supported" for r in article)
    bad = [r for r in article if r.verdict == "contradicted"]
    assert text.startswith(f"Of the {len(article)} claims in the newspaper article "
                           f"“{ds.sources['seed_article'].title}”, {held} hold, {len(bad)} is contradicted")
    cost = ds.facts["iicsa_cost_to_2020_03_hansard"]
    ratio = Decimal(cost.value) / Decimal(200_000)
    assert (f"Contradicted: What the abuse inquiry cost. The article says “£200,000”; UK Parliament "
            f"(22 June 2020) gives at least {cost.as_written}, at least {ratio:,.0f} times as much.") in text


def test_changing_a_figure_in_the_data_changes_the_findings(data_copy: Path) -> None:
    before = " ".join(_findings_text(data_copy))
    assert "£137 million" in before and "685 times" in before
    # parliament's figure doubled (value, its words, the quote and the source's text, as the loader demands)
    retext(data_copy, "hansard_lords_2020_06_22", "just over £137 million", "just over £274 million")
    quote = ("Since it was established in 2015, it has made significant progress. The cost of the "
             "inquiry to the end of March 2020 was just over £274 million.")
    edit(data_copy, "facts", {"fact_id": "iicsa_cost_to_2020_03_hansard"}, value="274000000",
         as_written="£274 million", quote=quote)
    edit(data_copy, "facts", {"fact_id": "iicsa_established_hansard"}, quote=quote)  # the same passage
    after = " ".join(_findings_text(data_copy))
    assert "£274 million" in after and "at least 1,370 times as much" in after
    assert "£137 million" not in after and "685" not in after


def test_changing_the_articles_figure_changes_the_findings(data_copy: Path) -> None:
    path = data_copy / "claims.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("£200,000", "£2,000,000"), encoding="utf-8")
    retext(data_copy, "seed_article", "£200,000", "£2,000,000")
    text = " ".join(_findings_text(data_copy))
    # 137,000,000 / 2,000,000 = 68.5, and the data's figure is a lower bound: at least 68
    assert "The article says “£2,000,000”" in text and "at least 68 times as much" in text


def test_a_claim_that_becomes_contradicted_moves_to_the_top(data_copy: Path) -> None:
    path = data_copy / "claims.toml"
    text = path.read_text(encoding="utf-8")
    old = 'stated = "March"\nkind = "date"'
    assert old in text
    text = text.replace(old, 'stated = "April"\nkind = "date"').replace("from March, under", "from April, under")
    path.write_text(text, encoding="utf-8")
    retext(data_copy, "seed_article", "from March, under", "from April, under")
    ds = load(data_copy)
    ledger = load_ledger(ds)
    found = findings(ds, ledger, check(ds, ledger))
    assert [r.id for r in found.claims[:2]] == ["article_iicsa_cost", "article_osa_from_march"]
    sentences = found.sentences()
    assert "2 are contradicted" in sentences[0]
    assert sentences[2] == ("Contradicted: When the Online Safety Act's duties began. The article says “April”; "
                            "Taylor Wessing gives 17 March 2025.")


@pytest.mark.parametrize(("computed", "stated", "bound", "words"), [
    (137_000_000, "£200,000", "at least ", "at least 685 times as much"),
    (1_050, "1,000", "", "5.0% more than stated"),
    (900, "1,000", "", "10.0% less than stated"),
    (250, "1,000", "", "4 times less than stated"),
    (250, "1,000", "at least ", "at most 4 times less than stated"),
])
def test_how_far_apart_in_words(computed: int, stated: str, bound: str, words: str) -> None:
    r = ClaimResult("c", "amount", "doc", f"it was {stated}", stated, "", "contradicted", "contradicted",
                    "", float(computed))
    assert _magnitude(r, bound) == words


def test_findings_are_escaped_on_the_page(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "claims.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'title = "What the abuse inquiry cost"', 'title = "What <b>the</b> inquiry & co cost"'), encoding="utf-8")
    page = _index(data_copy, tmp_path)
    assert "What &lt;b&gt;the&lt;/b&gt; inquiry &amp; co cost" in page
    assert "<b>the</b>" not in page


def test_index_leads_with_the_findings_then_the_table_contradicted_first() -> None:
    page = _index(DATA, Path("/nonexistent"))
    main = page[page.index("<main>"):]
    lead = main.index('class="findings"')
    table = main.index('class="claims-table"')
    assert main.index("<h1>") < lead < table < main.index("<h2>Charts</h2>")
    rows = re.findall(r'<tr id="claim-([a-z0-9_]+)">.*?badge-(\w+)', main)
    order = {"contradicted": 0, "unverifiable": 1, "supported": 2}
    assert [v for _, v in rows] == sorted((v for _, v in rows), key=order.__getitem__)
    assert rows[0] == ("article_iicsa_cost", "contradicted")
    assert len(rows) == 12


# --- claim titles ---

def test_every_article_claim_has_a_title() -> None:
    ds = load(DATA)
    for c in load_ledger(ds).claims:
        if c.document == "seed_article":
            assert c.title and c.title[0].isupper(), c.id


def test_a_claim_without_a_title_is_headed_by_its_stated_phrase() -> None:
    ds = load(DATA)
    ledger = load_ledger(ds)
    r = check(ds, ledger).result("pr_291270_webpages")
    assert r.title == f"“{r.stated}”"


@pytest.mark.parametrize(("title", "message"), [
    ("Two  spaces", "one line of words, without leading, trailing or doubled spaces"),
    (" Leading", "one line of words, without leading, trailing or doubled spaces"),
    ("A\\nsecond line", "one line of words, without leading, trailing or doubled spaces"),
    ("2024", "must be words, not only figures or punctuation"),
    ("x" * 81, "String should have at most 80 characters"),
])
def test_bad_titles_are_refused_with_file_line_and_field(data_copy: Path, title: str, message: str) -> None:
    path = data_copy / "claims.toml"
    text = path.read_text(encoding="utf-8")
    old = 'title = "What the abuse inquiry cost"'
    line = text.split("\n").index(old) + 1
    path.write_text(text.replace(old, f'title = "{title}"'), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_ledger(load(data_copy))
    assert [(p.line, p.field, p.message) for p in info.value.problems] == [(line, "title", message)]


# --- chart pages ---

def _fake_chart(folder: Path, images: list[object]) -> dict[str, object]:
    folder.mkdir(parents=True, exist_ok=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"\0" * 20
    for item in images:
        name = item["file"] if isinstance(item, dict) else item
        assert isinstance(name, str)
        (folder / name).write_bytes(png if name.endswith(".png") else b"x")
    for ext in ("csv", "json", "txt"):
        (folder / f"c.{ext}").write_text("x")
    return {"name": "c", "title": "A <chart>", "alt": 'Bars "rising" & more', "images": images,
            "sources": [{"id": "s1", "title": "Report", "url": "https://iwf.org.uk/r", "publisher": "IWF",
                         "date_published": "2025-04-01"},
                        {"id": "s2", "title": "Hansard", "url": "https://hansard.parliament.uk/x",
                         "publisher": "UK Parliament", "date_published": None}]}


def _links(page: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r'(?:href|src)="([^"]+)"', page)]


def test_chart_page_lists_every_image_the_json_names_including_new_presets(tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    images: list[object] = ["c.png", "c@2x.png", "c.svg", "c.pdf", "c-social-dark.png",
                            {"file": "c-print.pdf", "size": "print one-column", "theme": "light"}]
    meta = _fake_chart(charts, images)
    page = site.chart_page(meta, charts, site_date(load(DATA), {}))
    pages = tmp_path / "pages"
    pages.mkdir()
    local = [u for u in _links(page) if not u.startswith("https://")]
    for u in local:
        target = (pages / u.split("#")[0]).resolve()
        site_pages = ("index.html", "claims.html", "draft.html", "sources.html", "style.css")
        assert target.exists() or target.name in site_pages, u
    downloads = re.findall(r'<a href="\.\./charts/([^"]+)" download>([^<]+)</a>', page)
    assert downloads == [("c.png", "PNG"), ("c@2x.png", "PNG 2×"), ("c.svg", "SVG"), ("c.pdf", "PDF"),
                         ("c-social-dark.png", "PNG social dark"), ("c-print.pdf", "PDF print one-column light"),
                         ("c.csv", "CSV: the numbers plotted, with source ids"),
                         ("c.json", "JSON: title, sources and file list"), ("c.txt", "TXT: the alt text")]
    assert "Sources: IWF and UK Parliament. Chart: iwf-stats (CC BY 4.0)." in page
    # the embed snippet is shown, escaped, never live markup
    assert "&lt;img src=&quot;c.png&quot;" in page
    assert "alt=&quot;Bars &amp;quot;rising&amp;quot; &amp;amp; more&quot;" in page
    assert "<chart>" not in page


def test_chart_page_never_links_a_file_outside_charts(tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    meta = _fake_chart(charts, ["c.png"])
    meta["images"] = ["c.png", "../index.html", "/etc/passwd", "missing.svg"]
    page = site.chart_page(meta, charts, site_date(load(DATA), {}))
    downloads = re.findall(r'<a href="\.\./charts/([^"]+)" download>', page)
    assert downloads == ["c.png", "c.csv", "c.json", "c.txt"]


# --- the site's date ---

def test_site_date_comes_from_source_date_epoch() -> None:
    ds = load(DATA)
    dated = site_date(ds, {"SOURCE_DATE_EPOCH": "1767225600"})
    assert dated.day == date(2026, 1, 1) and dated.sentence == "Built 1 January 2026."


def test_site_date_otherwise_is_the_latest_sources_date() -> None:
    ds = load(DATA)
    latest = max(s.date_published for s in ds.sources.values() if s.date_published)
    for env in ({}, {"SOURCE_DATE_EPOCH": ""}):
        dated = site_date(ds, env)
        assert dated.day == latest and not dated.from_env
        assert dated.sentence == f"Dated {latest.day} {latest:%B %Y}, the publication date of the latest source."


@pytest.mark.parametrize("bad", ["yesterday", "-1", "1.5", "١٢٣", "9" * 13])
def test_a_bad_source_date_epoch_is_refused(bad: str) -> None:
    with pytest.raises(DataError) as info:
        site_date(load(DATA), {"SOURCE_DATE_EPOCH": bad})
    [p] = info.value.problems
    assert (p.path, p.field) == ("environment", "SOURCE_DATE_EPOCH")
    assert p.message.startswith("must be a whole number of seconds since 1970-01-01 UTC")


def test_every_page_has_the_footer_with_licence_credit_and_date(data_copy: Path, tmp_path: Path) -> None:
    ds = load(data_copy)
    ledger = load_ledger(ds)
    report = check(ds, ledger)
    dated = site_date(ds, {"SOURCE_DATE_EPOCH": "1767225600"})
    meta = _fake_chart(tmp_path / "charts", ["c.png"])
    pages = [site.index(ds, ledger, report, tmp_path, [], dated), site.claims(ds, report, dated),
             site.sources(ds, dated), site.notebook_page("n", "<p>x</p>", "", dated),
             site.chart_page(meta, tmp_path / "charts", dated)]
    for page in pages:
        footer = page[page.index("<footer>"):page.index("</footer>")]
        assert "CC BY 4.0" in footer and "“iwf-stats”" in footer and "Code: MIT" in footer
        assert '<time datetime="2026-01-01">Built 1 January 2026.</time>' in footer


def test_the_build_refuses_a_bad_source_date_epoch_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "build", "--out", str(out), str(data)],
                         capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "soon"})
    assert run.returncode == 2
    assert "environment: SOURCE_DATE_EPOCH: must be a whole number of seconds" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()
