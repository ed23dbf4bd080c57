"""Command line: ``wit-tui [run] [options]`` opens the app; ``report`` and ``validate`` run headless.

Bad input is reported as one message on stderr with exit code 2 and no
traceback, before any screen opens. ``run`` is the default subcommand, so
``wit-tui --model m.skops --data d.csv --label y`` just works.

``wit-tui report`` prints the performance summary, a slice table and feature
statistics (text, Markdown or JSON); ``wit-tui validate`` checks a candidate
model (against a baseline) with a TOML config, TFMA-style, and exits 0 when
validation passes, 1 when it fails, 2 for usage or input errors and 3 for an
internal error (a bug: the traceback is printed).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from wit_tui import __version__

SUBCOMMANDS = ("run", "report", "validate")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEMOS = ("adult", "wine", "diabetes")

EPILOG = """\
examples:
  wit-tui                                   open the Adult census demo (two models)
  wit-tui --demo wine                       multi-class demo (or: diabetes, regression)
  wit-tui --model model.skops --data test.csv --label income --positive '>50K'
  wit-tui --model a.skops --model b.joblib --trust --data test.parquet --label y --name baseline --name candidate

Models: .skops files load safely with skops.io. Loading a joblib/pickle file runs any code inside it,
so wit-tui loads one only with --trust.

Headless: `wit-tui report --help` (metrics, slices, feature statistics as text, Markdown or JSON) and
`wit-tui validate --help` (TFMA-style validation for CI; exit 0 pass, 1 fail, 2 usage error).
"""

REPORT_EPILOG = """\
examples:
  wit-tui report                                      the Adult demo, as text
  wit-tui report --demo adult --slice sex,race --format md -o report.md
  wit-tui report --model m.skops --data test.csv --label y --slice age --buckets 5 --format json

Numeric --slice features are cut in --buckets quantile buckets (as pd.qcut; a feature with at most that many
distinct values gets one slice per value); missing values form their own slice. The JSON schema is
docs/report-schema.md (schema_version 1). With -o, the format defaults to the file's suffix (.json, .md).
"""

VALIDATE_EPILOG = """\
examples:
  wit-tui validate --demo adult --config examples/validate-adult.toml
  wit-tui validate --candidate new.skops --baseline prod.skops --data test.parquet --label y --config checks.toml -o result.json
  wit-tui validate --candidate first.skops --data test.csv --label y --config checks.toml --rubber-stamp

--demo NAME validates the demo's second model (adult: hgb, gradient boosting) as the candidate against its first
(adult: logreg, logistic regression) as the baseline.
exit codes: 0 validation passed, 1 validation failed, 2 usage or input error, 3 internal error (a bug).
"""


class UsageError(Exception):
    """A bad command line, reported as ``wit-tui: error: ...`` with exit code 2 (report and validate)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one ``wit-tui: error:`` line (no usage dump), like every other input error."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message[:1].upper() + message[1:] + ".", f"See `{self.prog} --help`.")


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        action="append",
        metavar="PATH",
        default=[],
        help="a fitted sklearn estimator or Pipeline (.skops, or .joblib/.pkl with --trust); give it twice to compare two models",
    )
    p.add_argument("--data", metavar="PATH", help="the datapoints: .csv or .parquet")
    p.add_argument("--label", metavar="COL", help="ground-truth column (optional: without it there are no metrics)")
    p.add_argument(
        "--positive", metavar="VALUE", help="positive class of a binary task (default: the model's classes_[1])"
    )
    p.add_argument("--features", metavar="A,B,C", help="feature columns (default: every column but the label)")
    p.add_argument(
        "--name",
        action="append",
        metavar="NAME",
        default=[],
        help="display name of each --model, in the same order (default: the file name)",
    )
    p.add_argument(
        "--trust",
        action="store_true",
        help="allow loading joblib/pickle files and skops files with untrusted types (runs their code)",
    )
    p.add_argument("--demo", choices=DEMOS, help="a bundled demo (default when no --model is given: adult)")


def _run_parser(prog: str = "wit-tui") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="The What-If Tool for the terminal: explore a scikit-learn model on a dataset, keyboard only.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"wit-tui {__version__}")
    p.add_argument(
        "--model",
        action="append",
        metavar="PATH",
        default=[],
        help="a fitted sklearn estimator or Pipeline (.skops, or .joblib/.pkl with --trust); give it twice to compare two models",
    )
    p.add_argument("--data", metavar="PATH", help="the datapoints to explore: .csv or .parquet")
    p.add_argument(
        "--label", metavar="COL", help="ground-truth column (optional: without it there is no performance screen)"
    )
    p.add_argument(
        "--positive", metavar="VALUE", help="positive class of a binary task (default: the model's classes_[1])"
    )
    p.add_argument("--features", metavar="A,B,C", help="feature columns to show (default: every column but the label)")
    p.add_argument(
        "--name",
        action="append",
        metavar="NAME",
        default=[],
        help="display name of each --model, in the same order (default: the file name)",
    )
    p.add_argument(
        "--trust",
        action="store_true",
        help="allow loading joblib/pickle files and skops files with untrusted types (runs their code)",
    )
    p.add_argument("--demo", choices=DEMOS, help="open a bundled demo (default when no --model is given: adult)")
    p.add_argument(
        "--config",
        metavar="TOML",
        help="a `wit-tui validate` config: the performance screen's v key validates the loaded models with it",
    )
    p.add_argument(
        "--reference",
        metavar="PATH",
        help="reference data (.csv or .parquet, e.g. the training data): the features screen's drift compares the data with it",
    )
    return p


