"""Which slicing the user asked for, in a form that means the same rows on other data.

The performance screen, the decisions file, ``report`` and ``validate`` describe a slicing with one
:class:`SliceSpec`: the features (crossed), how numeric ones are bucketed (a count, quantile or equal width, or
explicit ``edges`` per feature — a saved file stores the edges, so a slice holds the same rows on new data), or a
predicate (``where``: a filter expression; its slices are the rows that match and the rest, crossed with the
features if there are any). :func:`~wit_tui.engine.spec_slicing.spec_slicing_of` turns a spec into the slices
of a data set; ``to_dict`` / ``from_dict`` give the plain form files store (TOML or JSON).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.edge_slices import check_edges
from wit_tui.engine.slicing import DEFAULT_BUCKETS

_KEYS = ("features", "buckets", "equal_width", "edges", "where")


@dataclass(frozen=True)
class SliceSpec:
    """``features``: crossed; ``buckets`` / ``equal_width``: how numeric features without ``edges`` are cut;
    ``edges``: explicit bucket edges per numeric feature (``(0, 1, 3, 10)``); ``where``: a predicate slicing
    (the filter language), crossed with ``features`` when both are set."""

    features: tuple[str, ...] = ()
    buckets: int = DEFAULT_BUCKETS
    equal_width: bool = False
    edges: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    where: str | None = None

    def key(self) -> tuple[Any, ...]:
        """A hashable name of the slicing (per-slice thresholds belong to one)."""
        return (self.features, self.buckets, self.equal_width, tuple(sorted(self.edges.items())), self.where)

    @property
    def empty(self) -> bool:
        return not self.features and self.where is None

    def pinned(self, edges: Mapping[str, Sequence[float]]) -> SliceSpec:
        """This spec with the bucket edges a slicing used (``Slicing.edges``) fixed, so it means the same rows on
        other data; edges already given win."""
        fixed = {f: tuple(float(e) for e in edges[f]) for f in self.features if f in edges}
        return replace(self, edges={**fixed, **self.edges})

    def to_dict(self) -> dict[str, Any]:
        """The plain form (lists, numbers, text; no ``where`` key when there is no predicate, as TOML has no null)."""
        out: dict[str, Any] = {
            "features": list(self.features),
            "buckets": self.buckets,
            "equal_width": self.equal_width,
            "edges": {f: list(e) for f, e in self.edges.items()},
        }
        if self.where is not None:
            out["where"] = self.where
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str = "slicing") -> SliceSpec:
        """Read :meth:`to_dict`'s form back; a WitError names the bad key (``where`` says where the table is)."""
        if not isinstance(d, Mapping):
            raise WitError(f"{where} must be a table, not {d!r}.", 'E.g. { features = ["sex"], buckets = 4 }.')
        unknown = sorted(set(map(str, d)) - set(_KEYS))
        if unknown:
            raise WitError(f"{where} has unknown key {unknown[0]!r}.", f"Allowed keys: {', '.join(_KEYS)}.")
        features = d.get("features", [])
        if not isinstance(features, (list, tuple)) or not all(isinstance(f, str) for f in features):
            raise WitError(f"{where}.features must be a list of column names, not {features!r}.", 'E.g. ["sex"].')
        buckets = d.get("buckets", DEFAULT_BUCKETS)
        if isinstance(buckets, bool) or not isinstance(buckets, int) or not 1 <= buckets <= 1000:
            raise WitError(f"{where}.buckets must be a whole number from 1 to 1000, not {buckets!r}.", "E.g. 4.")
        equal_width = d.get("equal_width", False)
        if not isinstance(equal_width, bool):
            raise WitError(f"{where}.equal_width must be true or false, not {equal_width!r}.", "E.g. false.")
        raw_edges = d.get("edges", {})
        if not isinstance(raw_edges, Mapping):
            raise WitError(
                f"{where}.edges must be a table of feature = [edges], not {raw_edges!r}.", "E.g. { age = [0, 30, 60] }."
            )
        edges = {str(f): _edges(e, f"{where}.edges.{f}") for f, e in raw_edges.items()}
        predicate = d.get("where")
        if predicate is not None and (not isinstance(predicate, str) or not predicate.strip()):
            raise WitError(f"{where}.where must be a filter expression, not {predicate!r}.", 'E.g. "priors_count > 0".')
        return cls(tuple(features), buckets, equal_width, edges, None if predicate is None else predicate.strip())


def _edges(value: Any, where: str) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        raise WitError(f"{where} must be a list of numbers, not {value!r}.", "E.g. [0, 1, 3, 10].")
    try:
        return check_edges(value)
    except WitError as exc:
        raise WitError(f"{where}: {exc.message}", exc.hint) from None


__all__ = ["SliceSpec"]
