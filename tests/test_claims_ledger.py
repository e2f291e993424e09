"""The shipped ledger: every claim reproduces as recorded, quotes are exact, and tampering
with the data or the ledger is caught."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from iwf_stats import DataError, load
from iwf_stats.claims import check, load_ledger

from conftest import DATA, REPO, edit, read_rows, retext, write_rows


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "iwf_stats", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_every_shipped_claim_reproduces_as_recorded() -> None:
    ds = load(DATA)
    report = check(ds, load_ledger(ds))
    assert report.differing == []
    assert report.summary()["claims"] == len(tomllib.loads((DATA / "claims.toml").read_text())["claim"])


def test_ledger_covers_the_articles_figures() -> None:
    ds = load(DATA)
    article = [c for c in load_ledger(ds).claims if c.document == "seed_article"]
    stated = {c.stated for c in article}
    assert {"300,000", "830 percent", "291,270", "29-year", "seven year", "£200,000", "2022",
            "March", "Last week", "decade", "worst year on record"} <= stated


def test_check_cli_table_and_exit_0() -> None:
    out = run("check")
    assert out.returncode == 0, out.stderr
    assert "article_830_percent" in out.stdout
    assert "291,273 / 31,266 − 1 = 831.60%; rounded to the nearest ten: 830%; stated 830% → supported" in out.stdout
    assert out.stdout.rstrip().splitlines()[-1].endswith("as recorded, 0 differ.")


def test_check_json() -> None:
    out = run("check", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    first = doc["claims"][0]
    assert {"id", "document", "quote", "stated", "computed", "verdict", "expected",
            "explanation"} <= set(first)
    s = doc["summary"]
    assert s["claims"] == len(doc["claims"]) == s["supported"] + s["contradicted"] + s["unverifiable"]
    assert s["differing"] == 0


def test_tampered_observation_fails_check_naming_the_claims(data_copy: Path) -> None:
    old = ("They recorded a total of 291,273 webpages containing or linked to child sexual abuse "
           "content, with 97 per cent of these reports exclusively showing the sexual abuse of girls.")
    new = old.replace("291,273", "261,273")
    retext(data_copy, "iwf_adir_2024_foreword", old, new)
    edit(data_copy, "observations",
         {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_adir_2024_foreword"},
         value="261273", as_written="261,273", quote=new)
    # the same sentence is quoted for the 2024 share of girls; its figure is untouched
    edit(data_copy, "observations",
         {"series_id": "sex_share_of_webpages_actioned", "year": "2024", "source_id": "iwf_adir_2024_foreword"},
         quote=new)
    # the release's rounded 291,270 would no longer round from the only exact 2024 figure
    header, rows = read_rows(data_copy / "observations.csv")
    write_rows(data_copy / "observations.csv", header, [
        r for r in rows if (r["series_id"], r["year"], r["source_id"])
        != ("webpages_actioned", "2024", "iwf_pr_2025_01_22")])
    out = run("check", str(data_copy))
    assert out.returncode == 1
    named = out.stderr.split(": ", 2)[-1].strip().split(", ")
    assert {"article_nearly_300000", "article_830_percent", "article_291270_webpages",
            "pr_291270_webpages", "article_worst_year_on_record"} <= set(named)
    assert "pr_31260_webpages" not in named  # 2014 is untouched
    assert "Traceback" not in out.stderr


def test_claim_whose_quote_lost_its_figure_fails_validation(data_copy: Path) -> None:
    path = data_copy / "claims.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('quote = "This is an increase of 830 percent in the past decade."',
                        'quote = "This is an increase of 800 percent in the past decade."')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('stated = "830 percent"') + 1
    # article_past_decade quotes the same sentence: its quote is no longer the article's
    lines = text.splitlines()
    quote_line = [n for n, x in enumerate(lines, 1) if "800 percent" in x][1]
    with pytest.raises(DataError) as info:
        load_ledger(load(data_copy))
    assert [(p.line, p.field, p.message) for p in info.value.problems] == [
        (line, "stated", "'830 percent' does not appear in the quote"),
        (quote_line, "quote", f"does not occur in {data_copy / 'sources' / 'seed_article.txt'}")]
    out = run("check", str(data_copy))
    assert out.returncode == 2
    assert f"claims.toml:{line}: stated: '830 percent' does not appear in the quote" in out.stderr



def _ledger_problems(data_copy: Path, old: str, new: str) -> list[tuple[int, str, str]]:
    path = data_copy / "claims.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_ledger(load(data_copy))
    return [(p.line, p.field, p.message) for p in info.value.problems]


def _line_of(data_copy: Path, needle: str) -> int:
    lines = (data_copy / "claims.toml").read_text(encoding="utf-8").splitlines()
    return lines.index(needle) + 1


def test_toml_syntax_error_names_the_line(data_copy: Path) -> None:
    line = _line_of(data_copy, 'stated = "830 percent"')
    found = _ledger_problems(data_copy, 'stated = "830 percent"', 'stated = "830 percent')
    assert len(found) == 1 and found[0][:2] == (line, "(toml)")


def test_claim_referring_to_a_missing_series(data_copy: Path) -> None:
    line = _line_of(data_copy, 'series = "ai_generated_reports_actioned"')
    found = _ledger_problems(data_copy, 'series = "ai_generated_reports_actioned"',
                             'series = "ai_generated_reports"')
    assert found == [(line, "series", "unknown series 'ai_generated_reports'")]


def test_claim_referring_to_a_missing_fact(data_copy: Path) -> None:
    line = _line_of(data_copy, 'fact = "iicsa_cost_to_2020_03_hansard"')
    found = _ledger_problems(data_copy, 'fact = "iicsa_cost_to_2020_03_hansard"', 'fact = "iicsa_cost"')
    assert found == [(line, "fact", "unknown fact 'iicsa_cost'")]


def test_unknown_kind_and_missing_field(data_copy: Path) -> None:
    line = _line_of(data_copy, 'kind = "amount"')
    found = _ledger_problems(data_copy, 'kind = "amount"', 'kind = "sum"')
    assert found == [(line, "kind", "must be one of value, change, share, record, record_bounded, approximation, "
                                    "duration, date, relative_date, amount, got 'sum'")]


def test_missing_expected_verdict(data_copy: Path) -> None:
    text = (data_copy / "claims.toml").read_text(encoding="utf-8")
    start = text.splitlines().index('id = "article_iicsa_cost"')  # 0-based index of the id line
    found = _ledger_problems(data_copy, 'expected = "contradicted"\n', "")
    assert found == [(start, "expected", "required")]  # reported at the [[claim]] line above the id


def test_bad_verdict_value(data_copy: Path) -> None:
    line = _line_of(data_copy, 'expected = "contradicted"')
    found = _ledger_problems(data_copy, 'expected = "contradicted"', 'expected = "wrong"')
    assert found == [(line, "expected",
                      "Input should be 'supported', 'contradicted' or 'unverifiable'")]


def test_duplicate_claim_id(data_copy: Path) -> None:
    line = _line_of(data_copy, 'id = "pr_275650_webpages"')
    found = _ledger_problems(data_copy, 'id = "pr_275650_webpages"', 'id = "pr_291270_webpages"')
    first = _line_of(data_copy, 'id = "pr_291270_webpages"') - 1
    assert found == [(line, "id", f"duplicate 'pr_291270_webpages', first on line {first}")]


def test_validate_also_checks_the_ledger(data_copy: Path) -> None:
    path = data_copy / "claims.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('kind = "amount"', 'kind = "sum"'),
                    encoding="utf-8")
    out = run("validate", str(data_copy))
    assert out.returncode == 2 and "claims.toml:" in out.stderr and "kind: must be one of" in out.stderr


def test_check_does_not_import_pandas_or_matplotlib() -> None:
    code = ("import sys, io, contextlib; from iwf_stats.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): rc = main(['check'])\n"
            "print(rc, sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"
