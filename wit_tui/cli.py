"""Command line: ``wit-tui [run] [options]`` opens the app; subcommands live beside ``run``.

Bad input is reported as one message on stderr with exit code 2 and no
traceback, before any screen opens. ``run`` is the default subcommand, so
``wit-tui --model m.skops --data d.csv --label y`` just works.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wit_tui import __version__

SUBCOMMANDS = ("run",)
EXIT_USAGE = 2

EPILOG = """\
examples:
  wit-tui                                   open the Adult census demo (two models)
  wit-tui --demo wine                       multi-class demo (or: diabetes, regression)
  wit-tui --model model.skops --data test.csv --label income --positive '>50K'
  wit-tui --model a.skops --model b.joblib --trust --data test.parquet --label y --name baseline --name candidate

Models: .skops files load safely with skops.io. Loading a joblib/pickle file runs any code inside it,
so wit-tui loads one only with --trust.
"""


def _run_parser(prog: str = "wit-tui") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="The What-If Tool for the terminal: explore a scikit-learn model on a dataset, keyboard only.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"wit-tui {__version__}")
    p.add_argument("--model", action="append", metavar="PATH", default=[],
                   help="a fitted sklearn estimator or Pipeline (.skops, or .joblib/.pkl with --trust); give it twice to compare two models")
    p.add_argument("--data", metavar="PATH", help="the datapoints to explore: .csv or .parquet")
    p.add_argument("--label", metavar="COL", help="ground-truth column (optional: without it there is no performance screen)")
    p.add_argument("--positive", metavar="VALUE", help="positive class of a binary task (default: the model's classes_[1])")
    p.add_argument("--features", metavar="A,B,C", help="feature columns to show (default: every column but the label)")
    p.add_argument("--name", action="append", metavar="NAME", default=[],
                   help="display name of each --model, in the same order (default: the file name)")
    p.add_argument("--trust", action="store_true", help="allow loading joblib/pickle files and skops files with untrusted types (runs their code)")
    p.add_argument("--demo", choices=("adult", "wine", "diabetes"), help="open a bundled demo (default when no --model is given: adult)")
    return p


def _fail(message: str, hint: str = "") -> int:
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"[bold red]wit-tui: error:[/] {message}", markup=True)
    if hint:
        err.print(f"  {hint}", style="yellow")
    return EXIT_USAGE


def build_session(args: argparse.Namespace):  # -> Session
    """Turn parsed options into a Session (raises WitError for bad input)."""
    from wit_tui.engine import load_demo, open_session
    from wit_tui.engine.errors import WitError

    if args.model:
        if args.demo:
            raise WitError("--demo and --model cannot be used together.", "Drop one of them.")
        if not args.data:
            raise WitError("--model needs --data: the datapoints to run it on.", "Add --data PATH.csv (or .parquet).")
        features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None
        return open_session(args.model, args.data, args.label, positive=args.positive, features=features,
                            names=args.name, trust=args.trust)
    for flag in ("data", "label", "positive", "features"):
        if getattr(args, flag):
            raise WitError(f"--{flag} was given without --model.", "Add --model PATH, or drop the option to open the demo.")
    name = args.demo or "adult"
    from rich.console import Console

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
    from wit_tui.engine.errors import WitError

    args = _run_parser().parse_args(argv)
    try:
        session = build_session(args)
    except WitError as exc:
        return _fail(exc.message, exc.hint)
    from wit_tui.app import WitApp

    WitApp(session).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        command, rest = argv[0], argv[1:]
    else:
        command, rest = "run", argv
    try:
        if command == "run":
            return cmd_run(rest)
    except KeyboardInterrupt:
        return 130
    return _fail(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main())
