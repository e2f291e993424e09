"""The online check's parts without a network: the allowlist, the saved-text format, "occurs",
page text, the closest passage, which quotes belong to which source, and atomic writes."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iwf_stats
from iwf_stats.claims import load_ledger
from iwf_stats.errors import Problem
from iwf_stats.online import fetching as f
from iwf_stats.online.addresses import allowed_address
from iwf_stats.online.check import Missing, Quote, QuoteCheck, SourceCheck, quotes_by_source
from iwf_stats.online.closest import closest_passage
from iwf_stats.online.pagetext import PageTextError, page_text
from iwf_stats.online.passages import SourceText, normalise, occurs, parse_source_text, quote_parts
from iwf_stats.online.update import MAX_PASSAGE_CHARS, Change, _sources_csv_change, changes, write_changes

from conftest import REPO

IWF = ("iwf.org.uk",)


@pytest.mark.parametrize("url", [
    "https://iwf.org.uk/news",
    "https://www.iwf.org.uk/news/x?y=1#z",
    "https://WWW.IWF.ORG.UK/news",
    "https://annualreport2020.iwf.org.uk/trends",
])
def test_addresses_on_the_publishers_hosts_are_allowed(url: str) -> None:
    assert allowed_address(url, IWF) is None


@pytest.mark.parametrize(("url", "why"), [
    ("http://www.iwf.org.uk/news", "must be an https:// address"),
    ("ftp://www.iwf.org.uk/news", "must be an https:// address"),
    ("/news/moved", "must be an https:// address"),
    ("https://user@www.iwf.org.uk/", "user name or password"),
    ("https://www.iwf.org.uk:pw@evil.example/", "user name or password"),
    ("https://www.iwf.org.uk@evil.example/", "user name or password"),
    ("https://evil.example\\@www.iwf.org.uk/", "backslashes"),
    ("https://www.iwf.org.uk\\.evil.example/", "backslashes"),
    ("https://www.iwf.org.uk:8443/", "port"),
    ("https://www.iwf.org.uk:99999/", "not a valid address"),
    ("https://iwf.org.uk.evil.example/", "not one of the publisher's"),
    ("https://eviliwf.org.uk/", "not one of the publisher's"),
    ("https://127.0.0.1/", "no valid host name"),
    ("https://[::1]/", "no valid host name"),
    ("https:///path", "no valid host name"),
    ("https://staging.iwf.org.uk/news", "pre-publication"),
    ("https://www.iwf.org.uk/a b", "spaces"),
    ("https://www.iwf.org.uk/\x00", "spaces"),
])
def test_addresses_off_the_publishers_hosts_are_refused(url: str, why: str) -> None:
    reason = allowed_address(url, IWF)
    assert reason is not None and why in reason


def test_a_publisher_without_domains_allows_nothing() -> None:
    assert "none known" in (allowed_address("https://www.iwf.org.uk/", ()) or "")


def test_occurs_forgives_only_whitespace_and_typographic_quotes() -> None:
    assert normalise(" “Nearly”\n\t300,000  webpages’ ") == "\"Nearly\" 300,000 webpages'"
    assert occurs("2024’s figures", "In 2024's\nfigures")
    assert not occurs("2024’s figures", "In 2024s figures")
    assert not occurs("291,270 webpages", "291,271 webpages")
    assert not occurs("Webpages", "webpages")  # case counts
    assert quote_parts("…with the 31,260 webpages … found") == ["with the 31,260 webpages", "found"]
    assert occurs("acted … on 291,270", "it acted last year on 291,270")
    assert not occurs("acted … on 291,270", "it acted")


def test_a_source_text_reads_back_what_it_writes() -> None:
    text = SourceText((("address", "https://iwf.org.uk/a"), ("taken", "2025-01-30 from the live page")),
                      ("One.\nTwo.", "Three."))
    assert parse_source_text(text.render(), "x", []) == text


@pytest.mark.parametrize(("text", "problem"), [
    ("address: https://iwf.org.uk/a\ntaken: 2025-01-30\n",
     Problem("t", 2, "(passage)", "no passages: each starts after a line '---'")),
    ("address: https://iwf.org.uk/a\n---\nOne.\n", Problem("t", 1, "taken", "required header line missing")),
    ("address: https://iwf.org.uk/a\ntaken: x\naddress: y\n---\nOne.\n",
     Problem("t", 3, "address", "repeated header line")),
    ("address: https://iwf.org.uk/a\ntaken: x\nnot a header\n---\nOne.\n",
     Problem("t", 3, "(header)", "expected 'key: value' or a line '---', got 'not a header'")),
    ("address: https://iwf.org.uk/a\ntaken: x\n---\nOne.\n---\n  \n---\nTwo.\n",
     Problem("t", 5, "(passage)", "empty passage")),
])
def test_a_malformed_source_text_is_refused(text: str, problem: Problem) -> None:
    problems: list[Problem] = []
    assert parse_source_text(text, "t", problems) is None
    assert problem in problems


def test_page_text_lays_out_blocks_inline_elements_and_table_rows() -> None:
    html = (b"<html><head><style>p {}</style><script>var hidden = 1;</script></head><body>"
            b"<p>acted on <b>291,270</b>\n webpages</p><table><tr><th>Country</th><th>URLs</th></tr>"
            b"<tr><td>Netherlands</td><td>83,037</td></tr></table></body></html>")
    text = page_text(html, None)
    assert "hidden" not in text and "p {}" not in text
    assert "acted on 291,270 webpages" in normalise(text)
    assert "Netherlands | 83,037" in normalise(text)


def test_page_text_uses_the_declared_or_the_pages_own_charset() -> None:
    body = "<p>“Nearly” 300,000</p>".encode("cp1252")
    assert page_text(body, "windows-1252") == "“Nearly” 300,000"
    assert page_text(b'<meta charset="windows-1252">' + body, None) == "“Nearly” 300,000"


def test_closest_passage_finds_a_revised_figure_among_many_words() -> None:
    filler = " ".join(f"word{i}" for i in range(5000))
    page = f"{filler} In 2024 the IWF acted on 291,273 webpages. {filler}"
    found = closest_passage("In 2024 the IWF acted on 291,270 webpages.", page)
    assert found is not None and found.text == "In 2024 the IWF acted on 291,273 webpages."
    assert closest_passage("nothing shared", page) is None


def test_every_quote_is_listed_under_its_source_claims_included() -> None:
    ds = iwf_stats.load()
    quotes = quotes_by_source(ds, load_ledger(ds).claims)
    users = [u for q in quotes["iwf_pr_2025_01_22"] for u in q.used_by]
    assert any(u.startswith("observation webpages_actioned") for u in users)
    assert any(u.startswith("claim ") for u in users)
    assert any(u.startswith("fact ") for u in users)
    assert sum(len(q.used_by) for qs in quotes.values() for q in qs) == (
        len(ds.observations) + len(ds.facts) + len(load_ledger(ds).claims))


def test_the_real_table_quotes_are_found_in_a_table_like_the_publishers() -> None:
    """The hosting table's quotes are its rows with cells joined by ' | ', as page_text renders them."""
    ds = iwf_stats.load()
    rows = [q.text.split(" | ") for q in quotes_by_source(ds)["iwf_adir_2024_hosting"]]
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    text = page_text(f"<table><tr><th>Country</th><th>URLs</th><th>%</th></tr>{table}</table>".encode(), None)
    assert rows and all(occurs(" | ".join(row), text) for row in rows)


