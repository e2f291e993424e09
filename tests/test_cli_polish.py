"""The command line's rough edges (issue 12), one test each: `check --json` on invalid data,
every error of a row in one run, and build progress numbered in the order it is printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iwf_stats import DataError, Problem, load

from conftest import TODAY, edit

PR24 = {"series_id": "webpages_actioned", "year": "2024", "source_id": "iwf_pr_2025_01_22"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "iwf_stats", *args], capture_output=True, text=True, cwd=cwd)


# --- check --json: always one JSON object ---

def test_check_json_on_valid_data_has_an_empty_error_list(data_copy: Path) -> None:
    out = run("check", "--json", "data", cwd=data_copy.parent)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["errors"] == [] and doc["summary"]["claims"] == len(doc["claims"]) > 0


def test_check_json_on_invalid_data_lists_every_error(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, value="-5")
    line2 = edit(data_copy, "sources", {"source_id": "iwf_ar_2021"}, url="https://example.org/x")
    out = run("check", "--json", "data", cwd=data_copy.parent)
    assert out.returncode == 2
    doc = json.loads(out.stdout)  # the whole of stdout is one object
    assert doc["claims"] == [] and doc["summary"] is None
    assert {"file": "data/observations.csv", "line": line, "field": "value",
            "message": "must be ≥ 0, got -5"} in doc["errors"]
    assert any(e["file"] == "data/sources.csv" and e["line"] == line2 and e["field"] == "url"
               for e in doc["errors"])
    assert all(set(e) == {"file", "line", "field", "message"} for e in doc["errors"])
    assert "data/observations.csv" in out.stderr  # a person still reads the problems on stderr


def test_check_json_on_a_missing_folder(tmp_path: Path) -> None:
    out = run("check", "--json", "nowhere", cwd=tmp_path)
    assert out.returncode == 2
    (error,) = json.loads(out.stdout)["errors"]
    assert error["file"] == str(tmp_path / "nowhere") and error["line"] is None and error["field"] == "(folder)"


def test_check_json_on_a_broken_ledger(data_copy: Path) -> None:
    (data_copy / "claims.toml").write_text("[[claim]\n", encoding="utf-8")
    out = run("check", "--json", "data", cwd=data_copy.parent)
    assert out.returncode == 2
    errors = json.loads(out.stdout)["errors"]
    assert errors and all(e["file"] == "data/claims.toml" for e in errors)


def test_check_json_when_a_verdict_changes_exits_1(data_copy: Path) -> None:
    ledger = data_copy / "claims.toml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace('expected = "contradicted"',
                                                                 'expected = "supported"'), encoding="utf-8")
    out = run("check", "--json", "data", cwd=data_copy.parent)
    doc = json.loads(out.stdout)
    assert out.returncode == 1 and doc["errors"] == [] and doc["summary"], out.stderr


def test_sources_check_json_on_invalid_data_is_one_object_too(data_copy: Path) -> None:
    """Invalid data is found before any page is fetched, so this opens no connection."""
    line = edit(data_copy, "observations", PR24, value="-5")
    out = run("sources", "check", "--online", "--json", "data", cwd=data_copy.parent)
    assert out.returncode == 2
    doc = json.loads(out.stdout)
    assert doc["sources"] == [] and doc["summary"] is None
    assert {"file": "data/observations.csv", "line": line, "field": "value",
            "message": "must be ≥ 0, got -5"} in doc["errors"]
    out = run("sources", "check", "--json", "data", cwd=data_copy.parent)  # --online forgotten
    assert out.returncode == 2 and "needs --online" in json.loads(out.stdout)["errors"][0]["message"]


# --- every error of a row in one run ---

def test_a_field_error_does_not_hide_the_row_checks(data_copy: Path) -> None:
    """value fails its own check (≥ 0); the quote check, which does not read value, still runs;
    the checks that read value (figure as written, rounding) are skipped, not misreported."""
    line = edit(data_copy, "observations", PR24, value="-5", as_written="29,127")
    path = str(data_copy / "observations.csv")
    with pytest.raises(DataError) as e:
        load(data_copy, today=TODAY)
    mine = [p for p in e.value.problems if p.line == line and p.path == path]
    assert mine == [Problem(path, line, "quote", "does not contain the figure as written ('29,127')"),
                    Problem(path, line, "value", "must be ≥ 0, got -5")]


def test_a_fact_with_two_errors_reports_both(data_copy: Path) -> None:
    from conftest import read_rows

    _, rows = read_rows(data_copy / "facts.csv")
    fact = rows[0]["fact_id"]
    line = edit(data_copy, "facts", {"fact_id": fact}, unit="fortnights", as_written="never written")
    path = str(data_copy / "facts.csv")
    with pytest.raises(DataError) as e:
        load(data_copy, today=TODAY)
    fields = sorted(p.field for p in e.value.problems if p.line == line and p.path == path)
    assert fields == ["quote", "unit"], e.value.problems


def test_validate_prints_both_errors_of_a_row(data_copy: Path) -> None:
    line = edit(data_copy, "observations", PR24, year="20x4", as_written="29,127")
    out = run("validate", "data", cwd=data_copy.parent)
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert f"data/observations.csv:{line}: year: must be a whole number, got '20x4'" in lines
    assert f"data/observations.csv:{line}: quote: does not contain the figure as written ('29,127')" in lines


# --- build progress ---

@pytest.mark.slow
def test_build_progress_is_numbered_in_the_order_printed(data_copy: Path, tmp_path: Path) -> None:
    out = run("build", "--out", str(tmp_path / "site"), str(data_copy), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    numbered = [re.search(r"\[(\d+)/(\d+)\] (\S+): ", line) for line in out.stderr.splitlines()]
    found = [(int(m[1]), int(m[2]), m[3]) for m in numbered if m]
    first: dict[str, int] = {}
    for i, _total, step in found:
        first.setdefault(step, i)
    total = found[0][1]
    assert list(first.values()) == list(range(1, total + 1)), out.stderr  # counts up as printed
    assert all(i == first[step] for i, _t, step in found)  # a step keeps its number


# --- commands end without the interpreter's teardown (cli.run) ---

def test_check_written_to_a_file_is_complete_when_the_process_ends_at_once(data_copy: Path,
                                                                          tmp_path: Path) -> None:
    """`run` ends `validate` and `check` with os._exit after flushing: whatever it printed must
    reach a file in full, and the exit status must be the command's."""
    out_file = tmp_path / "check.json"
    with out_file.open("w") as f:
        done = subprocess.run([sys.executable, "-m", "iwf_stats", "check", "--json", "data"],
                              stdout=f, stderr=subprocess.PIPE, text=True, cwd=data_copy.parent)
    assert done.returncode == 0, done.stderr
    doc = json.loads(out_file.read_text())
    assert doc["summary"]["claims"] == len(doc["claims"]) > 0
    edit(data_copy, "observations", PR24, value="-5")
    with out_file.open("w") as f:
        done = subprocess.run([sys.executable, "-m", "iwf_stats", "validate", "data"],
                              stdout=f, stderr=subprocess.PIPE, text=True, cwd=data_copy.parent)
    assert done.returncode == 2
    assert "observations.csv" in done.stderr and done.stderr.rstrip().endswith("in the data")


