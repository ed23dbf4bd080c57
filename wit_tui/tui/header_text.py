"""The header line: dataset, rows, model(s) and task, fitted to the terminal by shortening names (and then leaving
out the app's name) before anything that carries meaning — the task, the positive class, a number — is cut."""

from __future__ import annotations

from wit_tui.engine.session.session import Session

#: the header's own furniture: the icon on the left (8) and the clock space on the right (10)
HEADER_FURNITURE = 18
#: name lengths tried, longest first, when the line does not fit (None: names in full)
NAME_LENGTHS: tuple[int | None, ...] = (None, 24, 16, 12, 10, 8, 6, 4)


def _short(name: str, length: int | None) -> str:
    return name if length is None or len(name) <= length else name[: length - 1] + "…"


def describe_session(session: Session, name_length: int | None = None) -> str:
    """Header line: dataset, rows, model(s), task; names cut to ``name_length`` characters (None: in full)."""
    task = session.task
    kind = {
        "binary": f"binary (positive: {task.positive})",
        "multiclass": f"multi-class ({len(task.classes)} classes)",
        "regression": "regression",
    }[task.kind]
    margins = [name for name, t in zip(session.model_names, session.tasks, strict=True) if t.margins]
    if margins and len(margins) == len(session.models):
        kind += ", decision_function scores"
    elif margins:
        kind += f", {', '.join(_short(m, name_length) for m in margins)}: decision_function scores"
    models = " vs ".join(_short(m, name_length) for m in session.model_names)
    return f"{_short(session.name, name_length)} · {session.n_rows:,} rows · {models} · {kind}"


def header_parts(session: Session, width: int, title: str, suffix: str = "") -> tuple[str, str]:
    """(title, sub-title) that fit a header ``width`` columns wide: names shortened first, then the title left out
    (the terminal's title and the tabs still name the app); the task and the positive class stay."""
    room = width - HEADER_FURNITURE
    for shown_title in (title, ""):
        budget = room - (len(shown_title) + 3 if shown_title else 0)
        for length in NAME_LENGTHS:
            text = describe_session(session, length) + suffix
            if len(text) <= budget:
                return shown_title, text
    return "", describe_session(session, NAME_LENGTHS[-1]) + suffix


__all__ = ["HEADER_FURNITURE", "describe_session", "header_parts"]
