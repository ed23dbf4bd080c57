"""A usage error quoting the user's input (a column name, a value) prints it as text: no raw control character
reaches the terminal, and markup-like text is printed as it is."""

from __future__ import annotations

import pytest

from tests.strategies import raw_controls
from wit_tui.cli.main import main


@pytest.mark.bad_input
def test_an_error_quoting_an_escape_sequence_prints_it_visibly(capsys):
    code = main(["report", "--demo", "adult", "--slice", "nope [/]\x1b]0;pwn\x07\x9b2J"])
    err = capsys.readouterr().err
    assert code == 2 and "wit-tui: error:" in err
    assert "nope [/]␛]0;pwn␇\ufffd2J" in err and not raw_controls(err)
