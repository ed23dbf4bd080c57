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

import os
import sys
from collections.abc import Callable, Sequence

from wit_tui.cli.arguments import DEMOS, UsageError, build_session
from wit_tui.cli.output import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, fail, internal_error
from wit_tui.cli.report import cmd_report
from wit_tui.cli.run import cmd_run
from wit_tui.cli.run import run_parser as _run_parser
from wit_tui.cli.validate import cmd_validate

COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"run": cmd_run, "report": cmd_report, "validate": cmd_validate}
SUBCOMMANDS = tuple(COMMANDS)
#: Ctrl-C: the shell's code for SIGINT.
EXIT_INTERRUPTED = 130


def _quiet_stdout() -> None:
    """After a closed pipe (``wit-tui report | head``), send what is left to /dev/null."""
    try:
        sys.stdout = open(os.devnull, "w")  # stays open until the process exits
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        command, rest = argv[0], argv[1:]
    else:
        command, rest = "run", argv
    try:
        return COMMANDS[command](rest)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `wit-tui report | head`
        _quiet_stdout()
        return EXIT_OK
    except MemoryError:  # a limit of this machine (or of ulimit / the container), not a bug
        # deferred: the engine is loaded by now (a MemoryError comes from work on data); --help never pays for it
        from wit_tui.engine.core.memory import NOT_ENOUGH_MEMORY_HINT

        return fail(f"Not enough memory: wit-tui {command} ran out of memory and had to stop.", NOT_ENOUGH_MEMORY_HINT)
    except Exception as exc:  # a bug: never let CI read a crash as "validation failed" (exit 1), nor as success
        return internal_error(exc)


__all__ = [
    "DEMOS",
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "SUBCOMMANDS",
    "UsageError",
    "_run_parser",
    "build_session",
    "fail",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
