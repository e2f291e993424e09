"""The command line: a thin face over the library.

Only this module prints or chooses exit codes. Exit status: 0 success; 1 a check
failed (a claim no longer reproduces as recorded, a notebook failed, or a source's page
no longer holds its quotes or could not be reached); 2 the data is
invalid, the command was misused or an output cannot be written; 3 an internal error
(a bug: run with IWF_STATS_DEBUG=1 to see the traceback); 130 interrupted (Ctrl-C); 141 the
reader of the output closed it early (`iwf-stats check | head`), which is said nowhere.

The claims ledger is checked against a valid dataset, so when the data itself is invalid
the data's problems are reported first and the ledger's after they are fixed.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .errors import DataError, OutputRefused, shown_path

if TYPE_CHECKING:
    from .claims import Ledger
    from .dataset import Dataset
    from .online import FetchSettings, SourceCheck

EXIT_OK, EXIT_CHECK_FAILED, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3
#: The reader of the output closed it early (`| head`): quiet, and 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("data_dir", nargs="?", type=Path, default=None,
                   help="folder holding the CSVs (default: $IWF_STATS_DATA or the repository's data/)")


def _load_with_claims(data_dir: Path | None) -> tuple[Dataset, Ledger]:
    from .claims import load_ledger
    from .loading import load

    ds = load(data_dir)
    return ds, load_ledger(ds)


def cmd_validate(args: argparse.Namespace) -> int:
    from .summary import dataset_summary

    ds, ledger = _load_with_claims(args.data_dir)
    print(dataset_summary(ds) + f" The claims ledger holds {len(ledger.claims)} claims.")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .claims import check
    from .summary import check_table

    ds, ledger = _load_with_claims(args.data_dir)
    report = check(ds, ledger)
    if args.json:
        print(json.dumps({**report.to_json(), "errors": []}, indent=2, ensure_ascii=False))
    else:
        print(check_table(report, explain=not args.brief))
    if report.differing:
        names = ", ".join(r.id for r in report.differing)
        print(f"iwf-stats: {len(report.differing)} claim(s) no longer reproduce as recorded: {names}",
              file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    from datetime import date

    from .draft import draft, read_article
    from .draft.output import draft_table, write_ledger
    from .errors import Problem
    from .loading import load

    published = None
    if args.published:
        try:
            published = date.fromisoformat(args.published)
        except ValueError:
            raise DataError([Problem("--published", 1, "published",
                                     f"{args.published!r} is not a date written YYYY-MM-DD")]) from None
    ds = load(args.data)
    text = read_article(args.article)
    result = draft(ds, text, args.document or _document_id(args.article), published)
    if args.out is not None:
        if args.out.exists():
            print(f"iwf-stats: {args.out} already exists; the draft never overwrites a file", file=sys.stderr)
            return EXIT_INVALID
        write_ledger(result, shown_path(args.article), args.out)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(draft_table(result))
    if args.out is not None:
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK


def _document_id(path: Path) -> str:
    """A source id for the article from its file name ("Guardian 2025-01.html" → "guardian_2025_01")."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_") or "article"
    return slug if slug[0].isalpha() else f"article_{slug}"


def cmd_datapackage(args: argparse.Namespace) -> int:
    from .datapackage import sources_entries, write
    from .loading import default_data_dir, load
    from .resources import is_packaged

    root = args.data_dir or default_data_dir()
    if is_packaged(root):
        raise OutputRefused(f"{root} is the installed package's copy of the data, which iwf-stats never "
                            "writes; copy the folder elsewhere and name the copy")
    # The descriptor may be the stale part, so the tables are validated without it.
    ds = load(root, check_descriptor=False)
    print(f"wrote {shown_path(write(root, sources_entries(ds)))}")
    return EXIT_OK


def cmd_charts(args: argparse.Namespace) -> int:
    from .charts import render
    from .charts.export import looks
    from .claims import check
    from .report.build import protected_paths
    from .report.outdir import check_output, write_marker

    ds, ledger = _load_with_claims(args.data_dir)
    out = check_output(args.out, "charts", *protected_paths(ds.root))
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    try:
        styles = looks(_names(args.size), _names(args.theme), args.editable)
        written = render(ds, out, args.only, formats, report=check(ds, ledger), styles=styles,
                         jobs=args.jobs or _cpus())
    except ValueError as e:
        print(f"iwf-stats: {e}", file=sys.stderr)
        return EXIT_INVALID
    write_marker(out, "charts")
    for w in written:
        print(f"{w.name}: " + ", ".join(str(out / f) for f in w.files))
    charts = len({w.name for w in written})
    print(f"wrote {sum(len(w.files) for w in written)} files for {charts} charts to {out}, "
          f"and {out / 'manifest.json'}")
    return EXIT_OK


