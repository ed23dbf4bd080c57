"""What every view shares: the session, and a hook called once the scores are ready."""

from __future__ import annotations

from textual.containers import Container

from wit_tui.engine.session.session import Session


class SessionView(Container):
    """A tab's content. ``session_ready`` runs once the app has scored every model."""

    #: Title shown on the tab and in the help screen.
    TITLE = ""
    #: One line on what the view is for (help screen, command palette).
    HELP = ""

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.ready = False

    def session_ready(self) -> None:
        """Called on the UI thread after scoring; render from engine results."""
        self.ready = True
