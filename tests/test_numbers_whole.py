"""Numbers are read whole: scale words and number words count, and nothing is left unread."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from iwf_stats import load
from iwf_stats.claims import check, load_ledger
from iwf_stats.numbers import NumberFormatError, parse_count, parse_number
from iwf_stats.summary import check_table

from conftest import retext


@pytest.mark.parametrize(("text", "value"), [
    ("830 percent", Decimal(830)), ("830 thousand percent", Decimal(830_000)),
    ("300 million", Decimal(300_000_000)), ("seven hundred", Decimal(700)), ("seven", Decimal(7)),
    ("twenty-nine", Decimal(29)), ("29-year", Decimal(29)), ("seven year", Decimal(7)),
    ("five per cent", Decimal(5)), ("£137 million", Decimal(137_000_000)), ("£18m", Decimal(18_000_000)),
    ("36.2 million", Decimal("36.2") * 10**6), ("5.67%", Decimal("5.67")), ("decade", Decimal(10)),
])
def test_figures_are_read_in_full(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["13_182", "2013.0", "١٢٣", "830 percent or so", "seven and", "8" * 5000,
                                  "hundred", "29,1270"])
def test_anything_left_unread_is_refused(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(text) if not text.startswith("29,") else parse_count(text)


def test_830_thousand_percent_never_checks_out_as_830(data_copy: Path) -> None:
    ledger = data_copy / "claims.toml"
    text = ledger.read_text(encoding="utf-8")
    text = text.replace("an increase of 830 percent in the past decade", "an increase of 830 thousand percent"
                        " in the past decade").replace('stated = "830 percent"', 'stated = "830 thousand percent"', 1)
    ledger.write_text(text, encoding="utf-8")
    retext(data_copy, "seed_article", "an increase of 830 percent in the past decade",
           "an increase of 830 thousand percent in the past decade")  # as if the article said so
    ds = load(data_copy)
    result = check(ds, load_ledger(ds)).result("article_830_percent")
    assert result.verdict == "contradicted"
    assert "830,000" in result.explanation


def test_the_check_table_cannot_carry_terminal_escapes() -> None:
    from iwf_stats.claims.engine import CheckReport, ClaimResult

    row = ClaimResult("x", "value", "doc", "q", "\x1b[8mhidden", "1", "supported", "supported", "e\x1b[2J")
    table = check_table(CheckReport((row,)))
    assert "\x1b" not in table and "hidden" in table
