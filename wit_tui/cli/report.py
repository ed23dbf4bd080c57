"""``wit-tui report``: the performance summary, a slice table and feature statistics (text, Markdown or JSON)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from wit_tui.cli.arguments import (
    Parser,
    UsageError,
    add_decisions_option,
    add_interval_options,
    add_session_options,
    add_threshold_option,
    build_session,
    given_decisions,
    given_thresholds,
    interval_options,
    split_list,
)
from wit_tui.cli.output import EXIT_OK, STDOUT, check_output, fail, stdout_console, write_output

EPILOG = """\
examples:
  wit-tui report                                      the Adult demo, as text
  wit-tui report --demo adult --slice sex,race --format md -o report.md
  wit-tui report --model m.skops --data test.csv --label y --slice age --buckets 5 --format json

Numeric --slice features are cut in --buckets quantile buckets (as pd.qcut; a feature with at most that many
distinct values gets one slice per value); missing values form their own slice. The JSON schema is
docs/report-schema.md (schema_version 2). With -o, the format defaults to the file's suffix (.json, .md).
Every metric carries a --ci-level interval (Wilson for rates, DeLong for AUC, a seeded bootstrap of --resamples
for F1 and the gaps); with --slice on a binary task the report has a fairness section over those groups.
"""

SUFFIX_FORMATS = {".json": "json", ".md": "md", ".markdown": "md"}


def report_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="wit-tui report",
        description="Headless report: performance summary, slice table and feature statistics (no TTY needed).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_options(p, "report")
    p.add_argument("--slice", metavar="FEATURE[,FEATURE2]", help="slice table by one feature or the cross of two")
    p.add_argument(
        "--buckets", type=int, default=4, metavar="N", help="quantile buckets for numeric slice features (default 4)"
    )
    add_threshold_option(p)
    add_decisions_option(p)
    add_interval_options(p)
    p.add_argument(
        "--format", choices=("text", "md", "json"), help="output format (default: text, or from the -o suffix)"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically) instead of stdout")
    return p


def _format(args: argparse.Namespace) -> str:
    """The asked-for format, else the -o file's suffix's, else text."""
    if args.format is not None:
        return str(args.format)
    suffix = Path(args.output).suffix.lower() if args.output else ""
    return SUFFIX_FORMATS.get(suffix, "text")


def cmd_report(argv: Sequence[str]) -> int:
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.report import build_report  # deferred, as above

    # deferred: the renderers load the engine too (see above)
    from wit_tui.render import markdown
    from wit_tui.render import report as render  # deferred, as above

    try:
        args = report_parser().parse_args(argv)
        fmt = _format(args)
        slice_features = split_list(args.slice)
        if args.slice is not None and not slice_features:
            raise UsageError(f"--slice {args.slice!r} names no feature.", "Pass --slice FEATURE or --slice A,B.")
        thresholds = given_thresholds(args)
        decisions = given_decisions(args)  # a bad file fails before any model is loaded, naming its key
        intervals = interval_options(args)
        check_output(args.output, [args.data, *args.model, args.decisions])
        if args.output == STDOUT:
            args.output = None  # `-o -`: standard output, as without -o
        session = build_session(args)
        report = build_report(
            session,
            threshold=thresholds,
            slice_features=slice_features,
            buckets=args.buckets,
            intervals=intervals,
            decisions=decisions,
        )
        if fmt == "json":
            text = report.to_json() + "\n"
        elif fmt == "md":
            text = markdown.report_markdown(report)
        elif args.output:
            text = render.report_text(report)
        else:
            console = stdout_console()
            plots = sys.stdout.isatty()
            render.print_all(console, render.report_renderables(report, session, plots=plots, width=console.width))
            return EXIT_OK
        if args.output:
            write_output(args.output, text)
            print(f"wit-tui: wrote the {fmt} report to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return EXIT_OK
    except (UsageError, WitError) as exc:
        return fail(exc.message, exc.hint)


__all__ = ["EPILOG", "cmd_report", "report_parser"]
