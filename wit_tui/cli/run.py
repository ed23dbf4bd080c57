"""``wit-tui [run]``: open the app on a model and its data (the default command)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from wit_tui import __version__
from wit_tui.cli.arguments import add_session_options, build_session
from wit_tui.cli.output import EXIT_OK, fail

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


def run_parser(prog: str = "wit-tui") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="The What-If Tool for the terminal: explore a scikit-learn model on a dataset, keyboard only.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"wit-tui {__version__}")
    add_session_options(p, "run")
    p.add_argument(
        "--config",
        metavar="TOML",
        help="a `wit-tui validate` config: the performance screen's v key validates the loaded models with it",
    )
    p.add_argument(
        "--reference",
        metavar="PATH",
        help="reference data (.csv or .parquet, e.g. the training data): "
        "the features screen's drift compares the data with it",
    )
    return p


def cmd_run(argv: Sequence[str]) -> int:
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError

    args = run_parser().parse_args(argv)
    config = None
    try:
        if args.config:  # a bad config fails fast, before any model is loaded
            # deferred: the engine loads pandas and sklearn (see above)
            from wit_tui.engine.validation.config import load_config

            config = load_config(args.config)
        session = build_session(args)
    except WitError as exc:
        return fail(exc.message, exc.hint)
    reference, reference_name = None, "reference"
    if args.reference:
        # deferred: the engine loads pandas and sklearn (see above)
        from wit_tui.engine.analysis.drift import load_reference

        try:
            reference, reference_name = load_reference(args.reference, session.features), Path(args.reference).name
        except WitError as exc:
            return fail(exc.message, exc.hint)
    # deferred: Textual loads only when the app opens (report and validate never need it)
    from wit_tui.tui.app import WitApp
    from wit_tui.tui.options import RunOptions  # deferred with the app (see above)

    options = RunOptions(validation_config=config, reference=reference, reference_name=reference_name)
    WitApp(session, options).run()
    return EXIT_OK


__all__ = ["EPILOG", "cmd_run", "run_parser"]
