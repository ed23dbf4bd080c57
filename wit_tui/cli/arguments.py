"""The model and data options, one definition for ``run``, ``report`` and ``validate``, and the session they open.

The commands share the options but word a few helps for what they do with
them (the app explores the data, ``validate`` evaluates a candidate): those
words are in :data:`HELP`, per command.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal, NoReturn

from rich.console import Console

if TYPE_CHECKING:  # the engine loads pandas and sklearn: only the type is needed here
    from wit_tui.engine.analysis.decisions_file import DecisionsFile
    from wit_tui.engine.metrics.slice_intervals import IntervalOptions
    from wit_tui.engine.session.session import Session

Command = Literal["run", "report", "validate"]
DEMOS = ("adult", "wine", "diabetes")

MODEL_HELP = (
    "a fitted sklearn estimator or Pipeline (.skops, or .joblib/.pkl with --trust); give it twice to compare two models"
)
POSITIVE_HELP = "positive class of a binary task (default: the model's classes_[1])"
TRUST_HELP = "allow loading joblib/pickle files and skops files with untrusted types (runs their code)"
FEATURES_HELP = "feature columns (default: every column but the label)"

#: Per option, its help for each command (``*``: every other command).
HELP: dict[str, dict[str, str]] = {
    "--data": {
        "run": "the datapoints to explore: .csv or .parquet",
        "report": "the datapoints: .csv or .parquet",
        "validate": "evaluation data: .csv or .parquet",
    },
    "--label": {
        "run": "ground-truth column (optional: without it there is no performance screen)",
        "report": "ground-truth column (optional: without it there are no metrics)",
        "validate": "ground-truth column",
    },
    "--features": {"run": "feature columns to show (default: every column but the label)", "*": FEATURES_HELP},
    "--trust": {"validate": "allow loading joblib/pickle files (runs their code)", "*": TRUST_HELP},
    "--demo": {
        "run": "open a bundled demo (default when no --model is given: adult)",
        "report": "a bundled demo (default when no --model is given: adult)",
        "validate": "validate a demo's second model (candidate) against its first (baseline)",
    },
}


def _help(option: str, command: Command) -> str:
    helps = HELP[option]
    return helps.get(command, helps.get("*", ""))


class UsageError(Exception):
    """A bad command line, reported as ``wit-tui: error: ...`` with exit code 2 (report and validate)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one ``wit-tui: error:`` line (no usage dump), like every other input error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message[:1].upper() + message[1:] + ".", f"See `{self.prog} --help`.")


def add_session_options(p: argparse.ArgumentParser, command: Command) -> None:
    """The options that pick the models and the data: ``--model``/``--name`` (``--candidate``/``--baseline`` for
    validate), ``--data``, ``--label``, ``--positive``, ``--features``, ``--trust`` and ``--demo``."""
    if command == "validate":
        p.add_argument(
            "--candidate", metavar="PATH", help="the model to validate (.skops, or .joblib/.pkl with --trust)"
        )
        p.add_argument(
            "--baseline", metavar="PATH", help="the model it is compared with (needed for change thresholds)"
        )
    else:
        p.add_argument("--model", action="append", metavar="PATH", default=[], help=MODEL_HELP)
    p.add_argument("--data", metavar="PATH", help=_help("--data", command))
    p.add_argument("--label", metavar="COL", help=_help("--label", command))
    p.add_argument("--positive", metavar="VALUE", help=POSITIVE_HELP)
    p.add_argument("--features", metavar="A,B,C", help=_help("--features", command))
    if command != "validate":
        p.add_argument(
            "--name",
            action="append",
            metavar="NAME",
            default=[],
            help="display name of each --model, in the same order (default: the file name)",
        )
    p.add_argument("--trust", action="store_true", help=_help("--trust", command))
    p.add_argument("--demo", choices=DEMOS, help=_help("--demo", command))


def add_threshold_option(p: argparse.ArgumentParser) -> None:
    """``--threshold T`` / ``--threshold NAME=T``, one definition for the app, ``report`` and ``validate``."""
    p.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="[NAME=]T",
        help="decision threshold of a binary task: T for every model, NAME=T for one (repeatable); "
        "probabilities take 0 to 1 (default 0.5), decision_function margins any finite number (default 0)",
    )


