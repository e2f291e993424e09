"""The robustness catalogue: each kind of bad input gives a clear error naming file, line and
field, exit status 2, no traceback, and no output written; what a spreadsheet writes loads."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from iwf_stats.report.outdir import STAGING_PREFIX

from conftest import DATA, REPO, append, edit, read_rows

#: How long each bad input took to be refused (the README reports the slowest).
TIMES: dict[str, float] = {}

PR24 = {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_pr_2025_01_22"}


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        path = d / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def _edit(table: str, where: dict[str, str], **changes: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        edit(d, table, where, **changes)
    return mutate


def _latin1(d: Path) -> None:
    path = d / "sources.csv"
    path.write_bytes(path.read_bytes().replace(b"Annual", "Ann\xfcal".encode("latin-1"), 1))


def _duplicate_observation(d: Path) -> None:
    _, rows = read_rows(d / "observations.csv")
    append(d, "observations", rows[3])


def _truncate_row(d: Path) -> None:
    with (d / "series.csv").open("a", encoding="utf-8") as f:
        f.write("half_a_row,Half\n")


def _every(name: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        path = d / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return mutate


def _drop_claim(claim_id: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        path = d / "claims.toml"
        blocks = path.read_text(encoding="utf-8").split("[[claim]]")
        path.write_text("[[claim]]".join(b for b in blocks if f'id = "{claim_id}"' not in b), encoding="utf-8")
    return mutate


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        (d / name).unlink(missing_ok=True)
        (d / name).symlink_to(target)
    return mutate


def _fifo(d: Path) -> None:
    os.mkfifo(d / "stream.csv")


def _subfolder(d: Path) -> None:
    (d / "drafts").mkdir()
    (d / "drafts" / "x.csv").write_text("a\n")


def _header_only(d: Path) -> None:
    path = d / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")


def _huge(name: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        with (d / name).open("r+b") as f:  # sparse: 100 MB on paper, nothing written to disk
            f.truncate(100 * (1 << 20))
    return mutate


def _many_claims(n: int) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        block = '[[claim]]\nid = "x{0}"\n'
        (d / "claims.toml").write_text("".join(block.format(i) for i in range(n)), encoding="utf-8")
    return mutate


def _long_ledger_value(d: Path) -> None:
    path = d / "claims.toml"
    text = path.read_text(encoding="utf-8").replace('note = "', 'note = "' + "x" * 20_000, 1)
    path.write_text(text, encoding="utf-8")


def _nested_toml(d: Path) -> None:
    (d / "claims.toml").write_text("[[claim]]\nx = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")


def _nested_json(d: Path) -> None:
    path = d / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"resources": [', '"deep": ' + "[" * 100_000 + "]" * 100_000 + ', "resources": [', 1),
                    encoding="utf-8")


def _long_field(d: Path) -> None:
    edit(d, "sources", {"source_id": "iwf_ar_2022"}, note="x" * 20_000)


def _remove(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).unlink()


def _header(name: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(d: Path) -> None:
        path = d / name
        lines = path.read_text(encoding="utf-8").split("\n")
        assert old in lines[0]
        lines[0] = lines[0].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    return mutate


#: (kind of bad input, how to make it, file named, field named)
CATALOGUE: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("malformed CSV", _replace("publishers.csv", ",iwf.org.uk,", ',"iwf.org.uk,'), "publishers.csv", "(csv)"),
    ("wrong encoding", _latin1, "sources.csv", "(encoding)"),
    ("empty file", lambda d: (d / "series.csv").write_text(""), "series.csv", "(header)"),
    ("missing file", _remove("facts.csv"), "facts.csv", "(file)"),
    ("missing column", _header("series.csv", ",unit,", ","), "series.csv", "unit"),
    ("extra column", _header("series.csv", "definition", "definition,comment"), "series.csv", "comment"),
    ("duplicated header", _header("series.csv", "title", "title,title"), "series.csv", "title"),
    ("row with too few fields", _truncate_row, "series.csv", "(row)"),
    ("duplicate key", _duplicate_observation, "observations.csv", "source_id"),
    ("unknown series id", _edit("observations", PR24, series_id="webpages_taken_down"), "observations.csv",
     "series_id"),
    ("unknown source id", _edit("observations", PR24, source_id="iwf_pr_2099"), "observations.csv", "source_id"),
    ("unknown publisher id", _edit("sources", {"source_id": "iwf_ar_2022"}, publisher_id="iwf_uk"), "sources.csv",
     "publisher_id"),
    ("quote that lost its number", _edit("observations", PR24, quote="the IWF acted on webpages."),
     "observations.csv", "quote"),
    ("negative count", _edit("observations", PR24, value="-291270"), "observations.csv", "value"),
    ("thousands separator in the wrong place", _edit("observations", PR24, as_written="2912,70",
                                                     quote="on 2912,70 webpages"), "observations.csv", "as_written"),
    ("year that is not a number", _edit("observations", PR24, year="twenty24"), "observations.csv", "year"),
    ("year in the future", _edit("observations", {"source_id": "iwf_ar_2021", "series_id": "webpages_actioned"},
                                 year="2999"), "observations.csv", "year"),
    ("percentage over 100", _edit("observations", {"category": "Netherlands",
                                                   "series_id": "share_of_webpages_actioned_by_hosting_country"},
                                  value="290", as_written="290%", quote="Netherlands | 83,037 | 290%"),
     "observations.csv", "value"),
    ("rounding that does not hold", _edit("observations", {"series_id": "webpages_actioned", "year": "2014",
                                                           "source_id": "iwf_pr_2025_01_22"},
                                          rounding="nearest_10"), "observations.csv", "rounding"),
    ("address that is not https", _edit("sources", {"source_id": "iwf_ar_2022"},
                                        url="http://www.iwf.org.uk/about-us/who-we-are/annual-report-2022/"),
     "sources.csv", "url"),
    ("address off the publisher's site", _edit("sources", {"source_id": "iwf_ar_2022"},
                                               url="https://example.com/annual-report-2022/"), "sources.csv", "url"),
    ("fact whose date does not match its words", _edit("facts", {"fact_id": "iicsa_final_report_remedylaw"},
                                                       value="2022-10-21"), "facts.csv", "value"),
    ("broken datapackage.json", _replace("datapackage.json", '"resources": [', '"resources": [,'),
     "datapackage.json", "(json)"),
    ("claim referring to a missing series", _replace("claims.toml", 'series = "reports_assessed"',
                                                     'series = "reports_seen"'), "claims.toml", "series"),
    ("claims file with a syntax error", _replace("claims.toml", 'kind = "amount"', 'kind = amount'),
     "claims.toml", "(toml)"),
    ("claim of an unknown kind", _replace("claims.toml", 'kind = "amount"', 'kind = "sum"'), "claims.toml", "kind"),
    ("claim whose quote lost its figure", _replace("claims.toml", "an increase of 830 percent",
                                                   "an increase of percent"), "claims.toml", "stated"),
    # --- the data folder holds only the dataset's files (issue 9) ---
    ("symlink to a secret in the data folder", _symlink("x.csv", "/etc/hostname"), "x.csv", "(file)"),
    ("table replaced by a symlink to a device", _symlink("facts.csv", "/dev/zero"), "facts.csv", "(file)"),
    ("FIFO in the data folder", _fifo, "stream.csv", "(file)"),
    ("subfolder in the data folder", _subfolder, "drafts", "(file)"),
    ("unknown file in the data folder", lambda d: (d / "notes.txt").write_text("private"), "notes.txt", "(file)"),
    # --- addresses (issue 9) ---
    ("address whose query fakes the host", _edit("sources", {"source_id": "iwf_ar_2022"},
                                                 url="https://evil.com?.iwf.org.uk"), "sources.csv", "url"),
    ("address whose fragment fakes the host", _edit("sources", {"source_id": "iwf_ar_2022"},
                                                    url="https://evil.com#.iwf.org.uk"), "sources.csv", "url"),
    ("address with a backslash", _edit("sources", {"source_id": "iwf_ar_2022"},
                                       url="https://evil.com\\.iwf.org.uk"), "sources.csv", "url"),
    ("address with user-info", _edit("sources", {"source_id": "iwf_ar_2022"},
                                     url="https://user:pw@evil.com?.iwf.org.uk"), "sources.csv", "url"),
    ("address of a staging draft", _edit("sources", {"source_id": "iwf_ar_2022"},
                                         url="https://uat.iwf.org.uk/annual-report-2022/"), "sources.csv", "url"),
    # --- text that could render as code or hide output (issue 9) ---
    ("category differing only by a space", _edit("observations", {"category": "Bulgaria",
                                                                  "series_id": "webpages_actioned_by_hosting_country"},
                                                 category="Bulgaria "), "observations.csv", "category"),
    ("NUL byte in a table", _replace("sources.csv", "Annual Report 2022", "Annual\x00Report 2022"),
     "sources.csv", "(text)"),
    ("terminal escape code in the ledger", _replace("claims.toml", "'nearly X' is taken", "\x1b[8m'nearly X' is taken"),
     "claims.toml", "(text)"),
    ("line separator U+2028 in the ledger", _replace("claims.toml", "'nearly X' is taken", "\u2028'nearly X' is taken"),
     "claims.toml", "(text)"),
    ("attribution of a kilobyte", _edit("publishers", {"publisher_id": "iwf"}, attribution="IWF " * 256),
     "publishers.csv", "attribution"),
    # --- numbers read whole (issue 9) ---
    ("stated figure of 5,000 digits", _every("claims.toml", "830 percent", f"{'8' * 5000} percent"),
     "claims.toml", "stated"),
    ("figure written with an underscore",
     _edit("observations", PR24, as_written="291_270", quote="on 291_270 webpages"), "observations.csv", "as_written"),
    ("figure written with a decimal point", _edit("observations", PR24, as_written="291270.0",
                                                  quote="on 291270.0 webpages"), "observations.csv", "as_written"),
    ("figure written in other digits", _edit("observations", PR24, as_written="٢٩١٢٧٠", quote="on ٢٩١٢٧٠ webpages"),
     "observations.csv", "as_written"),
    # --- limits (issue 9) ---
    ("observations file of 100 MB", _huge("observations.csv"), "observations.csv", "(file)"),
    ("ledger of 3,000 claims", _many_claims(3_000), "claims.toml", "claim"),
    ("ledger of 100,000 claims (over 2 MiB)", _many_claims(100_000), "claims.toml", "(file)"),
    ("ledger value longer than the limit", _long_ledger_value, "claims.toml", "note"),
    ("deeply nested ledger", _nested_toml, "claims.toml", "(toml)"),
    ("deeply nested datapackage.json", _nested_json, "datapackage.json", "(json)"),
    ("field longer than the limit", _long_field, "sources.csv", "(csv)"),
    ("header-only observations file", _header_only, "observations.csv", "(rows)"),
    ("ledger without the claim a chart shows", _drop_claim("article_830_percent"), "claims.toml", "id"),
]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_catalogue_has_at_least_50_kinds() -> None:
    assert len(CATALOGUE) >= 50
    assert len({c[0] for c in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(("kind", "mutate", "file", "field"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_a_clean_error_and_writes_nothing(kind: str, mutate: Callable[[Path], None], file: str,
                                                      field: str, data_copy: Path) -> None:
    mutate(data_copy)
    out = data_copy.parent / "site" / "nested"
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "build", "--out", str(out), str(data_copy)],
                         capture_output=True, text=True, cwd=data_copy.parent, timeout=60)
    took = time.perf_counter() - started
    assert run.returncode == 2, (kind, run.stderr)
    assert "Traceback" not in run.stderr
    lines = [x for x in run.stderr.splitlines() if x.startswith("data/")]
    assert any(x.startswith(f"data/{file}") and f": {field}: " in x for x in lines), (kind, run.stderr)
    for x in lines:  # every reported problem names file, line (or just the file) and field
        where, _, rest = x.partition(": ")
        assert rest.count(": ") >= 1, x
        if ":" in where:
            assert where.rsplit(":", 1)[1].isdigit(), x
    assert not out.parent.exists()  # not even the output's parent folder is created
    assert [p.name for p in data_copy.parent.iterdir() if p.name.startswith(STAGING_PREFIX)] == []
    TIMES[kind] = took


def test_spreadsheet_csv_with_bom_and_crlf_builds_like_any_other(data_copy: Path) -> None:
    for path in data_copy.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "check", "--brief", str(data_copy)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_interrupted_build_keeps_the_previous_site(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    out = tmp_path / "site"
    cmd = [sys.executable, "-m", "iwf_stats", "build", "--out", str(out), str(data)]
    subprocess.run(cmd, check=True, capture_output=True)
    before = _tree(out)
    proc = subprocess.Popen([*cmd, "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # kill it while the notebooks run
        if "executing" in line:
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)]  # the killed build's leftovers
    again = subprocess.run([*cmd, "--force"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert _tree(out) == before  # same inputs, same bytes
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)] == []


def test_build_needs_no_network(tmp_path: Path) -> None:
    """Run a whole build in a network namespace with no interfaces but loopback (down)."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("CI=true but `unshare -n` is not usable here")
        pytest.skip("`unshare -n` needs root (or user namespaces) to cut the network off")
    run = subprocess.run([unshare, "-n", sys.executable, "-m", "iwf_stats", "build", "--out",
                          str(tmp_path / "site")], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "index.html").exists()
