"""The loader accepts the shipped data and rejects each kind of bad data with the
exact file, line and field."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import iwf_stats
from iwf_stats import DataError, Problem, load

from conftest import DATA, TODAY, append, edit, read_rows

PR24 = {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_pr_2025_01_22"}
PR14 = {"series_id": "webpages_actioned", "year": "2014", "source_id": "iwf_pr_2025_01_22"}


def problems(data_dir: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load(data_dir, today=TODAY)
    return info.value.problems


def only(data_dir: Path) -> Problem:
    found = problems(data_dir)
    assert len(found) == 1, found
    return found[0]


def obs_path(d: Path) -> str:
    return str(d / "observations.csv")


# --- the shipped data ---

def test_shipped_data_loads() -> None:
    ds = load(DATA, today=TODAY)
    assert len(ds.observations) == len(read_rows(DATA / "observations.csv")[1])
    assert len(ds.sources) == len(read_rows(DATA / "sources.csv")[1])
    assert ds.preferred("webpages_actioned", 2024).source_id == "iwf_adir_2024_foreword"


def test_conflicts_list_every_disagreement_with_the_preferred_value_first() -> None:
    ds = load(DATA, today=TODAY)
    found = {(c.series_id, c.year): (c.preferred.value, c.values) for c in ds.conflicts}
    assert found == {
        ("webpages_actioned", 2014): (31266, [31260, 31266]),
        ("webpages_actioned", 2016): (57335, [57335, 57338]),
        ("webpages_actioned", 2023): (275652, [275650, 275652, 275655]),
        ("webpages_actioned", 2024): (291273, [291270, 291273]),
        ("reports_assessed", 2021): (361062, [361000, 361026, 361062]),
        # issue 11: the breakdowns and the other hotlines (every published value kept)
        ("self_generated_webpages_actioned", 2023): (254071, [254070, 254071]),
        ("webpages_actioned_by_hosting_country", 2021): (102676, [102600, 102676]),
        ("cybertipline_reports", 2020): (21700000, [21400000, 21700000]),
    }


def test_preferred_rule_explains_itself() -> None:
    ds = load(DATA, today=TODAY)
    c2016 = next(c for c in ds.conflicts if c.year == 2016)
    assert c2016.preferred.source_id == "bik_uksic_2018_05_16"
    assert c2016.reasons == ("Better Internet for Kids (European Commission), reporting the UK "
                             "Safer Internet Centre outranks a third party (The Child Protection Company)",)
    c2024 = next(c for c in ds.conflicts if c.year == 2024)
    assert "a primary report outranks a press release" in c2024.reasons


def _written_value(text: str) -> Decimal:
    """The figure as printed, read independently of the library: "29%", "47 per cent",
    "36.2 million", "291,273", "587.852" or "1 038 250" (digits grouped in threes)."""
    t = re.sub(r"\s*(%|per cent|percent)$", "", text)
    if t.endswith(" million"):
        return Decimal(t[: -len(" million")]) * 10**6
    return Decimal(re.sub(r"(?<=\d)[,. ](?=\d{3}(\D|$))", "", t))


def test_every_quote_contains_its_value_and_every_address_its_publisher() -> None:
    ds = load(DATA, today=TODAY)
    for o in ds.observations:
        assert o.as_written in o.quote
        assert _written_value(o.as_written) == o.value
    for f in ds.facts.values():
        assert f.as_written in f.quote
    for s in ds.sources.values():
        domains = ds.publishers[s.publisher_id].domains
        if s.url is None:
            assert domains == ()
        else:
            assert s.url.startswith("https://")
            assert any(s.host == d or s.host.endswith("." + d) for d in domains), s.url


def test_import_does_not_load_pandas_or_matplotlib() -> None:
    code = ("import sys, iwf_stats; iwf_stats.load(); "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_frames_hold_the_records() -> None:
    ds = iwf_stats.load(DATA, today=TODAY)
    frame = ds.observations_frame()
    assert len(frame) == len(ds.observations)
    assert frame["preferred"].sum() == len(ds.preferred_values())
    pref = ds.preferred_frame("webpages_actioned")
    assert pref["year"].tolist() == sorted(pref["year"])
    assert pref.set_index("year").loc[2024, "value"] == 291273
    assert set(ds.conflicts_frame()["year"]) == {2014, 2016, 2020, 2021, 2023, 2024}


# --- one test per validation rule, each naming file, line and field ---

def test_wrong_type(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, year="20x4")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "year",
                                      "must be a whole number, got '20x4'")


def test_negative_value(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, value="-5")
    found = problems(data_copy)
    assert Problem(obs_path(data_copy), line, "value", "must be ≥ 0, got -5") in found


def test_year_before_the_iwf_existed(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, year="1990")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "year", "1990 is before the IWF was founded (1996)")


def test_year_outside_any_plausible_range(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, year="1890")
    assert Problem(obs_path(data_copy), line, "year", "must be ≥ 1900, got 1890") in problems(data_copy)


def test_year_after_its_source_was_published(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, year="2026", quote=(
        "in 2024, the IWF acted to remove images or videos of children suffering sexual "
        "abuse, or links to that content, on 291,270 webpages."))
    assert only(data_copy) == Problem(obs_path(data_copy), line, "year",
                                      "2026 is after its source was published (2025-01-22)")


def test_year_in_the_future(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {"source_id": "iwf_highlights", "year": "2015",
                                            "series_id": "reports_actioned_incl_newsgroups"}, year="2027")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "year", "2027 is in the future")


def test_unknown_series_and_source(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, series_id="webpages_removed", source_id="iwf_pr_2099")
    assert problems(data_copy) == [
        Problem(obs_path(data_copy), line, "series_id", "unknown series 'webpages_removed'"),
        Problem(obs_path(data_copy), line, "source_id", "unknown source 'iwf_pr_2099'"),
    ]


def test_unknown_publisher(data_copy: Path) -> None:
    line = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"}, publisher_id="iwf_uk")
    assert only(data_copy) == Problem(str(data_copy / "sources.csv"), line, "publisher_id",
                                      "unknown publisher 'iwf_uk'")


def test_duplicate_observation(data_copy: Path) -> None:
    _, rows = read_rows(data_copy / "observations.csv")
    first = next(i for i, r in enumerate(rows) if r["source_id"] == "iwf_ar_2021") + 2
    line = append(data_copy, "observations", rows[first - 2])
    assert only(data_copy) == Problem(
        obs_path(data_copy), line, "source_id",
        f"duplicate: reports_actioned_incl_newsgroups 2021 '' from iwf_ar_2021 is already on line {first}")


def test_duplicate_source_id(data_copy: Path) -> None:
    _, rows = read_rows(data_copy / "sources.csv")
    line = append(data_copy, "sources", rows[0])
    assert only(data_copy) == Problem(str(data_copy / "sources.csv"), line, "source_id",
                                      f"duplicate {rows[0]['source_id']!r}, first on line 2")


def test_quote_without_the_value_as_written(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, quote="in 2024, the IWF acted on 291270 webpages.")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "quote",
                                      "does not contain the figure as written ('291,270')")


def test_value_differs_from_as_written(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, value="291280")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "value",
                                      "291280 differs from the figure as written, '291,270'")


def test_thousands_separator_in_the_wrong_place(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, as_written="29,1270",
                quote="on 29,1270 webpages.")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "as_written",
                                      "'29,1270' is not a whole number written as 1,234 or 1234")


def test_rounded_value_that_does_not_end_in_zero(data_copy: Path) -> None:
    line = edit(data_copy, "observations", {"source_id": "iwf_ar_2021",
                                            "series_id": "reports_actioned_incl_newsgroups"},
                rounding="nearest_10")
    assert only(data_copy) == Problem(obs_path(data_copy), line, "rounding",
                                      "252,194 cannot be rounded to the nearest ten")


def test_stated_rounding_must_hold_against_the_exact_value(data_copy: Path) -> None:
    # 31,266 to the nearest ten is 31,270: the release's 31,260 only holds if it rounds down.
    line = edit(data_copy, "observations", PR14, rounding="nearest_10")
    assert only(data_copy) == Problem(
        obs_path(data_copy), line, "rounding",
        "31,260 is not 31,266 (iwf_news_2015_04_13) rounded to the nearest ten, which gives 31,270")


def test_percentage_above_100(data_copy: Path) -> None:
    where = {"series_id": "share_of_webpages_actioned_by_hosting_country", "category": "Netherlands"}
    line = edit(data_copy, "observations", where, value="129", as_written="129%",
                quote="Host country | Number of reports | % of total number of reports … Netherlands | 83,037 | 129%")
    assert Problem(obs_path(data_copy), line, "value", "a percentage must be 0–100, got 129") \
        in problems(data_copy)


def test_address_must_be_https(data_copy: Path) -> None:
    line = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"},
                url="http://www.iwf.org.uk/about-us/who-we-are/annual-report-2021/")
    assert only(data_copy) == Problem(
        str(data_copy / "sources.csv"), line, "url",
        "must be an https:// address, got 'http://www.iwf.org.uk/about-us/who-we-are/annual-report-2021/'")


def test_address_must_belong_to_the_publisher(data_copy: Path) -> None:
    line = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"},
                url="https://iwf.org.uk.example.com/annual-report-2021/")
    assert only(data_copy) == Problem(
        str(data_copy / "sources.csv"), line, "url",
        "host 'iwf.org.uk.example.com' does not belong to Internet Watch Foundation; allowed: iwf.org.uk")


def test_unknown_publisher_cannot_have_an_address(data_copy: Path) -> None:
    line = edit(data_copy, "sources", {"source_id": "seed_article"}, url="https://example.com/a")
    assert only(data_copy) == Problem(
        str(data_copy / "sources.csv"), line, "url",
        "host 'example.com' does not belong to Unknown UK national newspaper (not preserved with "
        "the copy); allowed: none (publisher unknown)")


def test_fact_date_must_match_its_words(data_copy: Path) -> None:
    line = edit(data_copy, "facts", {"fact_id": "osa_illegal_harms_enforceable_tw"}, value="2025-03-18")
    assert only(data_copy) == Problem(str(data_copy / "facts.csv"), line, "value",
                                      "2025-03-18 differs from '17 March 2025'")


def test_fact_with_unknown_source(data_copy: Path) -> None:
    line = edit(data_copy, "facts", {"fact_id": "iwf_founded_iwf"}, source_id="nowhere")
    assert only(data_copy) == Problem(str(data_copy / "facts.csv"), line, "source_id",
                                      "unknown source 'nowhere'")


def test_every_problem_in_one_run(data_copy: Path) -> None:
    l1 = edit(data_copy, "observations", PR24, value="-5")
    l2 = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"}, kind="blog")
    l3 = edit(data_copy, "facts", {"fact_id": "iwf_founded_iwf"}, source_id="nowhere")
    where = {(Path(p.path).name, p.line, p.field) for p in problems(data_copy)}
    assert {("observations.csv", l1, "value"), ("sources.csv", l2, "kind"),
            ("facts.csv", l3, "source_id")} <= where


def test_line_numbers_count_physical_lines_of_multiline_records(data_copy: Path) -> None:
    path = data_copy / "series.csv"
    text = path.read_text(encoding="utf-8").replace(
        "per calendar year.", "per\ncalendar year.", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    edit_line = next(i for i, x in enumerate(lines, start=1) if x.startswith("reports_assessed,"))
    assert edit_line == 5  # the third record, pushed one line down by the two-line first record
    text = text.replace("reports_assessed,Reports assessed,iwf,count,",
                        "reports_assessed,Reports assessed,iwf,number,")
    path.write_text(text, encoding="utf-8")
    found = only(data_copy)
    assert (found.line, found.field) == (edit_line, "unit")


# --- files that cannot be read as tables ---

def test_missing_file(data_copy: Path) -> None:
    (data_copy / "facts.csv").unlink()
    assert only(data_copy) == Problem(str(data_copy / "facts.csv"), 0, "(file)", "file not found")


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "series.csv").write_text("")
    found = problems(data_copy)
    assert Problem(str(data_copy / "series.csv"), 1, "(header)",
                   "file is empty: expected a header row") in found


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "publishers.csv"
    path.write_bytes(path.read_bytes().replace(b"Internet", "Int\xe9rnet".encode("latin-1")))
    found = problems(data_copy)
    assert found[0].path == str(path) and found[0].line == 2 and found[0].field == "(encoding)"


def test_missing_unknown_and_doubled_columns(data_copy: Path) -> None:
    path = data_copy / "series.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[0] = "series_id,title,title,units,definition\n"
    path.write_text("".join(lines))
    found = [p for p in problems(data_copy) if p.path == str(path)]
    columns = ("series_id, title, publisher_id, unit, counts, wordings, newsgroups, dimension, "
               "share_of, within, definition")
    assert found == [
        Problem(str(path), 1, "counts", "required column is missing"),
        Problem(str(path), 1, "publisher_id", "required column is missing"),
        Problem(str(path), 1, "title", "column named twice in the header"),
        Problem(str(path), 1, "unit", "required column is missing"),
        Problem(str(path), 1, "units", f"unknown column; expected only: {columns}"),
        Problem(str(path), 1, "wordings", "required column is missing"),
    ]


def test_short_row(data_copy: Path) -> None:
    path = data_copy / "series.csv"
    with path.open("a") as f:
        f.write("orphan,Orphan\n")
    n = len(path.read_text().splitlines())
    assert only(data_copy) == Problem(str(path), n, "(row)", "has 2 fields, the header has 11")


def test_unterminated_quote(data_copy: Path) -> None:
    path = data_copy / "publishers.csv"
    with path.open("a") as f:
        f.write('x,"never closed,charity,x.org,X\n')
    found = [p for p in problems(data_copy) if p.path == str(path)]
    assert [p.field for p in found] == ["(csv)"]
    assert "malformed CSV" in found[0].message


def test_broken_datapackage(data_copy: Path) -> None:
    path = data_copy / "datapackage.json"
    path.write_text(path.read_text().replace('"name": "iwf-stats",', '"name": "iwf-stats"', 1))
    found = only(data_copy)
    assert (found.path, found.line, found.field) == (str(path), 4, "(json)")


def test_datapackage_out_of_step_with_the_models(data_copy: Path) -> None:
    path = data_copy / "datapackage.json"
    path.write_text(path.read_text().replace('"name": "wording"', '"name": "measure"', 1))
    found = only(data_copy)
    assert (found.path, found.field) == (str(path), "resources.observations")


def test_excel_csv_with_bom_and_crlf_loads(data_copy: Path) -> None:
    for name in ("observations", "sources", "facts"):
        path = data_copy / f"{name}.csv"
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ds = load(data_copy, today=TODAY)
    assert ds.preferred("webpages_actioned", 2024).value == 291273


def test_facts_on_which_sources_disagree_are_listed() -> None:
    ds = load(DATA, today=TODAY)
    found = {topic: sorted((f.value, f.bound) for f in facts) for topic, facts in ds.fact_conflicts.items()}
    assert found == {
        "iicsa_cost": [("137000000", "at_least"), ("180000000", "exact")],
        "iicsa_duration": [("6", "exact"), ("7", "exact")],
    }
    assert "iwf_founded" not in ds.fact_conflicts  # two sources, one value: agreement
