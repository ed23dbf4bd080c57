"""Which features does the counterfactual distance count? The models' inputs, unless the user says otherwise.

A column no model reads cannot change a prediction, so a neighbour "nearest" through it is nearest by something
the models never see — in fairness work often a leaked outcome. By default the distance therefore counts the
features some loaded model reads (the union over the models; the data checks warn about the others the same
way). The user may count other features, or fewer: the ``--cf-features`` option (:func:`parse_features`) and
the counterfactual panel's picker both end in :func:`checked_features`. The label never counts (it is not a
feature), and ID-like text columns are left out by the distance itself.

``--cf-features`` syntax, one comma-separated list:

- ``age,education``: exactly these features;
- ``-fnlwgt,+race``: the models' inputs without ``fnlwgt``, with ``race`` (every item signed);

mixing the two forms is refused, as is a name that is not a feature (the features are listed).
"""

from __future__ import annotations

from collections.abc import Sequence

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.inputs import input_columns
from wit_tui.engine.session.session import Session

#: how many names a message lists before "…"
_LIST = 20


def model_inputs(session: Session) -> tuple[str, ...]:
    """The default: the features some model reads, in feature order (every feature if no model reads one)."""
    used = set(input_columns(session.model_columns))
    inputs = tuple(f for f in session.features if f in used)
    return inputs or tuple(session.features)


def _names(items: Sequence[str]) -> str:
    return ", ".join(items[:_LIST]) + (" …" if len(items) > _LIST else "")


def checked_features(session: Session, names: Sequence[str], *, source: str = "The distance") -> tuple[str, ...]:
    """``names`` as the distance's features, in feature order; a WitError for a name that is not a feature, for
    the label, and for no feature at all (``source`` names who asked, e.g. ``--cf-features``)."""
    features = [str(f) for f in session.features]
    known = set(features)
    for name in names:
        if name in known:
            continue
        if session.label is not None and name == session.label:
            raise WitError(
                f"{source} names the label {name!r}: the label is what is predicted, never a distance feature.",
                f"Leave it out. Features: {_names(features)}.",
            )
        raise WitError(f"{source} names {name!r}, which is not a feature.", f"Features: {_names(features)}.")
    wanted = set(names)
    chosen = tuple(f for f in features if f in wanted)
    if not chosen:
        raise WitError(f"{source} leaves no feature to measure the distance over.", "Name at least one feature.")
    return chosen


def parse_features(session: Session, text: str, *, source: str = "--cf-features") -> tuple[str, ...]:
    """The features a ``--cf-features`` value means (see the module docstring), checked."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise WitError(
            f"{source} is empty.", "Give features (age,education), or changes to the models' inputs (-fnlwgt,+race)."
        )
    signed = [item for item in items if item[0] in "+-"]
    if signed and len(signed) != len(items):
        plain = [item for item in items if item[0] not in "+-"]
        raise WitError(
            f"{source} mixes a list of features ({', '.join(plain)}) with changes ({', '.join(signed)}).",
            "Either list the features (age,education) or sign every item (-fnlwgt,+race).",
        )
    if not signed:
        return checked_features(session, items, source=source)
    names = [item[1:].strip() for item in items]
    checked_features(session, names, source=source)  # every name a feature, before any arithmetic
    chosen = list(model_inputs(session))
    for item, name in zip(items, names, strict=True):
        if item[0] == "-" and name in chosen:
            chosen.remove(name)
        elif item[0] == "+" and name not in chosen:
            chosen.append(name)
    return checked_features(session, chosen, source=source)


def describe(session: Session, columns: Sequence[str]) -> str:
    """In words, which features ``columns`` are: "12 of 14 features (the models' inputs)", "… (the models' inputs
    + fnlwgt)", "… (chosen)"."""
    default = model_inputs(session)
    n = f"{len(columns)} of {len(session.features)} features"
    added = [f for f in columns if f not in default]
    removed = [f for f in default if f not in columns]
    if not added and not removed:
        return f"{n} (the models' inputs)"
    if len(added) + len(removed) <= 3:
        changes = "".join(f" + {f}" for f in added) + "".join(f" − {f}" for f in removed)
        return f"{n} (the models' inputs{changes})"
    return f"{n} (chosen)"


__all__ = ["checked_features", "describe", "model_inputs", "parse_features"]
