"""One way to run work off the UI thread: inputs captured by the caller, one call, one message back.

A job is a function ``fn(progress, cancelled)`` whose every input was read on the
UI thread before it started (a closure over values, never over a widget). It runs
in a thread worker; its result comes back as :class:`JobDone` and an error as
:class:`JobFailed`, both carrying the job's group and version, posted to the
widget that started it. A newer job of the same group cancels the older one, and
:meth:`Jobs.is_current` tells a result that was already queued when it did (or
whose inputs changed since: :meth:`Jobs.invalidate`) from the current one. The
owner passes every ``Worker.StateChanged`` to :meth:`Jobs.worker_ended`.
Progress goes to the :class:`JobLine` of the view; ``escape`` cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, get_current_worker

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import Cancelled, IsCancelled, Progress
from wit_tui.tui.widgets.text_static import TextStatic

JobFn = Callable[[Progress, IsCancelled], Any]


class JobDone(Message):
    """A job finished; ``result`` is what its function returned."""

    def __init__(self, group: str, version: int, result: Any) -> None:
        super().__init__()
        self.group, self.version, self.result = group, version, result


class JobFailed(Message):
    """A job raised; ``text`` is the one line to show (a WitError's message and hint, else the exception)."""

    def __init__(self, group: str, version: int, label: str, error: BaseException) -> None:
        super().__init__()
        self.group, self.version, self.label, self.error = group, version, label, error

    @property
    def text(self) -> str:
        error = self.error
        if isinstance(error, WitError):
            return f"{error.message} {error.hint}".strip()
        return f"{type(error).__name__}: {error}"


class JobProgress(Message):
    def __init__(self, group: str, label: str, done: int, total: int) -> None:
        super().__init__()
        self.group, self.label, self.done, self.total = group, label, done, total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgress) and message.group == self.group


@dataclass
class _Running:
    label: str
    version: int
    worker: Worker[None] | None = None


class JobLine(Horizontal):
    """The progress line of a view: the running job's label, a bar, and the key that cancels it."""

    DEFAULT_CSS = """
    JobLine { height: 1; display: none; }
    JobLine > .job-label { width: auto; max-width: 60%; padding: 0 1 0 0; }
    JobLine > ProgressBar { width: 30; }
    JobLine > .job-keys { width: auto; color: $text-muted; padding: 0 0 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield TextStatic("", classes="job-label")
        yield ProgressBar(show_eta=False)
        yield TextStatic("esc cancels", classes="job-keys")

    def show(self, label: str | None, done: int | None = None, total: int | None = None) -> None:
        """Show ``label`` with a bar (indeterminate until a total is known); None hides the line."""
        if label is None:
            self.display = False
            return
        self.query_one(".job-label", Static).update(Text(label))
        self.query_one(ProgressBar).update(total=total, progress=done or 0)
        self.display = True

    def on_job_progress(self, message: JobProgress) -> None:
        self.query_one(".job-label", Static).update(Text(message.label))
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)


class Jobs:
    """The jobs of one view: start, progress, cancel, and which result is still current."""

    def __init__(self, owner: DOMNode, line: Callable[[], JobLine | None] = lambda: None) -> None:
        self._owner = owner
        self._line = line
        self._running: dict[str, _Running] = {}
        self._versions: dict[str, int] = {}

    # -- starting and ending -------------------------------------------------
    def run(self, group: str, label: str, fn: JobFn, *, reply_to: DOMNode | None = None) -> int:
        """Start ``fn`` in a thread (cancelling the group's running job); returns the job's version.

        The result is posted to ``reply_to`` (default: the owner) as JobDone or JobFailed.
        """
        version = self.invalidate(group)
        target = reply_to if reply_to is not None else self._owner
        line = self._line()
        running = _Running(label, version)
        self._running[group] = running

        def body() -> None:
            worker = get_current_worker()

            def progress(done: int, total: int) -> None:
                (line if line is not None else self._owner).post_message(JobProgress(group, label, done, total))

            try:
                result = fn(progress, lambda: worker.is_cancelled)
            except Cancelled:
                return  # whoever cancelled it has already ended the job
            except Exception as exc:  # every error goes back as one message, never into the worker machinery
                if not worker.is_cancelled:
                    target.post_message(JobFailed(group, version, label, exc))
                return
            if not worker.is_cancelled:
                target.post_message(JobDone(group, version, result))

        self._owner.workers.cancel_group(self._owner, group)
        running.worker = self._owner.run_worker(body, name=label, group=group, thread=True, exit_on_error=False)
        self._show()
        return version

    def invalidate(self, group: str) -> int:
        """Make any result of ``group`` still on its way stale (its inputs changed); returns the new version."""
        version = self._versions.get(group, 0) + 1
        self._versions[group] = version
        return version

    def is_current(self, message: JobDone | JobFailed) -> bool:
        """True when ``message`` comes from the newest job of its group (its inputs are still the current ones)."""
        return message.version == self._versions.get(message.group)

    def worker_ended(self, worker: Worker[Any]) -> None:
        """The owner saw ``worker`` end (any state): its job leaves the progress line."""
        for group, running in list(self._running.items()):
            if running.worker is worker:
                del self._running[group]
                self._show()

    def cancel(self, group: str | None = None) -> list[str]:
        """Cancel one group's job, or every job; returns the labels of what was cancelled."""
        groups = [group] if group is not None else list(self._running)
        labels = []
        for g in groups:
            running = self._running.pop(g, None)
            if running is None:
                continue
            self.invalidate(g)
            self._owner.workers.cancel_group(self._owner, g)
            labels.append(running.label)
        self._show()
        return labels

    # -- what is running -------------------------------------------------------
    def running(self, group: str | None = None) -> bool:
        return bool(self._running) if group is None else group in self._running

    def label(self, group: str) -> str | None:
        running = self._running.get(group)
        return None if running is None else running.label

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self._running.values()]

    def _show(self) -> None:
        line = self._line()
        if line is not None:
            labels = self.labels
            line.show(labels[-1] if labels else None)
        self._owner.refresh_bindings()


__all__ = ["IsCancelled", "JobDone", "JobFailed", "JobFn", "JobLine", "JobProgress", "Jobs", "Progress"]
