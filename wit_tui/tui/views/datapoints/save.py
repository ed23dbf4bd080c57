"""ctrl+s: the edited and added points to a CSV file (temp file, then rename), labelled at the editor's thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from textual.app import App

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.paths import check_output_file, paths_in
from wit_tui.engine.session.session import Session
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.widgets.prompt_bar import PromptBar


class SaveHost(Protocol):
    @property
    def app(self) -> App[Any]: ...
    @property
    def prompt(self) -> PromptBar: ...
    @property
    def thresholds(self) -> tuple[float, ...]: ...

    ready: bool

    def note(self, text: str, error: bool = False) -> None: ...
    def action_focus_detail(self) -> None: ...


class EditsSaver:
    """Asks for a path (the last one by default), refuses inputs, confirms an overwrite, writes, says how many."""

    def __init__(self, host: SaveHost, session: Session) -> None:
        self.host = host
        self.session = session
        self.last_path: str | None = None

    def ask(self) -> None:
        if not self.host.ready or not self.session.n_changed:
            self.host.note("Nothing to save: no edited or added datapoints.", error=True)
            return
        stem = Path(self.session.name).stem.replace(" ", "-") or "data"
        default = self.last_path or str(Path.cwd() / f"{stem}-edits.csv")
        hint = f"{self.session.n_changed} edited/added point(s) → CSV · enter saves · esc cancels"
        self.host.prompt.ask("save", "save to ", default, hint)

    def save(self, path_text: str, confirmed: bool = False) -> None:
        prompt = self.host.prompt
        path = Path(path_text.strip()).expanduser()
        if not path_text.strip():
            prompt.error("Give a file name.")
            return
        try:  # never over the data or a model file (the data file is never modified), nor over a device
            check_output_file(path, paths_in(self.session.source), "edits file")
        except WitError as exc:
            prompt.error(f"{exc.message} {exc.hint}")
            return
        # the file this session saved last is its own: saving again (ctrl+s, enter) updates it without asking
        if path.exists() and not confirmed and str(path) != self.last_path:

            def answer(ok: bool | None) -> None:
                if ok:
                    self.save(path_text, confirmed=True)
                else:
                    prompt.input.focus()

            self.host.app.push_screen(ConfirmScreen(f"Overwrite {path}? It exists already."), answer)
            return
        try:
            n = self.session.save_edits(path, self.host.thresholds)
        except WitError as exc:
            prompt.error(f"{exc.message} {exc.hint}")
            return
        self.last_path = str(path)
        prompt.close()
        self.host.action_focus_detail()
        self.host.note(f"Saved {n} datapoint(s) to {path}.")  # the view's note line: it fades


__all__ = ["EditsSaver", "SaveHost"]
