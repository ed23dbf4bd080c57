"""User data is text: never markup, never a raw control character, in every format the report is printed in."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from tests.strategies import hostile_frames, raw_controls
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.report import build_report
from wit_tui.engine.session.session import Session
from wit_tui.render.markdown import report_markdown
from wit_tui.render.report import report_renderables, report_text
from wit_tui.render.text import literal, printable

bad_input = pytest.mark.bad_input


def hostile_session(frame: pd.DataFrame, num: str, cat: str, model_name: str) -> Session:
    model = make_pipeline(
        ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore"), [cat])], remainder="passthrough"),
        LogisticRegression(max_iter=200),
    ).fit(frame[[num, cat]], frame["y"])
    return Session(frame, [LoadedModel(model_name, model)], label="y", name="data")


def test_printable_keeps_width_and_shows_every_control():
    raw = "a\x1b]0;t\x07b\x9bc\rd\ne\u202ef"
    shown = printable(raw)
    assert len(shown) == len(raw) and not raw_controls(shown) and "\n" not in shown
    assert shown == "a␛]0;t␇b\ufffdc␍d␊e\ufffdf"
    assert printable(raw, lines=True).count("\n") == 1
    assert printable("weight [kg] 数据") == "weight [kg] 数据"  # plain text is left alone


def test_literal_cleans_a_table_in_place_and_reads_no_markup():
    table = Table(title="t [/]")
    table.add_column("weight [kg]\x1b[2J")
    table.add_row("[/]\x1b]0;t\x07", Text("x\x9b", style="bold"))
    assert literal(table) is table
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(table)
    out = console.file.getvalue()
    assert "weight [kg]␛[2J" in out and "[/]␛]0;t␇" in out and "t [/]" in out and not raw_controls(out)


@bad_input
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_frames())
def test_report_in_every_format_prints_hostile_names_as_text(drawn):
    """Names and values with markup, escape sequences and unusual unicode: every format shows them, as text, and
    no raw control character reaches the output (the JSON keeps them exactly, escaped)."""
    frame, num, cat = drawn
    model_name = f"m {cat[:12]}"
    report = build_report(hostile_session(frame, num, cat, model_name), slice_features=[cat])
    terminal = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=True)  # no styles
    for r in report_renderables(report):
        terminal.print(r)
    text, md, js = report_text(report), report_markdown(report), report.to_json()
    for out in (text, md, js, terminal.file.getvalue()):
        assert not raw_controls(out)
    for name in (num, cat, model_name):
        assert printable(name)[:28] in text
        assert printable(name).replace("|", "\\|") in md
    parsed = json.loads(js)
    assert [m["name"] for m in parsed["models"]] == [model_name]
    assert {f["name"] for f in parsed["feature_statistics"]} >= {num, cat}
