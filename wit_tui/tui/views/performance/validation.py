"""``v`` on the performance screen: the check table of ``wit-tui validate`` for the loaded models, one engine call."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from wit_tui.engine.validation.run import validate_session
from wit_tui.render.validation import validation_renderables, verdict
from wit_tui.tui.jobs import JobDone, JobFailed, Jobs
from wit_tui.tui.options import RunOptions
from wit_tui.tui.widgets.text_static import TextStatic

GROUP = "perf.validate"


class ValidationBox(TextStatic):
    """The verdict and every check, above the overview (hidden until ``v``)."""

    ACTIONS = frozenset({"validate"})

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._source = ""
        self._jobs: Jobs | None = None

    def start(self, jobs: Jobs, options: RunOptions, session) -> None:
        """Validate model 2 against model 1 (one model: on its own) with the run's --config."""
        self.display = True
        config = options.validation_config
        if config is None:
            self.update(
                Text.from_markup(
                    "[b]No validation config.[/b] Start wit-tui with [b]--config checks.toml[/b] (the TOML file of "
                    "`wit-tui validate`, e.g. examples/validate-adult.toml) and press [b]v[/b] here to see every check."
                )
            )
            return
        self.update(Text(f"Validating with {config.source}…"))
        self._source = str(config.source)
        self._jobs = jobs
        two = len(session.models) == 2

        def run(_progress, _cancelled):
            return validate_session(
                session, config, candidate=1 if two else 0, baseline=0 if two else None, rubber_stamp=not two
            )

        jobs.run(GROUP, "Validating", run, reply_to=self)

    def on_job_done(self, done: JobDone) -> None:
        if done.group != GROUP:
            return
        done.stop()
        if self._jobs is not None and self._jobs.is_current(done):
            parts = [verdict(done.result), *validation_renderables(done.result, config=self._source), Text("")]
            self.update(Group(*parts))

    def on_job_failed(self, failed: JobFailed) -> None:
        if failed.group == GROUP and self._jobs is not None and self._jobs.is_current(failed):
            self.update(Text.assemble(("Cannot validate: ", "bold red"), failed.text))


__all__ = ["ValidationBox"]
