"""How a behaviour test changes the rows: each :class:`Perturbation` as one or more variants, applied chunk by chunk
so a million rows never need a million-row copy per value."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import column_like
from wit_tui.engine.validation.behavior_spec import Perturbation

#: ``apply(rows, positions)``: the perturbed copy of ``rows`` (a chunk of the data), ``positions`` their places
#: among the tested rows (what a seeded resample draws by)
Apply = Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]


@dataclass(frozen=True)
class Variant:
    """One perturbed version of every row, and the features it touches (what an example shows)."""

    apply: Apply
    features: tuple[str, ...]


def _filled(ref: pd.Series, value: Any, n: int) -> Any:
    """``n`` copies of ``value`` in ``ref``'s dtype (a category code array, not a list, for categories)."""
    dtype = ref.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        match = [c for c in cats if str(c) == str(value)]
        if match:
            return pd.Categorical.from_codes(np.full(n, cats.index(match[0])), dtype=dtype)
    if dtype.kind in "iuf" and not isinstance(value, str):
        return np.full(n, value)
    return column_like(ref, [value] * n)


def _setter(data: pd.DataFrame, combo: dict[str, Any]) -> Apply:
    def apply(rows: pd.DataFrame, _pos: np.ndarray) -> pd.DataFrame:
        return rows.assign(**{f: _filled(data[f], v, len(rows)) for f, v in combo.items()})

    return apply


def _arithmetic(amounts: dict[str, float], scale: bool) -> Apply:
    def apply(rows: pd.DataFrame, _pos: np.ndarray) -> pd.DataFrame:
        new = {f: (rows[f] * a if scale else rows[f] + a) for f, a in amounts.items()}
        return rows.assign(**new)

    return apply


def _swapper(a: str, b: str) -> Apply:
    def apply(rows: pd.DataFrame, _pos: np.ndarray) -> pd.DataFrame:
        va, vb = rows[a].to_numpy(dtype=object), rows[b].to_numpy(dtype=object)
        if pd.api.types.is_numeric_dtype(rows[a].dtype) and pd.api.types.is_numeric_dtype(rows[b].dtype):
            va, vb = rows[a].to_numpy(), rows[b].to_numpy()
        return rows.assign(**{a: vb, b: va})

    return apply


def _resampler(data: pd.DataFrame, features: tuple[str, ...], n_tested: int, seed: int) -> Apply:
    """Each tested row's values of ``features`` drawn from the data's own (non-missing) values, seeded, one draw
    per row and feature fixed up front, so the chunking never changes what is drawn."""
    rng = np.random.default_rng(seed)
    drawn = {}
    for f in features:
        pool = data[f][data[f].notna()].array
        drawn[f] = pool.take(rng.integers(0, len(pool), n_tested)) if len(pool) else data[f].array.take([])

    def apply(rows: pd.DataFrame, pos: np.ndarray) -> pd.DataFrame:
        return rows.assign(**{f: d.take(pos) for f, d in drawn.items()})

    return apply


def variants(p: Perturbation, data: pd.DataFrame, n_tested: int, seed: int) -> list[Variant]:
    """The variants of ``p``: one per combination of ``set`` values, else one."""
    if p.kind == "set":
        names = tuple(f for f, _ in p.values)
        combos = itertools.product(*(vs for _, vs in p.values))
        return [Variant(_setter(data, dict(zip(names, c, strict=True))), names) for c in combos]
    if p.kind in ("shift", "scale"):
        return [Variant(_arithmetic(dict(p.amounts), p.kind == "scale"), tuple(f for f, _ in p.amounts))]
    if p.kind == "swap":
        return [Variant(_swapper(*p.features), p.features)]
    return [Variant(_resampler(data, p.features, n_tested, seed), p.features)]


def describe_change(before: pd.DataFrame, after: pd.DataFrame, features: tuple[str, ...]) -> str:
    """What a variant changed in one row, ``sex: Male → Female; age: 37 → 42`` (the features it touches)."""
    parts = []
    for f in features:
        a, b = before[f].iloc[0], after[f].iloc[0]
        parts.append(f"{f}: {_shown(a)} → {_shown(b)}")
    return "; ".join(parts)


def _shown(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return str(v)


__all__ = ["Variant", "describe_change", "variants"]
