"""`iwf-stats sources check --online` against a local server standing in for the publishers.

Only the tests marked `loopback` may open a socket, and only to 127.0.0.1 (pytest-socket's
`allow_hosts`); the rest of the suite stays offline. The addresses in the data stay the
real https addresses on the publisher's domain: `ToLoopback` changes only where the bytes
go, so the allowlist and redirect checks run exactly as they do against the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from iwf_stats import cli
from iwf_stats.online import FetchSettings
from onlinekit import Reply, Site, Src, ToLoopback, make_data, page, saved_text, tree

from conftest import REPO

loopback = pytest.mark.allow_hosts(["127.0.0.1"])

QUOTE = "In 2024, the IWF acted on 291,270 webpages."
WWW = "https://www.iwf.org.uk"


def src(name: str, url: str | None = None) -> Src:
    return Src(name, url or f"{WWW}/{name}", QUOTE, "291,270")


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Site | None, data: Path,
        *args: str, **limits: float) -> tuple[int, str, str]:
    transport = ToLoopback(site.port) if site else None
    monkeypatch.setattr(cli, "_fetch_settings", lambda: FetchSettings(transport=transport, **limits))  # type: ignore[arg-type]
    code = cli.main(["sources", "check", "--online", *args, str(data)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def site() -> Site:
    with Site() as s:
        yield s  # type: ignore[misc]


# --- the fixture cases -----------------------------------------------------------------------

@loopback
def test_unchanged_page_holds(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("unchanged")
    site.routes[("www.iwf.org.uk", "/unchanged")] = Reply(body=page("Our annual data.", QUOTE, "Read more."))
    data = make_data(tmp_path, [s], {s.source_id: saved_text(s.url, QUOTE)})
    code, out, err = run(capsys, monkeypatch, site, data)
    assert code == 0, out + err
    assert "unchanged: holds: 1 quote, 1 saved passage" in out
    assert "[1/1] unchanged: holds" in err
    code, out, _ = run(capsys, monkeypatch, site, data, "--json")
    report = json.loads(out)
    (entry,) = [e for e in report["sources"] if e["source_id"] == "unchanged"]
    assert entry["reached"] and not entry["redirected"] and entry["quotes"][0]["present"]
    assert entry["passages"] == [{"text": QUOTE, "present": True, "closest": None, "similarity": None}]
    assert report["summary"]["failed"] == 0


@loopback
def test_a_figure_revised_on_the_page(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("revised")
    revised = QUOTE.replace("291,270", "291,273")
    site.routes[("www.iwf.org.uk", "/revised")] = Reply(body=page("Our annual data.", revised))
    data = make_data(tmp_path, [s], {s.source_id: saved_text(s.url, QUOTE)})
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    assert "revised: changed: 1 of 1 quotes gone; 1 of 1 saved passages changed" in out
    assert f"quote gone: {QUOTE!r} (observation pages 2024)" in out
    assert f"closest on the page now (98% alike): {revised!r}" in out


@loopback
def test_a_quote_removed(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("removed")
    site.routes[("www.iwf.org.uk", "/removed")] = Reply(body=page("Our annual data.", "Contact us."))
    data = make_data(tmp_path, [s])
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    assert "removed: changed: 1 of 1 quotes gone" in out
    assert "nothing like it on the page now" in out


@loopback
def test_a_404(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_data(tmp_path, [src("gone")])
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    assert "gone: unreachable: HTTP 404 Not Found" in out


@loopback
def test_a_timeout(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    site.routes[("www.iwf.org.uk", "/slow")] = Reply(body=page(QUOTE), delay=5)
    data = make_data(tmp_path, [src("slow")])
    code, out, _ = run(capsys, monkeypatch, site, data, timeout=0.3)
    assert code == 1
    assert "slow: unreachable: timed out (no answer for 0.3 s)" in out


@loopback
def test_a_page_deadline(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each answer comes within the timeout, but the redirects together exceed the page's deadline."""
    for i in range(4):
        site.routes[("www.iwf.org.uk", f"/hop{i}")] = Reply(302, headers={"Location": f"/hop{i + 1}"}, delay=0.2)
    data = make_data(tmp_path, [src("hop0")])
    code, out, _ = run(capsys, monkeypatch, site, data, timeout=1, deadline=0.5)
    assert code == 1
    assert "hop0: unreachable: no complete answer within 0.5 s" in out