def _check(page: str, quote: str) -> SourceCheck:
    q = Quote(quote, ("observation pages 2024",))
    missing = () if occurs(quote, page) else (Missing(quote, None),)
    return SourceCheck("s", "https://iwf.org.uk/s", "holds", quotes=(QuoteCheck(q, missing),), page=page)


def test_sources_csv_gets_each_new_texts_sha256_when_it_has_the_column(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("source_id,url,text_sha256\ns,https://iwf.org.uk/s,old\nt,https://iwf.org.uk/t,keep\n",
                    encoding="utf-8")
    change = _sources_csv_change(path, {"s": "new text\n"})
    assert change is not None
    rows = list(csv.DictReader(io.StringIO(change.new)))
    assert rows[0]["text_sha256"] == hashlib.sha256(b"new text\n").hexdigest()
    assert rows[1]["text_sha256"] == "keep"
    path.write_text("source_id,url\ns,https://iwf.org.uk/s\n", encoding="utf-8")
    assert _sources_csv_change(path, {"s": "new text\n"}) is None  # no column yet: left alone


def test_changes_keep_only_the_quoted_paragraph(tmp_path: Path) -> None:
    (tmp_path / "sources.csv").write_text("source_id,url\ns,https://iwf.org.uk/s\n", encoding="utf-8")
    check = _check("Menu\nIntro.\nIn 2024 it acted on  291,270 webpages, a record.\nFooter", "291,270 webpages")
    (change,) = changes(tmp_path, [check], {}, date(2026, 11, 26))
    assert change.name == "sources/s.txt" and change.old is None
    assert change.new == ("address: https://iwf.org.uk/s\ntaken: 2026-11-26 from the live page\n"
                          "---\nIn 2024 it acted on 291,270 webpages, a record.\n")
    assert changes(tmp_path, [_check("Menu", "291,270 webpages")], {}, date(2026, 11, 26)) == []  # quote gone


def test_a_failed_write_leaves_every_target_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "sources" / "b.txt").write_text("old b", encoding="utf-8")
    real_fdopen = os.fdopen
    calls = 0

    def failing_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(OSError, match="No space"):
        write_changes(tmp_path, [Change("sources/a.txt", "old a", "new a"), Change("sources/b.txt", "old b", "new b")])
    assert sorted(p.name for p in (tmp_path / "sources").iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "sources" / "a.txt").read_text(encoding="utf-8") == "old a"
    monkeypatch.undo()
    write_changes(tmp_path, [Change("sources/a.txt", "old a", "new a"), Change("sources/b.txt", "old b", "new b")])
    assert (tmp_path / "sources" / "b.txt").read_text(encoding="utf-8") == "new b"