def _cpus() -> int:
    """The processors this process may run on (fewer than the machine's under a CPU limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("give at least 1")
    return n


def _names(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


class _Parser(argparse.ArgumentParser):
    """A parser whose epilog may be computed only when help is asked for (`epilog_fn`)."""

    epilog_fn: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.epilog_fn is not None:
            self.epilog = self.epilog_fn()
        return super().format_help()


def _charts_epilog() -> str:
    """The chart names (from the data's catalogue, read without validating it), sizes, themes."""
    import tomllib

    from .catalogue import BESPOKE, CATALOGUE_FILE
    from .charts.style import SIZES, THEMES
    from .loading import default_data_dir

    try:
        with (default_data_dir() / CATALOGUE_FILE).open("rb") as f:
            doc = tomllib.load(f)
        entries = doc.get("chart", [])
        names = [str(c.get("name")) for c in entries if isinstance(c, dict)] if isinstance(entries, list) else []
        charts = ", ".join([*names, *BESPOKE])
    except (OSError, ValueError):
        charts = ", ".join(BESPOKE) + " (and the catalogue's, which cannot be read)"
    return (f"charts: {charts}\n"
            + "sizes: " + "; ".join(f"{s.name} ({s.description})" for s in SIZES.values()) + "\n"
            + f"themes: {', '.join(THEMES)} (default light)")


def cmd_build(args: argparse.Namespace) -> int:
    import time

    from .report.build import BuildError, build

    start = time.perf_counter()

    def progress(message: str) -> None:
        # One write per line, so lines from notebooks running side by side never interleave.
        sys.stderr.write(f"{time.perf_counter() - start:6.1f}s  {message}\n")
        sys.stderr.flush()

    try:
        result = build(args.out, args.data_dir, force=args.force, progress=progress, jobs=args.jobs)
    except BuildError as e:
        print(f"iwf-stats: build failed, previous output left in place: {e}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    took = time.perf_counter() - start
    index = shown_path(result.out / "index.html")
    if result.up_to_date:
        print(f"{index} is up to date ({took:.1f} s)")
    else:
        print(f"built {index} in {took:.1f} s: ran {', '.join(result.ran)}"
              + (f"; reused {', '.join(result.skipped)}" if result.skipped else ""))
    return EXIT_OK


def _fetch_settings() -> FetchSettings:
    """The online check's limits (the documented defaults); tests replace this function."""
    from .online import FetchSettings

    return FetchSettings()


def cmd_sources_check(args: argparse.Namespace) -> int:
    from datetime import date

    from .online import check_online, read_saved_texts
    from .online.summary import report_text, source_line
    from .online.update import changes, still_failing, write_changes

    if not args.online:
        if args.json:
            _json_failure(args, [_error("sources check needs --online (it fetches every source's page)")])
        print("iwf-stats: sources check needs --online (it fetches every source's page)", file=sys.stderr)
        return EXIT_INVALID
    ds, ledger = _load_with_claims(args.data_dir)
    saved = read_saved_texts(ds)  # invalid saved texts are invalid data: found before fetching anything
    settings = _fetch_settings()

    def progress(done: int, total: int, check: SourceCheck) -> None:
        sys.stderr.write(f"[{done}/{total}] {source_line(check)}\n")
        sys.stderr.flush()

    sys.stderr.write(f"checking {sum(1 for s in ds.sources.values() if s.url)} source addresses, "
                     f"at most {settings.per_host} requests at a time per host\n")
    report = check_online(ds, ledger.claims, settings, progress, saved)
    updates = []
    if args.update:
        texts = {sid: text for sid, (_, text) in saved.items()}
        updates = changes(ds.root, report.checks, texts, date.today())
        write_changes(ds.root, updates)
    failed = still_failing(report.failed, updates)
    if args.json:
        out = {**report.to_json(), "errors": []}
        if args.update:
            out["updates"] = [{"file": u.name, "diff": u.diff()} for u in updates]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(report_text(report))
        if args.update:
            for u in updates:
                print(u.diff(), end="")
            print(f"updated {len(updates)} file(s) in {shown_path(ds.root)}" if updates
                  else "no saved text needed updating")
    if failed:
        print(f"iwf-stats: {len(failed)} source(s) no longer hold or could not be checked: "
              + ", ".join(c.source_id for c in failed), file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _add_validate(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("validate", help="validate data/ and print a summary")
    _data_arg(p)
    p.set_defaults(func=cmd_validate)


def _add_check(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("check", help="reproduce every claim in data/claims.toml and compare verdicts")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of the table: claims, summary and errors (also on "
                        "invalid data, with each error's file, line, field and message)")
    p.add_argument("--brief", action="store_true", help="the table without the explanation lines")
    _data_arg(p)
    p.set_defaults(func=cmd_check)


def _add_draft(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("draft", help="find every checkable figure in an article and judge it against the data")
    p.add_argument("article", type=Path, help="the article, as a plain-text or HTML file")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--out", type=Path, default=None, metavar="LEDGER.toml",
                   help="also write the statements as draft claims in claims.toml's format (a new file)")
    p.add_argument("--document", default=None, metavar="ID",
                   help="the article's source id in sources.csv (default: from the file name)")
    p.add_argument("--published", default=None, metavar="YYYY-MM-DD",
                   help="the article's date, to place 'last week' (default: its date in sources.csv)")
    p.add_argument("--data", type=Path, default=None, metavar="DATA_DIR",
                   help="folder holding the CSVs (default: $IWF_STATS_DATA or the repository's data/)")
    p.set_defaults(func=cmd_draft)


def _add_charts(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("charts", help="render the charts with their data, alt text and sources",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.epilog_fn = _charts_epilog
    p.add_argument("--out", default="output/charts",
                   help="folder: new, empty, or one iwf-stats wrote (default: output/charts)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="render only these charts (names below)")
    p.add_argument("--format", default="png,svg,pdf",
                   help="image formats, comma-separated, any case (default: png,svg,pdf)")
    p.add_argument("--size", metavar="NAME[,NAME…]", help="size presets (default: web; see below)")
    p.add_argument("--theme", metavar="NAME[,NAME…]", help="themes (default: light)")
    p.add_argument("--editable", action="store_true",
                   help="keep SVG text as text and embed TrueType (Type 42) fonts in PDFs")
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="charts drawn at once, each in a process of its own (default: one per CPU)")
    _data_arg(p)
    p.set_defaults(func=cmd_charts)


def _add_build(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("build", help="validate, check, chart, run the notebooks and write the site")
    p.add_argument("--out", default="output/site",
                   help="folder: new, empty, or a site iwf-stats wrote (default: output/site)")
    p.add_argument("--force", action="store_true", help="rebuild every step, changed or not")
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="notebooks run at once (default: all of them)")
    _data_arg(p)
    p.set_defaults(func=cmd_build)


def _add_datapackage(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("datapackage", help="regenerate data/datapackage.json from the record models")
    _data_arg(p)
    p.set_defaults(func=cmd_datapackage)


def _add_sources(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("sources", help="check the sources themselves")
    sources = p.add_subparsers(dest="sources_command", required=True, metavar="SUBCOMMAND")
    p = sources.add_parser("check", help="fetch every source's page and check that the quotes are still there")
    p.add_argument("--online", action="store_true",
                   help="fetch the pages (only on each publisher's own hosts); required")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    p.add_argument("--update", action="store_true",
                   help="refresh the saved passages from pages on which every quote still holds; print the diff")
    _data_arg(p)
    p.set_defaults(func=cmd_sources_check, json_items="sources")


#: Each command and the function that adds its parser, in the order `--help` lists them.
COMMANDS: dict[str, Callable[[argparse._SubParsersAction[_Parser]], None]] = {
    "validate": _add_validate,
    "check": _add_check,
    "draft": _add_draft,
    "charts": _add_charts,
    "build": _add_build,
    "datapackage": _add_datapackage,
    "sources": _add_sources,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser, with every command; with `only`, with that command alone.

    Once the first argument names a command, the parser of no other command can take part
    in parsing: the main parser has only `--version` and `-h` before it, and everything
    after it goes to that command's parser. Building the other six (through gettext, which
    looks for translation files at every string) was a tenth of what `validate` itself
    does, so `main` builds them only when the first argument is not a command name."""
    parser = argparse.ArgumentParser(
        prog="iwf-stats",
        description="Check, chart and report the Internet Watch Foundation's published figures.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"iwf-stats {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, add in COMMANDS.items():
        if only is None or name == only:
            add(sub)
    return parser


def _json_failure(args: argparse.Namespace, errors: list[dict[str, object]]) -> None:
    """What `--json` prints when the command fails before it has a result: the same keys as a
    result (`claims` for check, `sources` for sources check), empty, and every error; stderr
    still gets the lines a person reads."""
    doc = {getattr(args, "json_items", "claims"): [], "summary": None, "errors": errors}
    print(json.dumps(doc, indent=2, ensure_ascii=False))


def _error(message: str, file: str | None = None, line: int | None = None,
           field: str | None = None) -> dict[str, object]:
    return {"file": file, "line": line, "field": field, "message": message}


#: pydantic's switch for its plugin search (see `run`).
_NO_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


def run() -> NoReturn:
    """The console script and `python -m iwf_stats`: `main`, then exit with its status.

    The process ends as soon as the command has returned and its output is flushed, without
    the interpreter's teardown: freeing the objects a loaded dataset holds, one by one, took a
    third as long as `check` itself (30–40 ms of 0.3 s), and after a build (Jupyter, pandas,
    matplotlib and nbconvert loaded) 0.45 s, after rendering every preset 0.25–0.3 s. It
    leaves nothing behind: every command closes its files, joins its workers and removes its
    temporary folders before it returns. What an ordinary exit does before that still happens,
    in the same order: threads still running are waited for (`threading._shutdown`, which the
    interpreter itself calls), then what a library registered to run at exit (the finalisers
    of temporary folders, multiprocessing's clean-up, logging's last flush) runs; only the
    freeing of memory is skipped, which the system does at once.

    The cyclic garbage collector is off from the start. Importing pydantic and building the
    package's two dozen models allocates a few hundred thousand objects, none of them
    garbage, and the collector went through them again and again: with it off, `validate`
    took 0.348 s of CPU instead of 0.377 s (medians of 21 alternated runs). It stays off for
    `validate` and `check`, which end within a second with their memory bounded by the
    dataset (whose loading turns it off anyway); every other command turns it on again
    before it starts (see `main`).

    pydantic's plugins are not looked for (`PYDANTIC_DISABLE_PLUGINS=1`, unless the variable
    is already set; an empty value turns the search back on). pydantic finds its plugins,
    observability hooks that no command here uses, by reading the entry points of every
    installed package as it builds its first model: 35 million instructions at each start in
    a virtual environment of 146 packages, a twenty-eighth of `check` (counted by callgrind).
    Processes the command starts, such as notebook kernels, inherit the setting."""
    os.environ.setdefault(_NO_PLUGINS, "1")
    gc.disable()
    raise SystemExit(main(as_script=True))


def main(argv: Sequence[str] | None = None, *, as_script: bool = False) -> int:
    """Run one command; its exit status. `as_script`: called by `run`, which turned the garbage
    collector off; it is turned on again here for every command but `validate` and `check`,
    and the process ends here once the command has returned."""
    given = sys.argv[1:] if argv is None else argv
    command = given[0] if given and given[0] in COMMANDS else None
    args = build_parser(command).parse_args(given)
    func: Callable[[argparse.Namespace], int] = args.func
    if as_script and func not in _BRIEF:
        gc.enable()
    code = _dispatch(args, func)
    if as_script:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        _exit_now(code)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what the closed pipe did
    not take cannot fail again and print a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _exit_now(code: int) -> NoReturn:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away before the last flush: as in `_dispatch`
        _silence_stdout()
        code = code or EXIT_BROKEN_PIPE
    except OSError:
        code = code or EXIT_INVALID
    os._exit(code)


def _dispatch(args: argparse.Namespace, func: Callable[[argparse.Namespace], int]) -> int:
    as_json = bool(getattr(args, "json", False))
    try:
        return func(args)
    except DataError as e:
        if as_json:
            _json_failure(args, [_error(p.message, p.path, p.line or None, p.field) for p in e.problems])
        print(e.report(), file=sys.stderr)
        print(f"iwf-stats: {e.summary}", file=sys.stderr)
        return EXIT_INVALID
    except OutputRefused as e:
        if as_json:
            _json_failure(args, [_error(f"refused: {e}")])
        print(f"iwf-stats: refused: {e}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("iwf-stats: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `iwf-stats check | head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as e:  # an output folder that cannot be written, a disk that is full
        if as_json:
            _json_failure(args, [_error(str(e.strerror or e), e.filename)])
        where = f": {e.filename}" if e.filename else ""
        print(f"iwf-stats: {e.strerror or e}{where}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as e:  # a bug, not bad data: say so plainly
        if os.environ.get("IWF_STATS_DEBUG"):
            raise
        if as_json:
            _json_failure(args, [_error(f"internal error: {type(e).__name__}: {e}")])
        print(f"iwf-stats: internal error: {type(e).__name__}: {e}\n"
              "Run again with IWF_STATS_DEBUG=1 for the traceback, and please report it.",
              file=sys.stderr)
        return EXIT_INTERNAL


#: The commands `run` leaves the garbage collector off for: short, and bounded by the dataset.
_BRIEF: frozenset[Callable[[argparse.Namespace], int]] = frozenset({cmd_validate, cmd_check})
