"""Each claim kind on hand-made data, with the edge cases where verdicts turn."""

from __future__ import annotations

import pytest

from claimkit import claim, dataset, fact, obs, total
from iwf_stats.claims import evaluate


def verdict(c, ds) -> str:  # type: ignore[no-untyped-def]
    return evaluate(c, ds).verdict


# --- value ---

def test_value_rounded_down_to_tens() -> None:
    ds = dataset({2014: 31266})
    assert verdict(claim("value", "31,260", series="pages", year=2014, rounding="down_10"), ds) == "supported"
    assert verdict(claim("value", "31,260", series="pages", year=2014, rounding="nearest_10"), ds) == "contradicted"
    assert verdict(claim("value", "31,270", series="pages", year=2014, rounding="nearest_10"), ds) == "supported"


def test_value_missing_year_is_unverifiable() -> None:
    r = evaluate(claim("value", "5", series="pages", year=2001, rounding="exact"), dataset({2014: 5}))
    assert (r.verdict, r.explanation) == ("unverifiable", "no figure for pages 2001 in the dataset")


# --- change: rounding to the nearest versus truncation ---

def test_five_per_cent_for_5_67_holds_only_under_truncation() -> None:
    ds = dataset({2023: 275650, 2024: 291270})
    truncated = claim("change", "five per cent", series="pages", from_year=2023, to_year=2024,
                      rounding="down_1")
    nearest = claim("change", "five per cent", series="pages", from_year=2023, to_year=2024,
                    rounding="nearest_1")
    assert verdict(truncated, ds) == "supported"
    r = evaluate(nearest, ds)
    assert r.verdict == "contradicted"
    assert r.explanation == ("291,270 / 275,650 − 1 = 5.67%; rounded to the nearest whole number: 6%; "
                             "stated 5% → contradicted")


def test_830_per_cent_to_the_nearest_ten() -> None:
    ds = dataset({2014: 31260, 2024: 291270})
    r = evaluate(claim("change", "830 percent", series="pages", from_year=2014, to_year=2024,
                       rounding="nearest_10"), ds)
    assert r.verdict == "supported"
    assert r.computed == "831.77%"
    assert r.computed_number == pytest.approx(831.7658, abs=1e-4)


def test_change_rounding_half_up_at_the_boundary() -> None:
    # 100 → 102.5 is exactly 2.5%: half-way rounds up, to 3.
    ds = dataset({2020: 1000, 2021: 1025})
    c = claim("change", "3%", series="pages", from_year=2020, to_year=2021, rounding="nearest_1")
    assert verdict(c, ds) == "supported"
    assert verdict(claim("change", "2%", series="pages", from_year=2020, to_year=2021,
                         rounding="nearest_1"), ds) == "contradicted"


def test_change_uses_a_named_source_when_asked() -> None:
    other = obs(2024, 291273).model_copy(update={"source_id": "doc"})
    ds = dataset({2014: 31266, 2024: 291270}, extra=(other,))
    preferred = claim("change", "831.6%", series="pages", from_year=2014, to_year=2024, rounding="exact")
    assert evaluate(preferred, ds).computed == "831.59%"  # src (primary) is preferred: 291,270
    named = claim("change", "5%", series="pages", from_year=2014, to_year=2024, rounding="exact",
                  source="doc")
    r = evaluate(named, ds)
    assert r.verdict == "unverifiable"  # doc has no 2014 figure
    assert r.explanation == "no figure for pages 2014 from doc in the dataset"


# --- share ---

def test_share() -> None:
    ds = dataset({2024: 291273}, extra=(obs(2024, 83037, series="part"),))
    c = claim("share", "29%", series="part", year=2024, of_series="pages", of_year=2024,
              rounding="nearest_1")
    assert verdict(c, ds) == "supported"
    c28 = claim("share", "28%", series="part", year=2024, of_series="pages", of_year=2024,
                rounding="nearest_1")
    assert verdict(c28, ds) == "contradicted"


# --- approximation words at their boundaries ---

@pytest.mark.parametrize(("value", "expected"), [
    (270000, "supported"),      # exactly 90% of 300,000: inside the band
    (269999, "contradicted"),   # just below 90%
    (299999, "supported"),
    (300000, "contradicted"),   # "nearly X" is not X itself
    (300001, "contradicted"),
])
def test_nearly_at_its_boundaries(value: int, expected: str) -> None:
    c = claim("approximation", "300,000", quote="with nearly 300,000 pages", word="nearly",
              series="pages", year=2024)
    assert verdict(c, dataset({2024: value})) == expected


