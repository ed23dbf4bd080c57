"""How does the model decide, roughly: a shallow decision tree fitted to mimic its predictions.

A global surrogate ("mimic") is a ``DecisionTreeClassifier`` (for a classifier's
predicted labels) or ``DecisionTreeRegressor`` (for a regressor's predictions)
of a depth the user picks, trained on the model's *predictions*, never on the
ground truth: it explains the model, not the world. Its **fidelity** is how
well it reproduces those predictions on held-out rows it was not fitted on:
accuracy for a classifier, R² for a regressor.

The tree reads the raw feature columns so its rules name them: numeric columns
as they are (missing values are routed by the tree itself, sklearn ≥ 1.3),
categorical ones as one indicator per frequent value (``sex=Male``), which the
rules print as ``sex = Male`` / ``sex ≠ Male`` instead of ``sex=Male <= 0.50``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError

MIN_DEPTH, MAX_DEPTH, DEFAULT_DEPTH = 1, 8, 3
DEFAULT_ROWS = 20_000  # plenty for a tree of depth ≤ 8, and fast
TEST_SIZE = 0.25
MAX_INDICATORS = 20  # per categorical column: its most frequent values get an indicator, the rest none


@dataclass(frozen=True)
class SurrogateEncoding:
    """How raw columns become the tree's inputs: numeric as is, categorical as value indicators."""

    columns: tuple[str, ...]
    numeric: tuple[str, ...]
    indicators: tuple[tuple[str, str], ...]  # (column, value as text)

    @property
    def names(self) -> tuple[str, ...]:
        return self.numeric + tuple(f"{c}={v}" for c, v in self.indicators)

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The tree's input matrix: numeric columns, then each column's value indicators (one hash lookup per row)."""
        parts = [frame[c].to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, 1) for c in self.numeric]
        by_column: dict[str, list[str]] = {}
        for c, v in self.indicators:
            by_column.setdefault(c, []).append(v)
        for c, values in by_column.items():
            column = frame[c].astype("string").to_numpy(dtype=object)
            codes = pd.Index(values, dtype=object).get_indexer(column)  # type: ignore[arg-type]  # stubs: any array-like
            parts.append((codes[:, None] == np.arange(len(values))[None, :]).astype(np.float64))
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def surrogate_encoding(frame: pd.DataFrame, columns: Sequence[str]) -> SurrogateEncoding:
    """Numeric columns pass through; each categorical column gets indicators for its most frequent values."""
    numeric, indicators = [], []
    for c in columns:
        s = frame[c]
        if is_numeric(s):
            numeric.append(str(c))
        else:
            counts = s.astype("string").value_counts(dropna=True)
            counts = counts[counts > 0]
            indicators += [(str(c), str(v)) for v in counts.index[:MAX_INDICATORS]]
    return SurrogateEncoding(tuple(map(str, columns)), tuple(numeric), tuple(indicators))


@dataclass(frozen=True)
class Surrogate:
    """A fitted mimic tree, its fidelity to the model on held-out rows, and its rules as text."""

    model: str
    kind: str  # "classifier" | "regressor"
    depth: int
    fidelity: float
    fidelity_name: str  # "accuracy" | "R²"
    fidelity_train: float
    n_train: int
    n_test: int
    n_leaves: int
    rules: str
    target: str  # what the tree mimics, e.g. "logreg's predicted label (threshold 0.5)"
    tree: Any = field(compare=False, repr=False)
    encoding: SurrogateEncoding = field(compare=False, repr=False)
    test_rows: np.ndarray = field(compare=False, repr=False)  # positions of the held-out rows in the frame

    def compact_rules(self) -> str:
        """The rules with narrow tree guides (``│ │ ├ sex = Male``) for a terminal pane half a screen wide."""
        return self.rules.replace("|   ", "│ ").replace("|--- ", "├ ")

    def header(self) -> str:
        text = (
            f"{self.model}: depth-{self.depth} decision tree, {self.n_leaves} leaves, mimicking {self.target}.\n"
            f"Fidelity ({self.fidelity_name} against {self.model}'s predictions, not the label) on "
            f"{self.n_test:,} held-out rows: {self.fidelity:.4f} (on its {self.n_train:,} training rows: "
            f"{self.fidelity_train:.4f})."
        )
        if self.kind == "classifier":
            text += (
                "\nA leaf reads: the class it predicts (the share of its training rows the model gave that "
                "class, of how many)."
            )
        return text


def check_depth(depth: Any) -> int:
    try:
        d = int(depth)
    except (TypeError, ValueError):
        raise WitError(
            f"The tree depth {depth!r} is not a whole number.", f"Pick {MIN_DEPTH} to {MAX_DEPTH}."
        ) from None
    if not MIN_DEPTH <= d <= MAX_DEPTH:
        raise WitError(
            f"The tree depth must be between {MIN_DEPTH} and {MAX_DEPTH}, not {d}.",
            "A shallow tree is the point: its rules stay readable.",
        )
    return d


def _leaf(match: re.Match) -> str:
    """``weights: [3024.00, 120.00] class: <=50K`` → ``class: <=50K (96% of 3,144)``: purity and training rows."""
    weights = [float(w) for w in match.group(1).split(",")]
    total = sum(weights)
    share = max(weights) / total if total else 0.0
    return f"class: {match.group(2)} ({share:.0%} of {total:,.0f})"


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement that inserts ``text`` as it is (a value such as ``C:\\1`` is not a group reference)."""
    return lambda _m: text