def _report_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="wit-tui report",
        description="Headless report: performance summary, slice table and feature statistics (no TTY needed).",
        epilog=REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_model_options(p)
    p.add_argument("--slice", metavar="FEATURE[,FEATURE2]", help="slice table by one feature or the cross of two")
    p.add_argument(
        "--buckets", type=int, default=4, metavar="N", help="quantile buckets for numeric slice features (default 4)"
    )
    p.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="decision threshold of a binary task (default 0.5; 0 for decision_function)",
    )
    p.add_argument(
        "--format", choices=("text", "md", "json"), help="output format (default: text, or from the -o suffix)"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically) instead of stdout")
    return p


def _validate_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="wit-tui validate",
        description="TFMA-style model validation for CI: value and change thresholds, baseline vs candidate, per slice, "
        "and cross-slice thresholds (one slice against another).",
        epilog=VALIDATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--candidate", metavar="PATH", help="the model to validate (.skops, or .joblib/.pkl with --trust)")
    p.add_argument("--baseline", metavar="PATH", help="the model it is compared with (needed for change thresholds)")
    p.add_argument("--data", metavar="PATH", help="evaluation data: .csv or .parquet")
    p.add_argument("--label", metavar="COL", help="ground-truth column")
    p.add_argument(
        "--positive", metavar="VALUE", help="positive class of a binary task (default: the model's classes_[1])"
    )
    p.add_argument("--features", metavar="A,B,C", help="feature columns (default: every column but the label)")
    p.add_argument("--config", metavar="TOML", help="the validation config (required; see the README)")
    p.add_argument("--trust", action="store_true", help="allow loading joblib/pickle files (runs their code)")
    p.add_argument(
        "--rubber-stamp",
        action="store_true",
        help="first run: pass when there are no thresholds, and skip change thresholds when there is no baseline",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the JSON validation result to FILE (atomically)")
    p.add_argument(
        "--demo", choices=DEMOS, help="validate a demo's second model (candidate) against its first (baseline)"
    )
    return p


def _fail(message: str, hint: str = "") -> int:
    from rich.console import Console
    from rich.markup import escape

    # the message and hint are text, never markup: "write each one as [[metrics]]" must print as is
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"[bold red]wit-tui: error:[/] {escape(message)}", markup=True)
    if hint:
        err.print(f"  {hint}", style="yellow", markup=False)
    return EXIT_USAGE


def build_session(args: argparse.Namespace):  # -> Session
    """Turn parsed options into a Session (raises WitError for bad input)."""
    from wit_tui.engine import open_session
    from wit_tui.engine.core.errors import WitError

    if args.model:
        if args.demo:
            raise WitError("--demo and --model cannot be used together.", "Drop one of them.")
        if not args.data:
            raise WitError("--model needs --data: the datapoints to run it on.", "Add --data PATH.csv (or .parquet).")
        features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None
        return open_session(
            args.model,
            args.data,
            args.label,
            positive=args.positive,
            features=features,
            names=args.name,
            trust=args.trust,
        )
    for flag in ("data", "label", "positive", "features"):
        if getattr(args, flag):
            raise WitError(
                f"--{flag} was given without --model.", "Add --model PATH, or drop the option to open the demo."
            )
    return _load_demo(args.demo or "adult")


def _load_demo(name: str):  # -> Session
    """A demo session, with progress on stderr (a spinner on a terminal) while first-run training happens."""
    from rich.console import Console

    from wit_tui.engine import load_demo

    err = Console(stderr=True)
    status = None
    if err.is_terminal:
        status = err.status("Loading the demo…")
        status.start()

    def progress(msg: str) -> None:
        if status is not None:
            status.update(msg)
        else:
            err.print(msg)

    try:
        return load_demo(name, progress=progress)
    finally:
        if status is not None:
            status.stop()


def cmd_run(argv: Sequence[str]) -> int:
    from wit_tui.engine.core.errors import WitError

    args = _run_parser().parse_args(argv)
    config = None
    try:
        if args.config:  # a bad config fails fast, before any model is loaded
            from wit_tui.engine.validation.run import load_config

            config = load_config(args.config)
        session = build_session(args)
    except WitError as exc:
        return _fail(exc.message, exc.hint)
    session.validation_config = config
    if args.reference:
        from wit_tui.engine.analysis.drift import load_reference

        try:
            session.reference = load_reference(args.reference, session.features)
            session.reference_name = Path(args.reference).name
        except WitError as exc:
            return _fail(exc.message, exc.hint)
    from wit_tui.tui.app import WitApp

    WitApp(session).run()
    return 0