def _script(setup: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`setup`, then `cli.run` with `argv`, as the console script calls it, in a new process."""
    code = f"{setup}\nimport sys\nfrom iwf_stats.cli import run\nsys.argv = ['iwf-stats', *{argv!r}]\nrun()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


@pytest.mark.parametrize(("given", "kept", "searched"), [(None, "1", False), ("", "", True), ("1", "1", False)])
def test_pydantic_plugins_are_not_searched_for_unless_the_user_asks(
        given: str | None, kept: str, searched: bool, tmp_path: Path) -> None:
    """`run` sets PYDANTIC_DISABLE_PLUGINS=1, so pydantic does not read every installed
    package's entry points at each start; a value the user set is kept (empty: search)."""
    seen = tmp_path / "seen"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    report = (f"lambda: open({str(seen)!r}, 'w').write(os.environ.get('PYDANTIC_DISABLE_PLUGINS', '-')"
              " + '|' + str(importlib.import_module('pydantic.plugin._loader')._plugins is not None))")
    done = _script(f"import atexit, importlib, os\natexit.register({report})", ["validate"], env)
    assert done.returncode == 0, done.stderr
    assert seen.read_text() == f"{kept}|{searched}"


@pytest.mark.parametrize(("args", "collecting"), [
    (["validate"], False), (["check", "--brief"], False),
    (["charts", "--only", "webpages_actioned", "--size", "web", "--format", "svg", "--out", "{out}"], True),
    (["draft", str(Path(__file__).parent / "fixtures" / "seed-article.txt"), "--json"], True)])
def test_the_collector_is_off_only_for_the_brief_commands(args: list[str], collecting: bool, tmp_path: Path) -> None:
    """`run` starts with the cyclic garbage collector off (importing pydantic and building the
    models makes nothing for it to collect); `validate` and `check` keep it off, every other
    command turns it on before it runs."""
    seen = tmp_path / "seen"
    argv = [a.replace("{out}", str(tmp_path / "charts")) for a in args]
    done = _script(f"import atexit, gc\natexit.register(lambda: open({str(seen)!r}, 'w').write(str(gc.isenabled())))",
                   argv)
    assert done.returncode == 0, done.stderr
    assert seen.read_text() == str(collecting)


def test_threads_still_running_are_waited_for_before_the_process_ends(tmp_path: Path) -> None:
    """As at an ordinary exit: a thread a command left running finishes its work."""
    done_file = tmp_path / "done"
    late = f"lambda: (time.sleep(0.3), open({str(done_file)!r}, 'w').write('x'))"
    done = _script(f"import threading, time\nthreading.Thread(target={late}).start()", ["validate"])
    assert done.returncode == 0, done.stderr
    assert done_file.read_text() == "x"


def test_importing_the_package_leaves_pydantic_for_later() -> None:
    """The command line sets up its process before pydantic is imported: `import iwf_stats`
    and its command line import it only when a name that needs it is first used."""
    code = ("import sys, iwf_stats, iwf_stats.cli\n"
            "assert 'pydantic' not in sys.modules, 'imported at once'\n"
            "assert {'load', 'Dataset', 'Conflict'} <= set(dir(iwf_stats)), 'listed before first use'\n"
            "from iwf_stats import load, Dataset\n"
            "assert iwf_stats.load is load and 'pydantic' in sys.modules\n"
            "try:\n    iwf_stats.no_such_name\nexcept AttributeError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "module 'iwf_stats' has no attribute 'no_such_name'"


def test_what_was_registered_to_run_at_exit_still_runs(tmp_path: Path) -> None:
    """`run` skips the interpreter's teardown, not the exit functions: a temporary folder's
    finaliser (which is how `tempfile` and multiprocessing clean up) still runs, and the
    status is the command's."""
    left = tmp_path / "left"
    done = _script(f"import tempfile\nkept = tempfile.TemporaryDirectory(dir={str(tmp_path)!r})\n"
                   f"open({str(left)!r}, 'w').write(kept.name)", ["validate", "no-such-folder"])
    assert done.returncode == 2, done.stderr
    assert left.exists() and not Path(left.read_text()).exists()  # removed at exit


def test_main_called_in_process_returns_instead_of_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    from iwf_stats.cli import main

    assert main(["validate"]) == 0  # only `run`, the console script, ends the process early
    assert capsys.readouterr().out.startswith("Valid:")


@pytest.mark.parametrize("args", [["validate"], ["check"], ["check", "--json"]])
def test_a_reader_that_closes_the_pipe_gets_a_quiet_exit(args: list[str]) -> None:
    """`iwf-stats check | head`: the reader is gone before the output is written. Before, this
    printed "Broken pipe" (or, for --json, a traceback) and exited 2 or 1; now nothing is
    said and the status is 141 (128 + SIGPIPE, as a shell reports it)."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "iwf_stats", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == ""


@pytest.mark.parametrize("argv", [["validate"], ["check", "--json", "--brief", "elsewhere"],
                                  ["sources", "check", "--online"], ["charts", "--only", "a", "b", "--jobs", "2"],
                                  ["draft", "a.html", "--json"], ["build", "--force"], ["datapackage", "data"]])
def test_the_parser_of_one_command_reads_its_arguments_as_the_whole_parser_does(argv: list[str]) -> None:
    """`main` builds only the named command's parser; what it reads must not change."""
    from iwf_stats.cli import build_parser

    assert vars(build_parser(argv[0]).parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["check", "--version"], ["validate", "a", "b"], ["sources"]])
def test_the_parser_of_one_command_refuses_what_the_whole_parser_refuses(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from iwf_stats.cli import build_parser

    said = []
    for parser in (build_parser(argv[0]), build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        said.append(capsys.readouterr().err)
    assert said[0] == said[1] and "error:" in said[0]
