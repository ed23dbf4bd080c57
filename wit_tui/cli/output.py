"""Where the commands' output goes: errors on stderr with their exit code, results on stdout or in a file."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from wit_tui.render.text import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
#: Off a terminal, without COLUMNS, plain output is this wide.
PLAIN_WIDTH = 120


def fail(message: str, hint: str = "") -> int:
    """``wit-tui: error: message`` (and the hint) on stderr; the usage exit code."""
    # the message and hint are text, never markup: "write each one as [[metrics]]" must print as is
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"[bold red]wit-tui: error:[/] {escape(printable(message, lines=True))}", markup=True)
    if hint:  # and printable: a message quotes names and values from the data, which may hold escape sequences
        err.print(f"  {printable(hint, lines=True)}", style="yellow", markup=False)
    return EXIT_USAGE


def internal_error(exc: BaseException) -> int:
    """A bug: the traceback and a line asking for a report; exit 3, never read as "validation failed"."""
    sys.stderr.write(printable("".join(traceback.format_exception(exc)), lines=True))
    print(
        f"wit-tui: error: internal error ({type(exc).__name__}: {printable(exc)}). This is a bug in wit-tui; "
        "please report it with the traceback above.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


class _Console(Console):
    """A closed pipe silences the output but keeps the command's own exit code (rich's default would exit 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass


def stdout_console() -> Console:
    """Rich on a terminal (colours, its width); plain text otherwise, 120 columns unless COLUMNS says else.

    A closed pipe (``wit-tui validate ... | head``) silences the output but keeps the command's own exit code
    (rich's default would exit 1, which CI would read as a failed validation)."""
    console = _Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = _Console(highlight=False, width=PLAIN_WIDTH)
    return console


#: ``-o -``: the output goes to standard output, as for any command that writes a file
STDOUT = "-"


def check_output(
    path: str | None, inputs: Sequence[str | None] = (), *, option: str = "-o", what: str = "output file"
) -> None:
    """Fail fast (before loading models) when ``option``'s file cannot be written, is one of the ``inputs`` or is
    not a file; the messages call it ``what`` (``--junit file`` names the option whose path is wrong)."""
    # deferred: the engine package loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.core.paths import check_output_file  # deferred, as above

    if not path or path == STDOUT:
        return
    p = Path(path)
    if p.is_dir():
        raise WitError(f"The {what} path {p} is a folder.", f"Give a file name to {option}.")
    check_output_file(p, inputs, what)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise WitError(f"The folder of the {what} {p} does not exist.", "Create it first, or write elsewhere.")
    if not os.access(folder, os.W_OK):
        raise WitError(f"The folder of the {what} {p} is not writable.", "Write elsewhere, or fix its permissions.")


def write_output(path: str, text: str, what: str = "output file") -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a file), or to stdout for ``-``."""
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # deferred: the engine package loads pandas and sklearn; --help and usage errors stay instant
    from wit_tui.engine.core.atomic import atomic_write

    atomic_write(path, text, what=what)


__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "STDOUT",
    "check_output",
    "fail",
    "internal_error",
    "stdout_console",
    "write_output",
]
