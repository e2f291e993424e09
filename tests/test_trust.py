"""Trust: every quote checked against the source text saved in the repository, series
definitions that can fail, breaks, totals, gaps and superseded figures. Each rule is fed bad
data and must name the file, line and field. Nothing here reads outside the repository."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from iwf_stats import DataError, Problem, load
from iwf_stats.charts import chart as draw_chart
from iwf_stats.claims import check, load_ledger
from iwf_stats.sourcetext import Passage, SourceText, normalise, parts

from conftest import DATA, REPO, TODAY, append, edit, read_rows, retext

PR24 = {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_pr_2025_01_22"}
HEADLINE = ("reports_assessed", "webpages_actioned", "reports_actioned_incl_newsgroups")


def problems(data_dir: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load(data_dir, today=TODAY)
    return info.value.problems


def ledger_problems(data_dir: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_ledger(load(data_dir, today=TODAY))
    return info.value.problems


def path(d: Path, name: str) -> str:
    return str(d / name)


# --- the source text lives in the repository ---

def test_every_source_has_its_text_and_every_hash_matches() -> None:
    ds = load(DATA, today=TODAY)
    for s in ds.sources.values():
        text = DATA / "sources" / f"{s.source_id}.txt"
        assert hashlib.sha256(text.read_bytes()).hexdigest() == s.text_sha256, s.source_id
        assert ds.source_texts[s.source_id].header["address"] == (s.url or "")


def test_every_quote_occurs_and_every_passage_is_used() -> None:
    ds = load(DATA, today=TODAY)
    ledger = load_ledger(ds)  # raises if a passage is unused or a claim's quote is not in its text
    for o in ds.observations:
        assert ds.source_texts[o.source_id].find(o.quote), o
    for c in ledger.claims:
        assert ds.source_texts[c.document].find(c.quote), c.id


def test_no_code_or_test_reads_outside_the_repository() -> None:
    # The research folder beside the checkout, spelt so that this guard does not match itself.
    needle = "/".join(["sha" + "red", "sources"])
    offenders = [str(p.relative_to(REPO)) for p in [*REPO.glob("src/**/*.py"), *REPO.glob("tests/*.py")]
                 if needle in p.read_text(encoding="utf-8") or "SHARED_" + "SOURCES" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_normalising_only_whitespace_and_typographic_quotes() -> None:
    assert normalise("2024’s  “figures”\n  rose") == "2024's \"figures\" rose"
    assert parts("…with 2024’s figures … on 31,260 webpages.") == ["with 2024's figures", "on 31,260 webpages."]
    assert normalise("29%") != normalise("29 %")  # nothing but whitespace runs and quotes


@pytest.mark.parametrize("count", [1, 8, 9, 40])
def test_a_quote_is_found_the_same_in_a_short_file_and_through_the_word_index(count: int) -> None:
    """Files of up to eight passages are scanned whole, longer ones through an index of their
    words: either way a quote is found in the passage that holds it, a quote cut with "…"
    in each of its passages, and a quote no passage holds is not found."""
    passages = tuple(Passage(2 + 2 * i, f"In {2000 + i} the hotline acted on {1000 + i:,} webpages.")
                     for i in range(count))
    text = SourceText("s", "s.txt", {}, passages, "")
    last = passages[-1]
    assert text.find(f"the hotline acted on {1000 + count - 1:,} webpages") == (last,)
    cut = f"In 2000 the hotline … acted on {1000 + count - 1:,}"
    assert text.find(cut) == tuple(dict.fromkeys((passages[0], last)))
    assert text.find(f"the hotline acted on {1000 + count:,} webpages") is None
    assert text.find("acted on 999 webpages") is None
    assert bool(text._words) == (count > 8), "only a file of more than eight passages is indexed"


def test_a_quote_that_is_not_in_the_source_text(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, quote=(
        "in 2024, the IWF acted to remove images or videos of children suffering sexual abuse, or links "
        "to that material, on 291,270 webpages."))
    assert problems(data_copy) == [Problem(path(data_copy, "observations.csv"), line, "quote",
                                           f"does not occur in {data_copy / 'sources' / 'iwf_pr_2025_01_22.txt'}")]


def test_a_quote_with_typographic_apostrophes_matches_straight_ones(data_copy: Path) -> None:
    # the saved text has "2024’s"; a quote typed with a straight apostrophe still occurs
    edit(data_copy, "observations", {**PR24, "year": "2014"},
         quote="with 2024's figures showing an 830 per cent increase on the 31,260 webpages found")
    load(data_copy, today=TODAY)


def test_an_altered_source_text_fails_its_hash(data_copy: Path) -> None:
    text = data_copy / "sources" / "iwf_ar_2023.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("392,665", "392,666"), encoding="utf-8")
    found = problems(data_copy)
    line = next(i for i, r in enumerate(read_rows(data_copy / "sources.csv")[1], 2) if r["source_id"] == "iwf_ar_2023")
    assert Problem(path(data_copy, "sources.csv"), line, "text_sha256",
                   f"does not match {text} (its SHA-256 is {hashlib.sha256(text.read_bytes()).hexdigest()})") in found
    # and the quote of 392,665 no longer occurs in it
    assert any(p.field == "quote" and p.path.endswith("observations.csv") for p in found)


@pytest.mark.parametrize("where", [".", "sources", "sources/..", "elsewhere"])
def test_a_source_texts_path_is_shown_as_the_user_would_type_it(
        data_copy: Path, where: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Relative to the working folder where the file lies below it (`x.txt` from inside the
    folder of texts, not `./x.txt`), absolute otherwise; the same for every kind of problem."""
    texts = data_copy / "sources"
    text = texts / "iwf_ar_2023.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("392,665", "392,666"), encoding="utf-8")
    (texts / "nobody.txt").write_text("address: \ntaken: 2026-01-01\n---\nx\n")
    monkeypatch.chdir(data_copy / where if where != "elsewhere" else tmp_path_factory.mktemp("elsewhere"))
    expected = {".": "sources/", "sources": "", "sources/..": "sources/", "elsewhere": str(texts) + "/"}[where]
    found = problems(data_copy)
    assert f"does not match {expected}iwf_ar_2023.txt " in next(p.message for p in found if p.field == "text_sha256")
    assert f"{expected}nobody.txt" in [p.path for p in found if p.field == "(file)"]