def test_writes_never_follow_a_symbolic_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources").symlink_to(elsewhere)
    with pytest.raises(OSError):
        write_changes(data, [Change("sources/a.txt", None, "new a")])
    (data / "sources").unlink()
    (data / "sources").mkdir()
    (data / "sources" / "a.txt").symlink_to(elsewhere / "target.txt")
    with pytest.raises(OSError, match="refusing to write through a symbolic link"):
        write_changes(data, [Change("sources/a.txt", None, "new a")])
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (data / "sources").iterdir()) == ["a.txt"]


def test_the_scheduled_workflow_runs_the_check_and_keeps_the_report() -> None:
    import yaml

    flow = yaml.safe_load((REPO / ".github" / "workflows" / "sources.yml").read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    steps = flow["jobs"]["check"]["steps"]
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in steps)
    assert any("-r requirements.lock" in s.get("run", "") for s in steps)
    check = next(s for s in steps if "sources check" in s.get("run", ""))
    assert "iwf-stats sources check --online --json > sources-report.json" in check["run"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "sources-report.json" and upload["if"] == "always()"
    fail = steps[-1]
    assert fail["if"] == f"steps.{check['id']}.outputs.status != '0'" and "exit 1" in fail["run"]


def test_the_readme_states_the_limits_the_code_applies() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"at most {f.MAX_PER_HOST} requests at a time per host ({f.MAX_CONCURRENT} in all)" in readme
    assert f"a {f.TIMEOUT_SECONDS:g} s timeout for connecting and for each read" in readme
    assert f"{f.PAGE_DEADLINE_SECONDS:g} s for a whole page with its redirects" in readme
    assert f"{f.MAX_PAGE_BYTES // 2**20} MiB per page, {f.MAX_REDIRECTS} redirects" in readme
    assert f"User-Agent `{f.user_agent()}`".replace(iwf_stats.__version__, "<version>") in readme


_FRAGMENTS = [b"<p>", b"</p>", b"<table><tr><td>", b"</td><td colspan=99999>", b"</table>", b"\x00", b"<!--",
              b"<?xml version='1.0' encoding='utf-8'?>", b"&#xD800;", b"<meta charset='utf-16'>", b"\xff\xfe",
              b"291,270 ", b"<br>", b"<pre>", b"<ol start=-5><li>", "’".encode()]


@given(st.lists(st.sampled_from(_FRAGMENTS) | st.binary(max_size=8), max_size=30),
       st.sampled_from([None, "utf-8", "latin-1", "utf-16", "no-such-charset", ""]))
@settings(max_examples=150, deadline=None)
def test_any_body_gives_text_or_a_page_text_error(parts: list[bytes], charset: str | None) -> None:
    with contextlib.suppress(PageTextError):
        assert isinstance(page_text(b"".join(parts), charset), str)


@given(st.text(max_size=60), st.sampled_from(["https://www.iwf.org.uk/", "https://", "", "http://x.org/"]))
@settings(max_examples=300, deadline=None)
def test_any_address_is_allowed_or_refused_with_a_reason(tail: str, head: str) -> None:
    reason = allowed_address(head + tail, IWF)
    assert reason is None or (isinstance(reason, str) and reason)


def test_a_page_laid_out_as_one_block_is_never_saved_whole(tmp_path: Path) -> None:
    (tmp_path / "sources.csv").write_text("source_id,url\ns,https://iwf.org.uk/s\n", encoding="utf-8")
    filler = "Other words here. " * 300
    page = f"{filler}In 2024 it acted on  “291,270” webpages, a record. {filler}"
    (change,) = changes(tmp_path, [_check(page, '"291,270" webpages')], {}, date(2026, 11, 26))
    assert change.new.endswith("---\nIn 2024 it acted on “291,270” webpages, a record.\n")  # typographic quotes kept
    assert f"one block of over {MAX_PASSAGE_CHARS:,} characters" in " ".join(
        (REPO / "README.md").read_text(encoding="utf-8").split())
