"""``wit-tui validate``: TFMA-style validation of a candidate model (against a baseline) for CI.

Exit 0 when validation passes, 1 when it fails, 2 for usage or input errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wit_tui.cli.arguments import (
    Parser,
    UsageError,
    add_decisions_option,
    add_interval_options,
    add_session_options,
    add_threshold_option,
    given_decisions,
    given_thresholds,
    interval_options,
    load_demo,
    split_list,
)
from wit_tui.cli.output import EXIT_FAILED, EXIT_OK, STDOUT, check_output, fail, stdout_console, write_output

if TYPE_CHECKING:  # the engine loads pandas and sklearn: only the type is needed here
    from wit_tui.engine.session.session import Session
    from wit_tui.engine.validation.result import ValidationResult

EPILOG = """\
examples:
  wit-tui validate --demo adult --config examples/validate-adult.toml
  wit-tui validate --candidate new.skops --baseline prod.skops --data test.parquet --label y --config checks.toml \
-o result.json
  wit-tui validate --candidate first.skops --data test.csv --label y --config checks.toml --rubber-stamp
  wit-tui validate --demo adult --config examples/validate-adult.toml --junit validation.xml

--demo NAME validates the demo's second model (adult: hgb, gradient boosting) as the candidate against its first
(adult: logreg, logistic regression) as the baseline.
exit codes: 0 validation passed, 1 validation failed, 2 usage or input error, 3 internal error (a bug).
"""


def validate_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="wit-tui validate",
        description="TFMA-style model validation for CI: value and change thresholds, baseline vs candidate, "
        "per slice, and cross-slice thresholds (one slice against another).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_options(p, "validate")
    p.add_argument("--config", metavar="TOML", help="the validation config (required; see the README)")
    p.add_argument(
        "--rubber-stamp",
        action="store_true",
        help="first run: pass when there are no thresholds, and skip change thresholds when there is no baseline",
    )
    add_threshold_option(p)
    add_decisions_option(p)
    add_interval_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the JSON validation result to FILE (atomically)")
    p.add_argument(
        "--junit",
        metavar="FILE",
        help="also write every check as a JUnit XML testcase to FILE (atomically), for GitLab, GitHub or Jenkins "
        "test reports ('-' for standard output)",
    )
    return p


def _check_outputs(args: argparse.Namespace) -> None:
    """Fail fast, before any model is loaded, when -o or --junit cannot be written or would overwrite an input."""
    inputs = [args.data, args.candidate, args.baseline, args.config, args.decisions]
    check_output(args.output, inputs)
    check_output(args.junit, inputs, option="--junit", what="--junit file")
    if args.output and args.junit and (args.output == args.junit == STDOUT or _same_path(args.output, args.junit)):
        where = "standard output" if args.junit == STDOUT else args.junit
        raise UsageError(
            f"-o and --junit both write {where}: the JSON and the JUnit XML need a file each.",
            "Give --junit another file name.",
        )


def _same_path(a: str, b: str) -> bool:
    return STDOUT not in (a, b) and os.path.realpath(a) == os.path.realpath(b)


def _write_results(args: argparse.Namespace, result: ValidationResult) -> None:
    """The JSON (-o) and the JUnit XML (--junit), each written atomically; the table unless one is on stdout."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.validation.junit import junit_xml

    if args.output:
        write_output(args.output, result.to_json() + "\n")
    if args.junit:
        write_output(args.junit, junit_xml(result), what="--junit file")


def _demo_session(args: argparse.Namespace) -> tuple[Session, int, int | None]:
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError

    given = [f"--{f}" for f in ("candidate", "baseline", "data", "label", "positive", "features") if getattr(args, f)]
    if given:
        raise WitError(
            f"--demo cannot be combined with {', '.join(given)}: the demo brings its own models and data.",
            "Drop --demo, or drop those options.",
        )
    return load_demo(args.demo), 1, 0


def validate_session_of(args: argparse.Namespace) -> tuple[Session, int, int | None]:
    """The session, the candidate's model index and the baseline's (None without one)."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine import open_session
    from wit_tui.engine.core.errors import WitError  # deferred, as above

    if args.demo:
        return _demo_session(args)
    if not args.candidate:
        raise WitError("validate needs --candidate MODEL (or --demo adult).", "Add --candidate PATH.")
    if not args.data:
        raise WitError("validate needs --data: the evaluation datapoints.", "Add --data PATH.csv (or .parquet).")
    if not args.label:
        raise WitError("validate needs --label: the ground-truth column to measure against.", "Add --label COLUMN.")
    models = [args.baseline, args.candidate] if args.baseline else [args.candidate]
    names = None
    if args.baseline and Path(args.baseline).stem == Path(args.candidate).stem:
        # prod/model.skops vs new/model.skops: say which is which, not "model" vs "model-2"
        stem = Path(args.candidate).stem
        names = [f"{stem} (baseline)", f"{stem} (candidate)"]
    session = open_session(
        models,
        args.data,
        args.label,
        positive=args.positive,
        features=split_list(args.features) or None,
        names=names,
        trust=args.trust,
    )
    return (session, 1, 0) if args.baseline else (session, 0, None)


def cmd_validate(argv: Sequence[str]) -> int:
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.validation.config import load_config  # deferred, as above
    from wit_tui.engine.validation.run import validate_session  # deferred, as above

    # deferred: the renderers load the engine too (see above)
    from wit_tui.render.console import print_all
    from wit_tui.render.validation import validation_renderables  # deferred, as above

    try:
        args = validate_parser().parse_args(argv)
        if not args.config:
            raise UsageError(
                "validate needs --config: the TOML file with the thresholds.",
                "See the README's section on `wit-tui validate` (examples/validate-adult.toml is one).",
            )
        config = load_config(args.config)  # a bad config fails fast, before any model is loaded
        thresholds = given_thresholds(args)
        decisions = given_decisions(args)  # a bad file fails fast too, naming its key
        intervals = interval_options(args)
        _check_outputs(args)
        session, candidate, baseline = validate_session_of(args)
        result = validate_session(
            session,
            config,
            candidate=candidate,
            baseline=baseline,
            rubber_stamp=args.rubber_stamp,
            thresholds=thresholds,
            intervals=intervals,
            decisions=decisions,
        )
        _write_results(args, result)
    except (UsageError, WitError) as exc:
        return fail(exc.message, exc.hint)
    if STDOUT not in (args.output, args.junit):  # `-o -` or `--junit -`: that output alone on stdout
        print_all(stdout_console(), validation_renderables(result, config=args.config))
    for path, what in ((args.output, "the validation result"), (args.junit, "the JUnit XML report")):
        if path and path != STDOUT:
            print(f"wit-tui: wrote {what} to {path}", file=sys.stderr)
    return EXIT_OK if result.validation_ok else EXIT_FAILED


__all__ = ["EPILOG", "cmd_validate", "validate_parser", "validate_session_of"]