def _readable(rules: str, encoding: SurrogateEncoding) -> str:
    """``sex=Male <= 0.50`` → ``sex ≠ Male``; ``sex=Male >  0.50`` → ``sex = Male``; leaves with their size."""
    rules = re.sub(r"weights: \[([^\]]*)\] class: (.*)$", _leaf, rules, flags=re.MULTILINE)
    for c, v in sorted(encoding.indicators, key=lambda cv: -len(cv[0]) - len(cv[1])):
        name = re.escape(f"{c}={v}")
        # replacements as functions: a value such as ``C:\1`` is text, not a group reference
        rules = re.sub(rf"--- {name} <= 0\.50*\b", _literal(f"--- {c} ≠ {v}"), rules)
        rules = re.sub(rf"--- {name} >  0\.50*\b", _literal(f"--- {c} = {v}"), rules)
    return rules


def _surrogate_target(predictions: np.ndarray, classification: bool) -> np.ndarray:
    """The model's predictions as the tree's target: text classes, or finite floats for a regressor."""
    y = np.asarray(predictions)
    if classification:
        return y.astype(str)
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise WitError("The model's predictions include non-finite values.", "Check the model on this data.")
    return y


def _held_out_split(
    y: np.ndarray, classification: bool, test_size: float, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, held-out rows), stratified by predicted class when every class has two rows or more."""
    # deferred: scikit-learn is heavy, only needed once a surrogate is fitted
    from sklearn.model_selection import train_test_split

    stratify = None
    if classification:
        _, class_counts = np.unique(y, return_counts=True)
        if len(class_counts) > 1 and class_counts.min() >= 2:
            stratify = y
    train_rows, test_rows = train_test_split(
        np.arange(len(y)), test_size=test_size, random_state=random_state, stratify=stratify
    )
    return train_rows, test_rows


def _fit_tree(
    X: np.ndarray,
    y: np.ndarray,
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    *,
    classification: bool,
    depth: int,
    random_state: int,
) -> tuple[Any, float, float, str, str]:
    """(tree, held-out fidelity, training fidelity, fidelity's name, kind): accuracy for classes, R² otherwise."""
    # deferred: scikit-learn is heavy, only needed once a surrogate is fitted
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # deferred: as above

    X_train, X_test, y_train, y_test = X[train_rows], X[test_rows], y[train_rows], y[test_rows]
    if classification:
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_train, y_train)
        fidelity = float(accuracy_score(y_test, tree.predict(X_test)))
        fidelity_train = float(accuracy_score(y_train, tree.predict(X_train)))
        return tree, fidelity, fidelity_train, "accuracy", "classifier"
    tree = DecisionTreeRegressor(max_depth=depth, random_state=random_state).fit(X_train, y_train)
    fidelity = float(r2_score(y_test, tree.predict(X_test)))
    fidelity_train = float(r2_score(y_train, tree.predict(X_train)))
    return tree, fidelity, fidelity_train, "R²", "regressor"


def fit_surrogate(
    frame: pd.DataFrame,
    columns: Sequence[str],
    predictions: np.ndarray,
    *,
    classification: bool,
    depth: int = DEFAULT_DEPTH,
    model: str = "model",
    target: str = "its predictions",
    test_size: float = TEST_SIZE,
    random_state: int = 0,
) -> Surrogate:
    """Fit a depth-``depth`` tree to ``predictions`` (the model's, one per row of ``frame``) and measure fidelity."""
    from sklearn.tree import export_text  # deferred: scikit-learn is heavy, only needed here

    depth = check_depth(depth)
    n = len(frame)
    if n != len(predictions):
        raise WitError(f"There are {len(predictions):,} predictions for {n:,} rows.", "Give one prediction per row.")
    if n < 8:
        raise WitError(f"A surrogate needs at least 8 rows to fit and hold out; there are {n}.", "Use more data.")
    if not columns:
        raise WitError("The surrogate has no feature columns to split on.", "Give at least one feature.")
    encoding = surrogate_encoding(frame, columns)
    X = encoding.transform(frame)
    y = _surrogate_target(predictions, classification)
    train_rows, test_rows = _held_out_split(y, classification, test_size, random_state)
    tree, fidelity, fidelity_train, name, kind = _fit_tree(
        X, y, train_rows, test_rows, classification=classification, depth=depth, random_state=random_state
    )
    rules = export_text(
        tree, feature_names=list(encoding.names), decimals=2, max_depth=depth, show_weights=classification
    )
    return Surrogate(
        model,
        kind,
        depth,
        fidelity,
        name,
        fidelity_train,
        len(train_rows),
        len(test_rows),
        int(tree.get_n_leaves()),
        _readable(rules, encoding),
        target,
        tree,
        encoding,
        np.sort(test_rows),
    )


def rules_text(surrogates: Sequence[Surrogate], dataset: str = "") -> str:
    """The export: a header per model (fidelity, what it mimics) and its rules."""
    out = [f"wit-tui surrogate rules{f' for {dataset}' if dataset else ''}", ""]
    for s in surrogates:
        out += [s.header(), "", s.rules.rstrip(), ""]
    return "\n".join(out)


def export_rules(surrogates: Sequence[Surrogate], path: str | Path, dataset: str = "") -> Path:
    """Write the rules to ``path`` atomically (a temporary file in the same folder, then ``os.replace``)."""
    if not surrogates:
        raise WitError("There are no surrogate rules to export yet.", "Fit the surrogate first.")
    return atomic_write(path, rules_text(surrogates, dataset), what="rules file").resolve()


__all__ = [
    "DEFAULT_DEPTH",
    "MAX_DEPTH",
    "MIN_DEPTH",
    "Surrogate",
    "SurrogateEncoding",
    "check_depth",
    "export_rules",
    "fit_surrogate",
    "rules_text",
    "surrogate_encoding",
]