@loopback
def test_a_redirect_within_the_publisher(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("moved", "https://iwf.org.uk/moved")
    site.routes[("iwf.org.uk", "/moved")] = Reply(301, headers={"Location": f"{WWW}/news/moved-here"})
    site.routes[("www.iwf.org.uk", "/news/moved-here")] = Reply(body=page(QUOTE))
    data = make_data(tmp_path, [s])
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 0, out
    assert f"moved: holds: 1 quote, 1 saved passage (redirected to {WWW}/news/moved-here)" in out
    _, out, _ = run(capsys, monkeypatch, site, data, "--json")
    (entry,) = [e for e in json.loads(out)["sources"] if e["source_id"] == "moved"]
    assert entry["redirected"] and entry["final_url"] == f"{WWW}/news/moved-here"


@loopback
@pytest.mark.parametrize("location", [
    "https://evil.example/iwf",                 # another host
    "https://iwf.org.uk.evil.example/x",        # a host that only starts like the publisher's
    "http://www.iwf.org.uk/plain",              # the publisher, but not https
    "https://www.iwf.org.uk@evil.example/x",    # user-info
    "https://evil.example\\@www.iwf.org.uk/",   # a backslash
])
def test_a_redirect_off_the_publisher_is_refused(location: str, tmp_path: Path, site: Site,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site.routes[("www.iwf.org.uk", "/away")] = Reply(302, headers={"Location": location})
    site.routes[("evil.example", "/iwf")] = Reply(body=page(QUOTE))
    data = make_data(tmp_path, [src("away")])
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    assert f"away: refused: redirected to {location}, which is not followed: " in out
    assert site.hosts_asked() == {"www.iwf.org.uk"}


@loopback
@pytest.mark.parametrize("declared", [True, False])
def test_a_page_too_large(declared: bool, tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    body = page(QUOTE, *["Padding paragraph."] * 4000)
    site.routes[("www.iwf.org.uk", "/huge")] = Reply(body=body, declare_length=declared)
    data = make_data(tmp_path, [src("huge")])
    code, out, _ = run(capsys, monkeypatch, site, data, max_bytes=32 * 1024)
    assert code == 1
    assert "huge: unreachable: larger than the 32 KiB limit" in out
    code, _, _ = run(capsys, monkeypatch, site, data, max_bytes=len(body))
    assert code == 0  # the same page within the limit holds


@loopback
def test_a_non_html_response(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    site.routes[("www.iwf.org.uk", "/report.pdf")] = Reply(body=b"%PDF-1.7 " + QUOTE.encode(),
                                                           headers={"Content-Type": "application/pdf"})
    data = make_data(tmp_path, [src("report", f"{WWW}/report.pdf")])
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    assert "report: unreachable: not an HTML page (content type 'application/pdf')" in out


@loopback
def test_user_agent_and_at_most_two_requests_per_host(tmp_path: Path, site: Site,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [src(f"page{i}") for i in range(5)]
    for s in sources:
        site.routes[("www.iwf.org.uk", f"/{s.source_id}")] = Reply(body=page(QUOTE), delay=0.2)
    data = make_data(tmp_path, sources)
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 0, out
    assert site.peak["www.iwf.org.uk"] == 2  # in parallel, but never more than two at once
    from iwf_stats import __version__
    assert {ua for _, _, ua in site.requests} == {
        f"iwf-stats/{__version__} (iwf-stats: checks that the figures it quotes are still published)"}


# --- --update ------------------------------------------------------------------------------------

@loopback
def test_update_refreshes_only_pages_where_every_quote_holds(tmp_path: Path, site: Site,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    drifted, revised, fresh = src("drifted"), src("revised"), src("fresh")
    saved, now = f"{QUOTE} It was a record.", f"{QUOTE} It was the most ever recorded."
    site.routes[("www.iwf.org.uk", "/drifted")] = Reply(body=page("Navigation text.", now, "Unrelated."))
    site.routes[("www.iwf.org.uk", "/revised")] = Reply(body=page(QUOTE.replace("291,270", "291,273")))
    site.routes[("www.iwf.org.uk", "/fresh")] = Reply(body=page("Intro.", f"Summary. {QUOTE}", "Unrelated."))
    texts = {"drifted": saved_text(drifted.url, saved), "revised": saved_text(revised.url, QUOTE)}
    data = make_data(tmp_path, [drifted, revised, fresh], texts)
    code, out, _ = run(capsys, monkeypatch, site, data)
    assert code == 1
    before = dict(tree(data))
    code, out, err = run(capsys, monkeypatch, site, data, "--update")
    assert code == 1  # the revised figure still fails: it is a correction for a person to record
    assert "1 source(s) no longer hold or could not be checked: revised\n" in err  # drifted is fixed
    assert (data / "sources" / "revised.txt").read_bytes() == before["sources/revised.txt"]
    new = (data / "sources" / "drifted.txt").read_text(encoding="utf-8")
    assert new.endswith(f"---\n{now}\n")
    assert "Navigation text." not in new and "Unrelated." not in new  # only the quoted paragraph
    assert f"address: {drifted.url}\ntaken: " in new
    # fresh's saved passage (the quote alone) is still on its page word for word: kept as saved
    assert (data / "sources" / "fresh.txt").read_bytes() == before["sources/fresh.txt"]
    assert f"-{saved}\n+{now}\n" in out  # the diff, for review
    assert "updated 2 file(s)" in out  # drifted.txt and its text_sha256 in sources.csv
    assert cli.main(["validate", str(data)]) == 0  # the updated texts still hold every quote
    capsys.readouterr()
    assert not [p for p in (data / "sources").iterdir() if p.name.startswith(".")]  # no temporary files left
    # Run again: the saved texts now match, so nothing is rewritten and the drifted page holds.
    code, out, _ = run(capsys, monkeypatch, site, data, "--update")
    assert "drifted: holds" in out and "no saved text needed updating" in out


@loopback
def test_update_never_writes_through_a_symlink(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("fresh")
    site.routes[("www.iwf.org.uk", "/fresh")] = Reply(body=page(QUOTE))
    data = make_data(tmp_path, [s])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(data / "sources", tmp_path / "saved")
    (data / "sources").symlink_to(elsewhere)
    code, _, err = run(capsys, monkeypatch, site, data, "--update")
    assert code == 2 and "iwf-stats: " in err
    assert list(elsewhere.iterdir()) == []
    (data / "sources").unlink()
    shutil.move(tmp_path / "saved", data / "sources")
    (data / "sources" / "fresh.txt").unlink()
    (data / "sources" / "fresh.txt").symlink_to(elsewhere / "target.txt")
    code, _, err = run(capsys, monkeypatch, site, data, "--update")
    assert code == 2 and "symbolic link" in err  # the loader refuses it first; write_changes would too
    assert list(elsewhere.iterdir()) == []


# --- invalid data, misuse, and no network ------------------------------------------------------------

def test_a_saved_text_for_another_address_is_invalid_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("unchanged")
    data = make_data(tmp_path, [s], {s.source_id: saved_text(f"{WWW}/elsewhere", QUOTE)})
    code, _, err = run(capsys, monkeypatch, None, data)
    assert code == 2
    assert "sources/unchanged.txt:1: address: 'https://www.iwf.org.uk/elsewhere' is not the source's url" in err


def test_a_malformed_saved_text_is_invalid_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = src("unchanged")
    data = make_data(tmp_path, [s], {s.source_id: f"address: {s.url}\n---\n{QUOTE}\n---\n\n"})
    code, _, err = run(capsys, monkeypatch, None, data)
    assert code == 2
    assert "checking" not in err  # found before any page is fetched
    assert "sources/unchanged.txt:1: taken: required header line is missing" in err
    assert "sources/unchanged.txt:4: passage: empty passage" in err


def test_without_online_is_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sources", "check"]) == 2
    assert "needs --online" in capsys.readouterr().err


def test_no_network_gives_one_unreachable_line_per_source(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The real data and addresses, with a network that resolves nothing."""
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    monkeypatch.setattr(cli, "_fetch_settings", lambda: FetchSettings(transport=httpx.MockTransport(no_dns)))
    assert cli.main(["sources", "check", "--online"]) == 1
    out, err = capsys.readouterr()
    _check_dry_run(out, err)


def test_dry_run_against_the_real_addresses_without_a_network(tmp_path: Path) -> None:
    """The command as CI runs it, in a network namespace with no network at all."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("CI=true but `unshare -n` is not usable here")
        pytest.skip("`unshare -n` needs root (or user namespaces) to cut the network off")
    run = subprocess.run([unshare, "-n", sys.executable, "-m", "iwf_stats", "sources", "check", "--online"],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 1, run.stderr
    _check_dry_run(run.stdout, run.stderr)


def _check_dry_run(out: str, err: str) -> None:
    import iwf_stats

    ds = iwf_stats.load()
    with_address = sorted(sid for sid, s in ds.sources.items() if s.url)
    lines = out.splitlines()
    unreachable = [line.split(":")[0] for line in lines if ": unreachable: " in line]
    assert unreachable == with_address  # one line per source with an address, and nothing else
    assert len(lines) == len(ds.sources) + 1  # plus the article without an address, plus the summary
    assert "Traceback" not in out + err
    assert f"{len(with_address)} source(s) no longer hold or could not be checked" in err
