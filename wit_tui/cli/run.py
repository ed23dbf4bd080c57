"""``wit-tui [run]``: open the app on a model and its data (the default command)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wit_tui import __version__
from wit_tui.cli.arguments import (
    add_cf_features_option,
    add_decisions_option,
    add_interval_options,
    add_min_group_size_option,
    add_session_options,
    add_threshold_option,
    build_session,
    given_decisions,
    given_min_group_size,
    given_thresholds,
    glue_signed_values,
    interval_options,
)
from wit_tui.cli.output import EXIT_INTERNAL, EXIT_OK, fail
from wit_tui.render.text import printable

if TYPE_CHECKING:  # Textual loads only when the app opens: only the type is needed here
    import pandas as pd

    from wit_tui.engine.session.session import Session
    from wit_tui.tui.app import WitApp

EPILOG = """\
examples:
  wit-tui                                   open the Adult census demo (two models)
  wit-tui --demo wine                       multi-class demo (or: diabetes, regression)
  wit-tui --model model.skops --data test.csv --label income --positive '>50K'
  wit-tui --model a.skops --model b.joblib --trust --data test.parquet --label y --name baseline --name candidate
  wit-tui --demo adult --cf-features -fnlwgt,+race   counterfactual distance: the models' inputs, without
                                            fnlwgt, with race (default: the columns the models read)

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
    add_threshold_option(p)
    add_decisions_option(p)
    add_cf_features_option(p)
    add_interval_options(p)
    add_min_group_size_option(p)
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

    args = run_parser().parse_args(glue_signed_values(argv))
    config = None
    try:
        if args.config:  # a bad config fails fast, before any model is loaded
            # deferred: the engine loads pandas and sklearn (see above)
            from wit_tui.engine.validation.config import load_config

            config = load_config(args.config)
        given = given_thresholds(args)
        decisions_file = given_decisions(args)  # a bad file fails before any model is loaded, naming its key
        intervals, min_group_size = interval_options(args), given_min_group_size(args)
        session = build_session(args)
        # deferred: the engine loads pandas and sklearn (see above)
        from wit_tui.engine.analysis.decisions import starting_thresholds
        from wit_tui.engine.decisions_rows import apply_decisions  # deferred, as above

        thresholds = starting_thresholds(session, given) if given else ()
        decisions = None
        if decisions_file is not None:  # --threshold over the file, as in report and validate
            decisions = apply_decisions(session, decisions_file, given=given)
            thresholds = decisions.thresholds
        cf_features = _cf_features(session, args)
    except WitError as exc:
        return fail(exc.message, exc.hint)
    try:
        reference, reference_name = _reference(args, session.features)
    except WitError as exc:
        return fail(exc.message, exc.hint)
    # deferred: Textual loads only when the app opens (report and validate never need it)
    from wit_tui.tui.app import WitApp
    from wit_tui.tui.options import RunOptions  # deferred with the app (see above)

    options = RunOptions(
        validation_config=config,
        reference=reference,
        reference_name=reference_name,
        thresholds=thresholds,
        cf_features=cf_features,
        intervals=intervals,
        decisions=decisions,
        min_group_size=min_group_size,
    )
    app = WitApp(session, options)
    app.run()
    return exit_code_of(app)


def _cf_features(session: Session, args: argparse.Namespace) -> tuple[str, ...] | None:
    """``--cf-features``, checked against the session (None: the models' inputs)."""
    if args.cf_features is None:
        return None
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.whatif.distance_features import parse_features

    return parse_features(session, args.cf_features)


def _reference(args: argparse.Namespace, features: Sequence[str]) -> tuple[pd.DataFrame | None, str]:
    """``--reference``: the frame drift compares the data with, and its name (WitError for a bad file)."""
    if not args.reference:
        return None, "reference"
    # deferred: the engine loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.analysis.drift import load_reference

    return load_reference(args.reference, features), Path(args.reference).name


def exit_code_of(app: WitApp) -> int:
    """0 after a clean quit; after a crash (the terminal restored, the traceback printed by the app) where the
    autosave is, then 2 for running out of memory (a usage limit, not a bug) or 3 for anything else."""
    crash = app.crash
    if crash is None and not app.return_code:
        return EXIT_OK
    saver, n = app.autosaver, app.session.n_changed
    if saver is not None and n and saver.path.exists():
        print(
            f"wit-tui: your {n} edited/added datapoint(s) are in the autosave {saver.path}; "
            "they are offered when you open the same files again.",
            file=sys.stderr,
        )
    if isinstance(crash, MemoryError):
        # deferred: the engine was loaded before the app opened; only the hint's text is needed here
        from wit_tui.engine.core.memory import NOT_ENOUGH_MEMORY_HINT

        return fail("Not enough memory: the app ran out of memory and had to stop.", NOT_ENOUGH_MEMORY_HINT)
    detail = f" ({type(crash).__name__}: {printable(crash)})" if crash is not None else ""
    print(
        f"wit-tui: error: internal error{detail}. This is a bug in wit-tui; please report it with the traceback above.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


__all__ = ["EPILOG", "cmd_run", "exit_code_of", "run_parser"]