def test_a_missing_and_a_stray_source_text(data_copy: Path) -> None:
    (data_copy / "sources" / "cpc_2017.txt").unlink()
    (data_copy / "sources" / "nobody.txt").write_text("address: \ntaken: 2026-01-01\n---\nx\n")
    found = problems(data_copy)
    line = next(i for i, r in enumerate(read_rows(data_copy / "sources.csv")[1], 2) if r["source_id"] == "cpc_2017")
    assert found == [
        Problem(path(data_copy, "sources.csv"), line, "source_id",
                f"no saved source text {data_copy / 'sources' / 'cpc_2017.txt'}"),
        Problem(str(data_copy / "sources" / "nobody.txt"), 0, "(file)",
                "not the saved text of any source in sources.csv"),
    ]


def test_the_header_names_the_sources_address(data_copy: Path) -> None:
    retext(data_copy, "cpc_2017", "address: https://www.childprotectioncompany.com/",
           "address: https://www.childprotectioncompany.co.uk/")
    found = problems(data_copy)
    assert [(Path(p.path).name, p.line, p.field) for p in found] == [("cpc_2017.txt", 1, "address")]


def test_a_passage_no_quote_uses(data_copy: Path) -> None:
    text = data_copy / "sources" / "cpc_2017.txt"
    retext(data_copy, "cpc_2017", "in 2017.\n", "in 2017.\n---\nA sentence nobody quotes.\n")
    line = text.read_text(encoding="utf-8").splitlines().index("A sentence nobody quotes.") + 1
    load(data_copy, today=TODAY)  # the data tables alone do not know the ledger's quotes
    assert ledger_problems(data_copy) == [
        Problem(str(text), line, "passage", "not used by any quote in the data or the claims ledger")]


def test_a_source_text_without_header_or_passages(data_copy: Path) -> None:
    retext(data_copy, "cpc_2017", (data_copy / "sources" / "cpc_2017.txt").read_text(encoding="utf-8"),
           "title: x\n")
    found = [(p.line, p.field, p.message) for p in problems(data_copy) if p.path.endswith("cpc_2017.txt")]
    assert (1, "(header)", "expected 'key: value' with key one of address, taken, note") in found
    assert (1, "address", "required header line is missing") in found
    assert (0, "(file)", "holds no passage (each starts after a line '---')") in found


# --- definitions that can fail ---

def test_a_wording_its_series_does_not_allow(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, wording="reports")
    [p] = problems(data_copy)
    assert (p.line, p.field) == (line, "wording")
    assert p.message.startswith("'reports' is not a wording of webpages_actioned; its sources may say: webpages")


def test_a_wording_that_is_not_in_the_quote(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {**PR24, "year": "2014"}, wording="URLs")
    assert problems(data_copy) == [Problem(path(data_copy, "observations.csv"), line, "wording",
                                           "'URLs' does not occur in the quote")]


