"""How state flows in the UI, checked on the source: workers only through Jobs, the engine's state only through
engine calls, and one writer of the app's decisions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "wit_tui" / "tui"


def _sources() -> list[tuple[str, str]]:
    return [(str(p.relative_to(TUI)), p.read_text()) for p in sorted(TUI.rglob("*.py"))]


def test_every_worker_goes_through_the_jobs_helper():
    found = []
    for name, text in _sources():
        if name == "jobs.py":
            continue  # the helper itself starts the workers
        for pattern in (r"@work\b", r"\bcall_from_thread\b", r"\bget_current_worker\b", r"\brun_worker\("):
            found += [f"{name}: {pattern}" for _ in re.finditer(pattern, text)]
    assert found == []


def test_the_ui_never_touches_the_sessions_internals():
    pattern = re.compile(r"\bsession\.(overlay|cache|memo|_\w+)\b")
    found = [f"{name}: {m.group(0)}" for name, text in _sources() for m in pattern.finditer(text)]
    assert found == []


def test_only_the_performance_view_writes_the_decisions():
    writers = []
    for name, text in _sources():
        for node in ast.walk(ast.parse(text)):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "decisions":
                    writers.append(name)
    assert writers and all(w.startswith("views/performance/") for w in writers), writers
