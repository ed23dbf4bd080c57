"""Copy out as TSV through OSC 52, wrapped for tmux: the exact bytes for a known string."""

from __future__ import annotations

import base64

from rich.text import Text

from wit_tui.tui.widgets.clipboard import copied_note, in_tmux, osc52, plain, too_big_note, tsv


def test_osc52_plain_and_wrapped_for_tmux() -> None:
    assert osc52("hi") == "\x1b]52;c;aGk=\a"
    assert osc52("hi", tmux=True) == "\x1bPtmux;\x1b\x1b]52;c;aGk=\a\x1b\\"
    payload = osc52("a\tb\n", tmux=True).split(";")[-1].split("\a")[0]
    assert base64.b64decode(payload) == b"a\tb\n"


def test_in_tmux_reads_the_tmux_variable() -> None:
    assert in_tmux({"TMUX": "/tmp/tmux-1/default,1,0"})
    assert not in_tmux({})


def test_tsv_is_plain_text_without_tabs_or_line_breaks_inside_values() -> None:
    cell = Text("yes ✓", style="green")
    assert plain(cell) == "yes ✓"
    assert tsv(["a", "b"], [["x\ty", cell], [Text("1\n2"), 3]]) == "a\tb\nx y\tyes ✓\n1 2\t3\n"
    assert copied_note(1, 14) == "Copied 1 row (14 columns) as TSV"
    assert "12,000 rows" in too_big_note(12_000) and "ctrl+s" in too_big_note(12_000)