def test_newsgroups_in_a_series_that_excludes_them(data_copy: Path) -> None:
    where = {"series_id": "reports_actioned_incl_newsgroups", "year": "2013"}
    line = edit(data_copy, "observations", where, series_id="webpages_actioned")
    found = [(p.line, p.field, p.message) for p in problems(data_copy)]
    assert (line, "wording", "'URLs (web addresses inc newsgroups)' is not a wording of webpages_actioned; "
            "its sources may say: webpages | URLs | URL’s | URLs (webpages) | webpages actioned | sites | "
            "websites") in found
    # allowing the wording does not help: the definition excludes newsgroups
    edit(data_copy, "series", {"series_id": "webpages_actioned"},
         wordings="webpages|URLs|URL’s|URLs (webpages)|webpages actioned|sites|websites|"
                  "URLs (web addresses inc newsgroups)")
    assert (line, "wording", "webpages_actioned excludes newsgroups, but this figure's wording includes them") \
        in [(p.line, p.field, p.message) for p in problems(data_copy)]


def test_a_percentage_in_a_count_series_and_a_count_in_a_percent_series(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {"series_id": "share_of_webpages_actioned_by_hosting_country",
                                            "category": "Romania"}, series_id="webpages_actioned_by_hosting_country",
                wording="Number of reports")
    found = [(p.line, p.field) for p in problems(data_copy)]
    assert (line, "as_written") in found


def test_a_breakdown_in_a_series_without_one(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, category="Netherlands")
    assert Problem(path(data_copy, "observations.csv"), line, "category",
                   "webpages_actioned has no breakdown: category must be empty") in problems(data_copy)


def test_series_refer_to_publishers_and_series(data_copy: Path) -> None:
    line = edit(data_copy, "series", {"series_id": "self_generated_share_of_webpages_actioned"},
                share_of="webpages_removed", publisher_id="no_such_hotline")
    found = [(p.line, p.field, p.message) for p in problems(data_copy) if p.path.endswith("series.csv")]
    assert found == [(line, "publisher_id", "unknown publisher 'no_such_hotline'"),
                     (line, "share_of", "unknown series 'webpages_removed'")]


def test_a_share_of_a_count_series_only(data_copy: Path) -> None:
    line = edit(data_copy, "series", {"series_id": "webpages_actioned"}, share_of="reports_assessed")
    assert Problem(path(data_copy, "series.csv"), line, "share_of",
                   "only a percent series is a share of another") in problems(data_copy)


def test_a_series_that_exceeds_the_series_it_lies_within(data_copy: Path) -> None:
    where = {"series_id": "reports_actioned_incl_newsgroups", "year": "2016"}
    retext(data_copy, "bik_uksic_2018_05_16", "from 59,548 in 2016", "from 56,548 in 2016")
    edit(data_copy, "observations", where, value="56548", as_written="56,548", quote=(
        "in total, 80,318 reports of confirmed child sexual abuse were processed by the IWF, a 35 per cent "
        "increment from 56,548 in 2016."))
    claim = data_copy / "claims.toml"
    claim.write_text(claim.read_text(encoding="utf-8").replace("from 59,548 in 2016", "from 56,548 in 2016"),
                     encoding="utf-8")
    found = [p for p in problems(data_copy) if p.field == "value"]
    lines = [p.line for p in found]
    assert [p.message for p in found] == [
        "57,335 exceeds reports_actioned_incl_newsgroups's 56,548 for 2016, which series.csv says "
        "contains webpages_actioned",
        "57,338 exceeds reports_actioned_incl_newsgroups's 56,548 for 2016, which series.csv says "
        "contains webpages_actioned"]
    assert len(set(lines)) == 2


def test_a_share_claim_may_not_join_two_publishers_series(data_copy: Path) -> None:
    # NCMEC is a shipped publisher (issue 11); make one IWF series NCMEC's, as a wrong row would
    edit(data_copy, "series", {"series_id": "ai_generated_reports_actioned"}, publisher_id="ncmec")
    claims = data_copy / "claims.toml"
    text = claims.read_text(encoding="utf-8").replace(
        'series = "self_generated_webpages_actioned"', 'series = "ai_generated_reports_actioned"')
    claims.write_text(text, encoding="utf-8")
    found = [(p.field, p.message) for p in ledger_problems(data_copy)]
    assert ("of_series", "ai_generated_reports_actioned and webpages_actioned belong to different "
            "publishers (iwf, ncmec): series of different publishers are never joined") in found


# --- breaks, totals, gaps ---

def test_breaks_per_series() -> None:
    ds = load(DATA, today=TODAY)
    [b] = ds.breaks_for("webpages_actioned")
    assert (b.year, b.label, b.source_id) == (2014, "proactive searching begins", "iwf_pr_2025_01_22")
    assert ds.breaks_for("ai_generated_reports_actioned") == []


def test_a_break_is_checked_like_any_quote(data_copy: Path) -> None:
    line = edit(data_copy, "breaks", {"series_id": "reports_assessed"}, series_id="reports",
                quote="In 2014, the IWF began to search")
    found = [(p.line, p.field) for p in problems(data_copy) if p.path.endswith("breaks.csv")]
    assert found == [(line, "quote"), (line, "series_id")]


