"""The edits of the selected point: type or pick a value, step it, revert, duplicate, add and delete points.

A plain class of the inspector's keys. Each one makes one engine call
(:mod:`wit_tui.engine.session.editing`) and says the engine's note in the view's
note line (it fades); the redraw comes from the session's event (the view's
``on_session_updated``), the same way for an edit made here or anywhere else.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.editing import (
    add_point,
    apply_edits,
    delete_point,
    duplicate_point,
    edit_text,
    feature_spec,
    revert_feature,
    revert_point,
    show,
    step_feature,
)
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.dialogs.pick import PickScreen
from wit_tui.tui.views.datapoints.common import cell_text
from wit_tui.tui.views.datapoints.inspector import Inspector
from wit_tui.tui.widgets.prompt_bar import PromptBar


class EditHost(Protocol):
    """What the editor needs from the view."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def prompt(self) -> PromptBar: ...
    @property
    def inspector(self) -> Inspector: ...

    selected: int

    def sync(self) -> None: ...
    def select_added(self, point: int) -> None: ...
    def note(self, text: str, error: bool = False) -> None: ...


class PointEditor:
    """The keys that change the selected point (and add or delete points)."""

    ACTIONS = frozenset({"edit", "step", "revert_feature", "revert_point", "duplicate", "add", "delete"})

    def __init__(self, host: EditHost, session: Session) -> None:
        self.host = host
        self.session = session

    def can(self, action: str) -> bool:
        return not self.why_not(action)

    def why_not(self, action: str) -> str:
        """Why the key ``action`` does nothing on the selected point ("" when it applies): said, never silent."""
        s, i = self.session, self.host.selected
        if action == "delete" and not s.is_added(i):
            return "Only added points can be deleted; R reverts an edited one."
        if action in ("revert_feature", "revert_point") and s.is_added(i):
            return f"Datapoint {i} was added: it has no loaded values to revert to; x deletes it."
        if action == "revert_feature":
            f = self.host.inspector.current_feature()
            if f not in s.edited_values(i):
                return f"{f} of datapoint {i} is not edited: nothing to revert (e edits it)."
        if action == "revert_point" and not s.is_edited(i):
            return f"Datapoint {i} is not edited: nothing to revert (e edits a feature)."
        return ""

    def _note(self, text: str, error: bool = False) -> None:
        """A short note (applied, reverted, why not): the view's note line, which fades."""
        self.host.note(text, error)

    def _failed(self, exc: WitError) -> None:
        self._note(f"{exc.message} {exc.hint}", error=True)

    # -- one point's values --------------------------------------------------------------------
    def edit(self) -> None:
        """Type a number in the prompt, or pick a category (the values seen in the data)."""
        f = self.host.inspector.current_feature()
        if not f:
            return
        spec = feature_spec(self.session, f)
        i = self.host.selected
        current = self.session.row(i)[f]
        if spec.kind != "categorical":
            hint = (
                f"number · +/- step {show(spec.step)} · range [{show(spec.low)}, {show(spec.high)}] · empty = missing"
            )
            self.host.prompt.ask("edit", f"{f} = ", "" if current is None else show(current), hint)
            return
        options = [cell_text(c) for c in spec.categories] + ["(missing)"]  # as the table shows them
        try:
            now: int | None = spec.categories.index(current)
        except ValueError:
            now = None if current is not None else len(spec.categories)

        def picked(k: int | None) -> None:
            if k is not None:
                self.apply({f: spec.categories[k] if k < len(spec.categories) else None})
                self.host.inspector.table.focus()

        hint = "type to filter · enter sets the value · esc cancels"
        self.host.app.push_screen(PickScreen(f"{f} of datapoint {i}", options, now, hint), picked)

    def typed(self, text: str) -> None:
        """The prompt's value for the highlighted feature."""
        f = self.host.inspector.current_feature()
        try:
            result = edit_text(self.session, self.host.selected, f, text)
        except WitError as exc:
            self.host.prompt.error(f"{exc.message} {exc.hint}")
            return
        self.host.prompt.close()
        self.host.inspector.table.focus()
        self._note(result.note)

    def apply(self, values: dict[str, Any], note: str = "") -> bool:
        """Set features of the selected point; False (with a note) when refused."""
        try:
            result = apply_edits(self.session, self.host.selected, values)
        except WitError as exc:
            self._failed(exc)
            return False
        self._note(note or result.note)
        return True

    def step(self, steps: int) -> None:
        try:
            result = step_feature(self.session, self.host.selected, self.host.inspector.current_feature(), steps)
        except WitError as exc:
            self._failed(exc)
            return
        self._note(result.note)

    def revert_feature(self) -> None:
        f = self.host.inspector.current_feature()
        if revert_feature(self.session, self.host.selected, f) is not None:
            self._note(f"{f} reverted.")
        else:
            self._note(self.why_not("revert_feature"), error=True)

    def revert_point(self) -> None:
        i = self.host.selected
        if revert_point(self.session, i) is not None:
            self._note(f"Datapoint {i} reverted.")
        else:
            self._note(self.why_not("revert_point"), error=True)

    # -- points ---------------------------------------------------------------------------------------
    def duplicate(self) -> None:
        src = self.host.selected
        new = duplicate_point(self.session, src)
        self.host.select_added(new)
        self._note(f"Datapoint {new} is a copy of {src}.")

    def add(self) -> None:
        try:
            new = add_point(self.session)
        except WitError as exc:
            self._failed(exc)
            return
        self.host.select_added(new)
        self._note(f"Datapoint {new} added from the data's medians and modes.")

    def delete(self) -> None:
        i = self.host.selected
        if not self.session.is_added(i):
            self._note("Only added points can be deleted; R reverts an edited one.", error=True)
            return

        def answer(ok: bool | None) -> None:
            if ok:
                delete_point(self.session, i)  # renumbers: the view rebuilds on the session's event
                self._note(f"Datapoint {i} deleted; later added points moved up one id.")

        self.host.app.push_screen(ConfirmScreen(f"Delete added datapoint {i}?"), answer)

    def run(self, action: str, *args: Any) -> None:
        """A key of the editor (``action`` in :attr:`ACTIONS`), on the point under the table's cursor."""
        self.host.sync()
        getattr(self, action)(*args)


__all__ = ["EditHost", "PointEditor"]