def given_thresholds(args: argparse.Namespace) -> dict[str | None, float]:
    """The parsed ``--threshold`` options: ``{None: T}`` for every model and/or ``{NAME: T}`` (numbers checked,
    names and ranges once the models are loaded)."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.metrics.threshold_values import parse_threshold_options

    return parse_threshold_options(getattr(args, "threshold", None) or [])


def add_decisions_option(p: argparse.ArgumentParser) -> None:
    """``--decisions FILE``: the thresholds, per-slice thresholds and strategy exported on screen 2 (ctrl+e)."""
    p.add_argument(
        "--decisions",
        metavar="FILE",
        help="a decisions file exported on the performance screen (ctrl+e): its thresholds per model and per "
        "slice apply; --threshold overrides it, it overrides the config's threshold (docs/decisions-file.md)",
    )


def given_decisions(args: argparse.Namespace) -> DecisionsFile | None:
    """The ``--decisions`` file read and checked (a WitError naming the bad key), or None."""
    path = getattr(args, "decisions", None)
    if not path:
        return None
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.analysis.decisions_file import read_decisions

    return read_decisions(path)


#: the largest --resamples: 100,000 bootstrap draws already pin a 99.9% bound to its third digit
MAX_RESAMPLES = 100_000


def add_interval_options(p: argparse.ArgumentParser) -> None:
    """``--ci-level`` and ``--resamples``: how every interval is made, one definition for the app, ``report`` and
    ``validate`` (checked by :func:`interval_options`, so a bad value is one message, never a usage dump)."""
    p.add_argument(
        "--ci-level",
        metavar="LEVEL",
        help="confidence level of every interval, strictly between 0 and 1 (default 0.95)",
    )
    p.add_argument(
        "--resamples",
        metavar="N",
        help=f"bootstrap resamples of the intervals that need them (F1, gaps; default 1000, at most {MAX_RESAMPLES:,})",
    )


def interval_options(args: argparse.Namespace) -> IntervalOptions:
    """The parsed ``--ci-level`` / ``--resamples`` as the engine's options (WitError naming the option)."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS  # deferred, as above

    level, resamples = DEFAULT_INTERVALS.level, DEFAULT_INTERVALS.resamples
    text = getattr(args, "ci_level", None)
    if text is not None:
        try:
            level = float(text)
        except ValueError:
            level = float("nan")
        if not 0.0 < level < 1.0:  # NaN fails too
            raise WitError(
                f"--ci-level must be a number strictly between 0 and 1, not {text!r}.", "Pass e.g. --ci-level 0.9."
            )
    text = getattr(args, "resamples", None)
    if text is not None:
        try:
            resamples = int(text, 10)
        except ValueError:
            resamples = 0
        if not 1 <= resamples <= MAX_RESAMPLES:
            raise WitError(
                f"--resamples must be a whole number from 1 to {MAX_RESAMPLES:,}, not {text!r}.",
                "Pass e.g. --resamples 1000.",
            )
    return replace(DEFAULT_INTERVALS, level=level, resamples=resamples)


def add_min_group_size_option(p: argparse.ArgumentParser) -> None:
    """``--min-group-size N``: the fairness strategies of screen 2 leave smaller slices out of their constraint."""
    p.add_argument(
        "--min-group-size",
        metavar="N",
        help="slices of fewer labelled rows are left out of the fairness strategies' constraint (each gets its own "
        "cost-optimal threshold, and the screen names them); default 1: none left out",
    )


def given_min_group_size(args: argparse.Namespace) -> int:
    """The parsed ``--min-group-size`` (0 without it: nobody left out); a WitError naming the option."""
    text = getattr(args, "min_group_size", None)
    if text is None:
        return 0
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError

    try:
        n = int(text, 10)
    except ValueError:
        n = 0
    if n < 1:
        raise WitError(f"--min-group-size must be a whole number of at least 1, not {text!r}.", "E.g. 30.")
    return n


CF_FEATURES_HELP = (
    "features the nearest counterfactual's distance counts (default: the columns the models read): "
    "A,B sets the list; -A,+B drops from / adds to the default (every item signed)"
)


def add_cf_features_option(p: argparse.ArgumentParser) -> None:
    """``--cf-features``: the counterfactual distance's features (checked once the session is open)."""
    p.add_argument("--cf-features", metavar="A,B | -A,+B", help=CF_FEATURES_HELP)


def glue_signed_values(argv: Sequence[str], option: str = "--cf-features") -> list[str]:
    """``--cf-features -fnlwgt`` as ``--cf-features=-fnlwgt``: argparse would read a value starting with ``-``
    as another option; the syntax's ``-A`` means "without A"."""
    out = list(argv)
    for k in range(len(out) - 1):
        value = out[k + 1]
        if out[k] == option and value.startswith("-") and not value.startswith("--"):
            out[k : k + 2] = [f"{option}={value}", ""]
    return [a for a in out if a != ""]


def split_list(text: str | None) -> list[str]:
    """``"a, b,"`` -> ``["a", "b"]``: a comma-separated option's names."""
    return [f.strip() for f in text.split(",") if f.strip()] if text else []


def build_session(args: argparse.Namespace) -> Session:
    """Turn parsed options into a Session (raises WitError for bad input)."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine import open_session
    from wit_tui.engine.core.errors import WitError  # deferred, as above

    if args.model:
        if args.demo:
            raise WitError("--demo and --model cannot be used together.", "Drop one of them.")
        if not args.data:
            raise WitError("--model needs --data: the datapoints to run it on.", "Add --data PATH.csv (or .parquet).")
        return open_session(
            args.model,
            args.data,
            args.label,
            positive=args.positive,
            features=split_list(args.features) if args.features else None,
            names=args.name,
            trust=args.trust,
        )
    for flag in ("data", "label", "positive", "features"):
        if getattr(args, flag):
            raise WitError(
                f"--{flag} was given without --model.", "Add --model PATH, or drop the option to open the demo."
            )
    return load_demo(args.demo or "adult")


def load_demo(name: str) -> Session:
    """A demo session, with progress on stderr (a spinner on a terminal) while first-run training happens."""
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine import load_demo as open_demo

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
        return open_demo(name, progress=progress)
    finally:
        if status is not None:
            status.stop()


__all__ = [
    "DEMOS",
    "HELP",
    "Command",
    "Parser",
    "UsageError",
    "MAX_RESAMPLES",
    "add_cf_features_option",
    "add_decisions_option",
    "add_interval_options",
    "add_min_group_size_option",
    "add_session_options",
    "add_threshold_option",
    "build_session",
    "given_decisions",
    "given_min_group_size",
    "given_thresholds",
    "glue_signed_values",
    "interval_options",
    "load_demo",
    "split_list",
]
