"""The command line: a thin face over the library.

Only this module prints or chooses exit codes. Exit status: 0 success; 1 a check
failed (a claim no longer reproduces as recorded); 2 the data is invalid or the
command was misused; 3 an internal error (a bug: run with IWF_STATS_DEBUG=1 to see
the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import DataError

EXIT_OK, EXIT_CHECK_FAILED, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("data_dir", nargs="?", type=Path, default=None,
                   help="folder holding the CSVs (default: $IWF_STATS_DATA or the repository's data/)")


def cmd_validate(args: argparse.Namespace) -> int:
    from .loading import load
    from .summary import dataset_summary

    ds = load(args.data_dir)
    print(dataset_summary(ds))
    return EXIT_OK


def cmd_datapackage(args: argparse.Namespace) -> int:
    from .datapackage import sources_entries, write
    from .loading import default_data_dir, load

    root = args.data_dir or default_data_dir()
    # The descriptor may be the stale part, so the tables are validated without it.
    ds = load(root, check_descriptor=False)
    print(f"wrote {write(root, sources_entries(ds))}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iwf-stats",
        description="Check, chart and report the Internet Watch Foundation's published figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="validate data/ and print a summary")
    _data_arg(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("datapackage", help="regenerate data/datapackage.json from the record models")
    _data_arg(p)
    p.set_defaults(func=cmd_datapackage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except DataError as e:
        print(e.report(), file=sys.stderr)
        print(f"iwf-stats: {e}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("iwf-stats: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not bad data: say so plainly
        if os.environ.get("IWF_STATS_DEBUG"):
            raise
        print(f"iwf-stats: internal error: {type(e).__name__}: {e}\n"
              "Run again with IWF_STATS_DEBUG=1 for the traceback, and please report it.",
              file=sys.stderr)
        return EXIT_INTERNAL