@pytest.mark.parametrize(("word", "value", "expected"), [
    ("more than", 1001, "supported"), ("more than", 1000, "contradicted"),
    ("at least", 1000, "supported"), ("at least", 999, "contradicted"),
    ("about", 1100, "supported"), ("about", 1101, "contradicted"), ("about", 900, "supported"),
    ("up to", 1000, "supported"), ("up to", 1001, "contradicted"),
])
def test_other_words_at_their_boundaries(word: str, value: int, expected: str) -> None:
    c = claim("approximation", "1,000", quote=f"{word} 1,000 pages", word=word, series="pages", year=2024)
    assert verdict(c, dataset({2024: value})) == expected


def test_unknown_approximation_word_is_refused() -> None:
    with pytest.raises(ValueError, match="has no rule"):
        claim("approximation", "1,000", quote="zillions 1,000", word="zillions", series="pages", year=2024)


# --- record ---

def test_record_over_complete_years_is_supported() -> None:
    ds = dataset({2022: 5, 2023: 7, 2024: 9})
    c = claim("record", "record", series="pages", year=2024, since={"year": 2022})
    assert verdict(c, ds) == "supported"


def test_record_tied_with_an_earlier_year_is_contradicted() -> None:
    ds = dataset({2022: 9, 2023: 7, 2024: 9})
    r = evaluate(claim("record", "record", series="pages", year=2024, since={"year": 2022}), ds)
    assert r.verdict == "contradicted"
    assert r.explanation == "2024 (9) ties with 2022 (9) → contradicted"


def test_record_beaten_by_an_earlier_year_is_contradicted() -> None:
    ds = dataset({2022: 10, 2024: 9})
    c = claim("record", "record", series="pages", year=2024, since={"year": 2020})
    assert verdict(c, ds) == "contradicted"  # even with years missing: a known year is higher


def test_record_over_years_the_data_lacks_is_unverifiable() -> None:
    ds = dataset({2013: 5, 2024: 9}, facts=(fact("founded", "1996"),))
    r = evaluate(claim("record", "record", series="pages", year=2024, since={"fact": "founded"}), ds)
    assert r.verdict == "unverifiable"
    assert "1996–2012, 2014–2023 are not in the dataset" in r.explanation


# --- record_bounded: published totals bound the years the data lacks ---

def _bounded(ds):  # type: ignore[no-untyped-def]
    return evaluate(claim("record_bounded", "record", series="pages", year=2024, since={"year": 2020}), ds)


def test_record_bounded_by_a_total_below_the_figure_is_supported() -> None:
    # 2020–2022 together were at most 8; 2023 is known: 2024 (9) beats every year
    ds = dataset({2023: 7, 2024: 9}, totals=(total(2020, 2022, 8, "at_most"),))
    r = _bounded(ds)
    assert r.verdict == "supported"
    assert "2020–2022: within pages's total for 2020–2022, at most 8 (src)" in r.explanation


def test_record_bounded_subtracts_the_known_years_a_total_covers() -> None:
    # 2020–2023 sum to exactly 12, of which 2023 is 7: the other years together are 5 < 9
    ds = dataset({2023: 7, 2024: 9}, totals=(total(2020, 2023, 12),))
    r = _bounded(ds)
    assert r.verdict == "supported"
    assert "less the known years 2023 = 5" in r.explanation


def test_record_bounded_with_a_total_that_leaves_room_is_unverifiable() -> None:
    # 2020–2022 at most 9: one of those years could equal 2024's 9
    ds = dataset({2023: 7, 2024: 9}, totals=(total(2020, 2022, 9, "at_most"),))
    r = _bounded(ds)
    assert r.verdict == "unverifiable"
    assert "2020–2022 are neither in the dataset nor bounded below 9" in r.explanation


def test_record_bounded_ignores_a_lower_bound() -> None:
    ds = dataset({2023: 7, 2024: 9}, totals=(total(2020, 2022, 3, "at_least"),))
    assert _bounded(ds).verdict == "unverifiable"


def test_record_bounded_by_a_total_that_misses_a_year_is_unverifiable() -> None:
    ds = dataset({2023: 7, 2024: 9}, totals=(total(2021, 2022, 4, "at_most"),))
    r = _bounded(ds)
    assert r.verdict == "unverifiable"
    assert "2020 are neither in the dataset" in r.explanation


def test_record_bounded_is_contradicted_by_a_known_higher_year() -> None:
    ds = dataset({2021: 11, 2024: 9}, totals=(total(2020, 2022, 12, "at_most"),))
    assert _bounded(ds).verdict == "contradicted"


def test_record_bounded_by_the_total_of_a_series_that_contains_it() -> None:
    # 'inner' lies within 'all' (series.csv `within`): all's total bounds inner's missing years
    inner = tuple(obs(y, v, series="inner") for y, v in {2023: 7, 2024: 9}.items())
    ds = dataset({}, extra=inner, totals=(total(2020, 2022, 8, "at_most", series="all"),))
    c = claim("record_bounded", "record", series="inner", year=2024, since={"year": 2020})
    r = evaluate(c, ds)
    assert r.verdict == "supported", r.explanation
    assert "within all's total" in r.explanation
    # the same total on an unrelated series bounds nothing
    ds2 = dataset({}, extra=inner, totals=(total(2020, 2022, 8, "at_most", series="part"),))
    assert evaluate(c, ds2).verdict == "unverifiable"