# ---------------------------------------------------------------------------
# headless: report and validate
# ---------------------------------------------------------------------------


def _stdout_console():
    """Rich on a terminal (colours, its width); plain text otherwise, 120 columns unless COLUMNS says else.

    A closed pipe (``wit-tui validate ... | head``) silences the output but keeps the command's own exit code
    (rich's default would exit 1, which CI would read as a failed validation)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except OSError:
                pass

    console = _Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = _Console(highlight=False, width=120)
    return console


def _check_output(path: str | None) -> None:
    """Fail fast (before loading models) when -o cannot be written."""
    from wit_tui.engine.core.errors import WitError

    if not path:
        return
    p = Path(path)
    if p.is_dir():
        raise WitError(f"The output path {p} is a folder.", "Give a file name to -o.")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise WitError(f"The folder of the output file {p} does not exist.", "Create it first, or write elsewhere.")
    if not os.access(folder, os.W_OK):
        raise WitError(
            f"The folder of the output file {p} is not writable.", "Write elsewhere, or fix its permissions."
        )


def _split(text: str | None) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()] if text else []


def cmd_report(argv: Sequence[str]) -> int:
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.report import build_report

    try:
        args = _report_parser().parse_args(argv)
        fmt = args.format
        if fmt is None:
            suffix = Path(args.output).suffix.lower() if args.output else ""
            fmt = {".json": "json", ".md": "md", ".markdown": "md"}.get(suffix, "text")
        slice_features = _split(args.slice)
        if args.slice is not None and not slice_features:
            raise UsageError(f"--slice {args.slice!r} names no feature.", "Pass --slice FEATURE or --slice A,B.")
        _check_output(args.output)
        session = build_session(args)
        report = build_report(session, threshold=args.threshold, slice_features=slice_features, buckets=args.buckets)
        from wit_tui.render import report as render

        if fmt == "json":
            text = report.to_json() + "\n"
        elif fmt == "md":
            text = render.report_markdown(report)
        elif args.output:
            text = render.report_text(report)
        else:
            console = _stdout_console()
            plots = sys.stdout.isatty()
            render.print_all(console, render.report_renderables(report, session, plots=plots, width=console.width))
            return EXIT_OK
        if args.output:
            from wit_tui.engine.core.atomic import atomic_write

            atomic_write(args.output, text, what="output file")
            print(f"wit-tui: wrote the {fmt} report to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return EXIT_OK
    except (UsageError, WitError) as exc:
        return _fail(exc.message, exc.hint)


def _validate_session(args: argparse.Namespace):  # -> (Session, candidate index, baseline index or None)
    from wit_tui.engine import open_session
    from wit_tui.engine.core.errors import WitError

    if args.demo:
        given = [
            f"--{f}" for f in ("candidate", "baseline", "data", "label", "positive", "features") if getattr(args, f)
        ]
        if given:
            raise WitError(
                f"--demo cannot be combined with {', '.join(given)}: the demo brings its own models and data.",
                "Drop --demo, or drop those options.",
            )
        session = _load_demo(args.demo)
        return session, 1, 0
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
        features=_split(args.features) or None,
        names=names,
        trust=args.trust,
    )
    return (session, 1, 0) if args.baseline else (session, 0, None)


def cmd_validate(argv: Sequence[str]) -> int:
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.validation.run import load_config, validate_session

    try:
        args = _validate_parser().parse_args(argv)
        if not args.config:
            raise UsageError(
                "validate needs --config: the TOML file with the thresholds.",
                "See the README's section on `wit-tui validate` (examples/validate-adult.toml is one).",
            )
        config = load_config(args.config)  # a bad config fails fast, before any model is loaded
        _check_output(args.output)
        session, candidate, baseline = _validate_session(args)
        result = validate_session(
            session, config, candidate=candidate, baseline=baseline, rubber_stamp=args.rubber_stamp
        )
        if args.output:
            from wit_tui.engine.core.atomic import atomic_write

            atomic_write(args.output, result.to_json() + "\n", what="output file")
    except (UsageError, WitError) as exc:
        return _fail(exc.message, exc.hint)
    from wit_tui.render import report as render

    render.print_all(_stdout_console(), render.validation_renderables(result, config=args.config))
    if args.output:
        print(f"wit-tui: wrote the validation result to {args.output}", file=sys.stderr)
    return EXIT_OK if result.validation_ok else EXIT_FAILED


def _internal_error(exc: BaseException) -> int:
    import traceback

    traceback.print_exception(exc, file=sys.stderr)
    print(
        f"wit-tui: error: internal error ({type(exc).__name__}: {exc}). This is a bug in wit-tui; "
        "please report it with the traceback above.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        command, rest = argv[0], argv[1:]
    else:
        command, rest = "run", argv
    try:
        if command == "run":
            return cmd_run(rest)
        if command == "report":
            return cmd_report(rest)
        if command == "validate":
            return cmd_validate(rest)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wit-tui report | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # a bug: never let CI read a crash as "validation failed" (exit 1)
        if command == "run":
            raise
        return _internal_error(exc)
    return _fail(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main())
