"""`iwf-stats validate` as a user runs it: summary on success, error list and exit 2 on bad data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import DATA, REPO, edit

PR24 = {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_pr_2025_01_22"}


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "iwf_stats", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_validate_prints_a_summary() -> None:
    out = run("validate", str(DATA))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Valid: 92 sources from 32 publishers, 49 series, 297 observations")
    assert "webpages_actioned 2024: 291,273 preferred over 291,270" in out.stdout
    assert out.stderr == ""


def test_validate_names_file_line_and_field_and_exits_2(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, value="-5")
    line2 = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"}, url="https://example.org/x")
    out = run("validate", "data", cwd=data_copy.parent)
    assert out.returncode == 2
    assert out.stdout == ""
    assert f"data/observations.csv:{line}: value: must be ≥ 0, got -5" in out.stderr.splitlines()
    assert any(x.startswith(f"data/sources.csv:{line2}: url: host 'example.org'")
               for x in out.stderr.splitlines())
    assert "Traceback" not in out.stderr
    assert out.stderr.rstrip().endswith("problems in the data")


def test_missing_folder_is_a_clean_error(tmp_path: Path) -> None:
    out = run("validate", str(tmp_path / "nowhere"))
    assert out.returncode == 2
    assert out.stderr.startswith(f"{tmp_path / 'nowhere'}: (folder): data folder not found")
    assert "Traceback" not in out.stderr


def test_datapackage_is_regenerated_identically(data_copy: Path) -> None:
    before = (data_copy / "datapackage.json").read_bytes()
    (data_copy / "datapackage.json").write_text("{}")
    out = run("datapackage", str(data_copy))
    assert out.returncode == 0, out.stderr
    assert (data_copy / "datapackage.json").read_bytes() == before


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("iwf-stats")
    out = subprocess.run([str(exe), "validate"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("Valid:")


def test_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "charts"
    blocker.write_text("a file where the output folder should be")
    out = run("charts", "--out", str(blocker / "inner"), "--only", "hosting", "--format", "png")
    assert out.returncode == 2
    assert out.stderr.startswith("iwf-stats: Not a directory") and "Traceback" not in out.stderr
