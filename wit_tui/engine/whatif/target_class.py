"""Which class is a multi-class question about? One check shared by attributions, ICE and counterfactuals.

A multi-class point has one probability per class: the user picks the class the
attributions explain, the ICE curves follow and the counterfactual is searched
for, by its number in ``task.classes``. None means each question's default
(the predicted class; for a counterfactual, any other class).
"""

from __future__ import annotations

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import TaskInfo


def checked_class(task: TaskInfo, target_class: int | None) -> int | None:
    """``target_class`` when it numbers a class of a multi-class task (None stays None); refused otherwise."""
    if target_class is None:
        return None
    if task.kind != "multiclass":
        raise WitError(
            f"A class was chosen, but the task is {task.kind}.", "Choose a class only for a multi-class task."
        )
    n = len(task.classes)
    if not 0 <= int(target_class) < n:
        raise WitError(f"There is no class number {target_class}.", f"Choose 0 to {n - 1} ({n} classes).")
    return int(target_class)


def class_words(task: TaskInfo, target_class: int | None, probabilities: bool = True) -> str:
    """The class's output in words: ``P(class_2)`` (a decision value when the model gives no probabilities)."""
    if target_class is None:
        return ""
    name = task.classes[target_class]
    return f"P({name})" if probabilities else f"score of {name}"


__all__ = ["checked_class", "class_words"]