def test_record_bounded_by_a_known_year_of_the_containing_series() -> None:
    inner = tuple(obs(y, v, series="inner") for y, v in {2021: 5, 2022: 5, 2023: 7, 2024: 9}.items())
    outer = (obs(2020, 8, series="all"),)
    ds = dataset({}, extra=inner + outer)
    c = claim("record_bounded", "record", series="inner", year=2024, since={"year": 2020})
    r = evaluate(c, ds)
    assert r.verdict == "supported"
    assert "2020: at most all's 8" in r.explanation


# --- duration, date, relative date ---

def test_duration_in_whole_calendar_years() -> None:
    ds = dataset({}, facts=(fact("founded", "1996"), fact("report", "2022-10-20", as_written="20 October 2022")))
    assert verdict(claim("duration", "29-year", start={"fact": "founded"},
                         end={"source_published": "doc"}), ds) == "supported"
    assert verdict(claim("duration", "30-year", start={"fact": "founded"},
                         end={"source_published": "doc"}), ds) == "contradicted"
    assert verdict(claim("duration", "seven year", start={"year": 2015},
                         end={"fact": "report"}), ds) == "supported"
    assert verdict(claim("duration", "2-year", start={"year": 2015},
                         end={"source_published": "undated"}), ds) == "unverifiable"


def test_date_at_the_precision_stated() -> None:
    ds = dataset({}, facts=(fact("osa", "2025-03-17", as_written="17 March 2025"),))
    assert verdict(claim("date", "March", fact="osa"), ds) == "supported"
    assert verdict(claim("date", "April", fact="osa"), ds) == "contradicted"
    assert verdict(claim("date", "2025", fact="osa"), ds) == "supported"
    assert verdict(claim("date", "2024", fact="osa"), ds) == "contradicted"
    assert verdict(claim("date", "17 March 2025", fact="osa"), ds) == "supported"
    assert verdict(claim("date", "18 March 2025", fact="osa"), ds) == "contradicted"


def test_last_week_against_the_documents_date() -> None:
    # doc is dated Wednesday 22 January 2025: last week is Monday 13 to Sunday 19 January.
    ds = dataset({}, facts=(fact("in_week", "2025-01-19", as_written="19 January 2025"),
                            fact("same_week", "2025-01-20", as_written="20 January 2025"),
                            fact("too_early", "2025-01-12", as_written="12 January 2025")))
    assert verdict(claim("relative_date", "Last week", event={"fact": "in_week"}), ds) == "supported"
    assert verdict(claim("relative_date", "Last week", event={"fact": "same_week"}), ds) == "contradicted"
    assert verdict(claim("relative_date", "Last week", event={"fact": "too_early"}), ds) == "contradicted"
    undated = claim("relative_date", "Last week", event={"fact": "in_week"}, document="undated")
    assert verdict(undated, ds) == "unverifiable"


# --- amounts ---

def test_amount_against_a_lower_bound() -> None:
    ds = dataset({}, facts=(fact("cost", "137000000", unit="gbp", bound="at_least",
                                 as_written="£137 million"),))
    assert verdict(claim("amount", "£200,000", fact="cost"), ds) == "contradicted"
    assert verdict(claim("amount", "£200 million", fact="cost"), ds) == "unverifiable"


def test_amount_against_an_exact_figure() -> None:
    ds = dataset({}, facts=(fact("fine", "18000000", unit="gbp", as_written="£18 million"),))
    assert verdict(claim("amount", "£18 million", fact="fine"), ds) == "supported"
    assert verdict(claim("amount", "£18m", fact="fine"), ds) == "supported"
    assert verdict(claim("amount", "£17 million", fact="fine"), ds) == "contradicted"


def test_stated_figure_must_appear_in_the_quote() -> None:
    with pytest.raises(ValueError, match="does not appear in the quote"):
        claim("value", "291,270", quote="it was 291270.", series="pages", year=2024, rounding="exact")


def test_change_from_zero_is_unverifiable_not_a_crash() -> None:
    r = evaluate(claim("change", "5%", series="pages", from_year=2020, to_year=2021, rounding="nearest_1"),
                 dataset({2020: 0, 2021: 7}))
    assert (r.verdict, r.explanation) == ("unverifiable", "the base figure is 0: no percentage can be computed")


def test_every_claim_kind_has_an_evaluator() -> None:
    from iwf_stats.claims.engine import _EVALUATORS
    from iwf_stats.claims.models import CLAIM_KINDS

    assert set(_EVALUATORS) == set(CLAIM_KINDS)
