"""The one job helper: a result comes back with its version, a newer job makes an older result stale, errors and
cancels take one path, and the progress line shows what runs."""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.containers import Container

from wit_tui.engine.core.errors import WitError
from wit_tui.tui.jobs import JobDone, JobFailed, JobLine, Jobs


class Owner(Container):
    def __init__(self) -> None:
        super().__init__()
        self.jobs = Jobs(self, lambda: self.query_one(JobLine))
        self.done: list[JobDone] = []
        self.failed: list[JobFailed] = []

    def compose(self) -> ComposeResult:
        yield JobLine()

    def on_job_done(self, done: JobDone) -> None:
        if self.jobs.is_current(done):
            self.done.append(done)

    def on_job_failed(self, failed: JobFailed) -> None:
        if self.jobs.is_current(failed):
            self.failed.append(failed)

    def on_worker_state_changed(self, event) -> None:
        self.jobs.worker_ended(event.worker)


class JobsApp(App):
    def compose(self) -> ComposeResult:
        yield Owner()


async def test_a_newer_job_makes_the_older_result_stale(wait_until):
    app = JobsApp()
    async with app.run_test() as pilot:
        owner = app.query_one(Owner)
        gate = threading.Event()

        def slow(progress, cancelled):
            progress(1, 2)
            gate.wait(10)
            return "old"

        first = owner.jobs.run("g", "Slow job", slow)
        await wait_until(pilot, lambda: app.query_one(JobLine).display, "the progress line")
        assert owner.jobs.running("g") and owner.jobs.labels == ["Slow job"]
        second = owner.jobs.run("g", "Fast job", lambda progress, cancelled: "new")
        assert second == first + 1
        gate.set()
        await wait_until(pilot, lambda: bool(owner.done) and not owner.jobs.running(), "the fast job")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [(d.version, d.result) for d in owner.done] == [(second, "new")]  # "old" never arrives as current
        assert not app.query_one(JobLine).display


async def test_errors_come_back_as_one_message_and_cancel_ends_the_job(wait_until):
    app = JobsApp()
    async with app.run_test() as pilot:
        owner = app.query_one(Owner)

        def bad(progress, cancelled):
            raise WitError("The column is an identifier.", "Pick another one.")

        owner.jobs.run("g", "Slicing", bad)
        await wait_until(pilot, lambda: bool(owner.failed), "the failure")
        assert owner.failed[0].text == "The column is an identifier. Pick another one."
        assert owner.failed[0].label == "Slicing"

        def until_cancelled(progress, cancelled):
            while not cancelled():
                threading.Event().wait(0.01)
            return "too late"

        owner.jobs.run("h", "Long", until_cancelled)
        assert owner.jobs.cancel() == ["Long"]
        await wait_until(pilot, lambda: not app.workers, "the cancelled worker to end")
        assert not owner.done and not owner.jobs.running()