def test_known_years_may_not_exceed_a_total(data_copy: Path) -> None:
    line = edit(data_copy, "totals", {"series_id": "reports_assessed", "to_year": "2015"}, value="199403",
                as_written="199,403", quote="199,403 reports have been assessed by the IWF’s analysts, with,")
    retext(data_copy, "iwf_news_2016_10_21", "699,403", "199,403")
    assert problems(data_copy) == [Problem(
        path(data_copy, "totals.csv"), line, "value",
        "the known years inside 1996–2015 (2012, 2013, 2014, 2015) already sum to at least 277,491, "
        "more than this total of 199,403")]


def test_a_total_must_read_as_written(data_copy: Path) -> None:
    line = edit(data_copy, "totals", {"series_id": "reports_assessed", "to_year": "2011"}, value="335559")
    assert problems(data_copy) == [Problem(path(data_copy, "totals.csv"), line, "value",
                                           "335559 differs from the figure as written, '335,558'")]


def test_a_gap_that_has_an_observation(data_copy: Path) -> None:
    line = append(data_copy, "gaps", {"series_id": "webpages_actioned", "year": "2019",
                                      "searched": "everything", "note": ""})
    assert problems(data_copy) == [Problem(path(data_copy, "gaps.csv"), line, "year",
                                           "not a gap: iwf_news_self_generated publishes webpages_actioned 2019")]


def test_the_headline_table_is_complete_for_2011_to_2024() -> None:
    """Every cell of the headline table is a published figure or a recorded gap."""
    ds = load(DATA, today=TODAY)
    empty = [(s, y) for s in HEADLINE for y in range(2011, 2025)
             if ds.preferred(s, y) is None and ds.gap(s, y) is None]
    assert empty == []


# --- corrections are data ---

def _correct_2019(data_copy: Path) -> int:
    """A publisher revises the 2019 count: the old figure is kept, marked superseded."""
    append(data_copy, "sources", {
        "source_id": "iwf_correction", "publisher_id": "iwf", "kind": "press_release", "title": "Correction",
        "url": "https://www.iwf.org.uk/news-media/news/correction", "date_published": "2025-06-01",
        "text_sha256": ""})
    text = data_copy / "sources" / "iwf_correction.txt"
    text.write_text("address: https://www.iwf.org.uk/news-media/news/correction\ntaken: 2026-11-26\n---\n"
                    "In 2019 we actioned 132,680 webpages.\n", encoding="utf-8")
    edit(data_copy, "sources", {"source_id": "iwf_correction"},
         text_sha256=hashlib.sha256(text.read_bytes()).hexdigest())
    append(data_copy, "observations", {
        "series_id": "webpages_actioned", "year": "2019", "value": "132680", "as_written": "132,680",
        "rounding": "exact", "source_id": "iwf_correction", "wording": "webpages",
        "quote": "In 2019 we actioned 132,680 webpages."})
    return edit(data_copy, "observations", {"series_id": "webpages_actioned", "year": "2019",
                                            "source_id": "iwf_news_self_generated"},
                superseded_by="iwf_correction", superseded_on="2025-06-01")


def test_a_superseded_figure_is_kept_but_never_preferred(data_copy: Path) -> None:
    _correct_2019(data_copy)
    ds = load(data_copy, today=TODAY)
    assert ds.preferred("webpages_actioned", 2019).value == 132680
    assert [o.value for o in ds.observations_for("webpages_actioned", 2019)] == [132680, 132676]
    [c] = [c for c in ds.conflicts if c.year == 2019 and c.series_id == "webpages_actioned"]
    assert c.reasons == ("superseded by iwf_correction on 2025-06-01",)
    assert 132676 not in [o.value for o in ds.preferred_values("webpages_actioned")]
    # charts draw the correction, never the superseded figure
    report = check(ds, load_ledger(ds))
    chart = draw_chart("webpages_actioned", ds, report=report).chart
    assert [2019, 132680, "iwf_correction", "webpages"] in chart.rows
    assert all(132676 not in row for row in chart.rows)


def test_a_superseded_figure_needs_its_correction(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {"series_id": "webpages_actioned", "year": "2019"},
                superseded_by="iwf_ar_2023", superseded_on="2024-04-01")
    assert problems(data_copy) == [Problem(path(data_copy, "observations.csv"), line, "superseded_by",
                                           "iwf_ar_2023 publishes no figure for webpages_actioned 2019 to "
                                           "supersede this one")]
    edit(data_copy, "observations", {"series_id": "webpages_actioned", "year": "2019"},
         superseded_by="iwf_ar_2023", superseded_on="")
    assert Problem(path(data_copy, "observations.csv"), line, "superseded_on",
                   "give both superseded_by and superseded_on, or neither") in problems(data_copy)
