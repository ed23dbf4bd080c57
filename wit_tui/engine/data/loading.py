"""Read the user's data and model files, refusing to run untrusted code.

A joblib/pickle file can run any code when it is loaded, so it is loaded only
when the user passes ``--trust`` (the demo models are skops files too).
A ``.skops`` file is loaded with :mod:`skops.io`, which refuses types it does
not trust; those are listed and also need ``--trust``.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.memory import NOT_ENOUGH_MEMORY_HINT, memory_budget
from wit_tui.engine.core.paths import check_input_file
from wit_tui.engine.data.csv_format import compression_of, read_csv, renamed_duplicates, sniff_csv

PICKLE_SUFFIXES = {".joblib", ".pkl", ".pickle", ".jbl"}
PARQUET_SUFFIXES = {".parquet", ".pq"}

TRUST_HINT = (
    "If you trust where it came from, pass --trust; better, save the model with skops "
    "(skops.io.dump(model, 'model.skops')) and load that."
)


@dataclass(frozen=True)
class LoadedModel:
    """A fitted estimator with the name the UI shows and where it came from."""

    name: str
    estimator: Any
    path: Path | None = None
    #: things the user should know but that do not stop loading (e.g. a model saved with another sklearn)
    warnings: tuple[str, ...] = ()


def _check_file(path: Path, what: str) -> None:
    check_input_file(path, what)  # before any open(): a FIFO would block it
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise WitError(
            f"The {what} file {path} cannot be read: {exc.strerror or exc}.", "Check its permissions."
        ) from exc


@dataclass(frozen=True)
class DataFile:
    """A data file as a DataFrame, what the user should hear about it, and the columns left out of it."""

    frame: pd.DataFrame
    warnings: tuple[str, ...] = ()
    #: (column, kind) of the columns no screen can show or slice (lists, structs, maps, binary): not in ``frame``
    unsupported: tuple[tuple[str, str], ...] = ()


def load_data(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame; the file itself is never modified."""
    return read_data(path).frame


def read_data(path: str | Path) -> DataFile:
    """Read a CSV (plain or compressed) or Parquet file, with the warnings it earns; the file is never modified."""
    path = Path(path)
    _check_file(path, "data")
    suffixes = [s.lower() for s in path.suffixes]
    parquet = bool(suffixes) and suffixes[-1] in PARQUET_SUFFIXES
    compressed = not parquet and compression_of(path) is not None
    _check_memory(path, kind="parquet" if parquet else "csv-compressed" if compressed else "csv")
    notes: list[str] = []
    unsupported: tuple[tuple[str, str], ...] = ()
    try:
        if parquet:
            frame, unsupported = _read_parquet(path)
        else:
            fmt = sniff_csv(path)
            frame = read_csv(path, fmt)
            renamed = renamed_duplicates(fmt.header, [str(c) for c in frame.columns])
            if renamed:
                notes.append(
                    f"The data file {path.name} has duplicate column names; they were renamed: "
                    + ", ".join(f"{old!r} -> {new!r}" for old, new in renamed)
                    + ". Use the new names in --features, --label and filters."
                )
    except WitError:
        raise
    except MemoryError as exc:
        raise WitError(f"Not enough memory to load the data file {path}.", NOT_ENOUGH_MEMORY_HINT) from exc
    except pd.errors.EmptyDataError as exc:
        raise WitError(f"The data file {path} is empty.", "Give a CSV with a header row and at least one row.") from exc
    except (pd.errors.ParserError, ValueError, OSError, EOFError) as exc:
        kind = "Parquet" if parquet else "CSV"
        raise WitError(
            f"The data file {path} could not be read as {kind}: {_first_line(exc)}",
            "Check that it is a valid CSV (with a header row) or Parquet file.",
        ) from exc
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise WitError(
            f"The data file {path} could not be read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            "Check that it is a valid CSV (with a header row) or Parquet file.",
        ) from exc
    if frame.shape[0] == 0:
        raise WitError(f"The data file {path} has a header but no rows.", "Give a file with at least one datapoint.")
    frame.columns = [str(c) for c in frame.columns]
    if unsupported:
        notes.append(
            f"{len(unsupported)} column(s) hold values wit-tui cannot show, slice or score (lists, structs, maps, "
            "binary) and are left out: " + ", ".join(f"{name} ({kind})" for name, kind in unsupported) + "."
        )
    return DataFile(frame, tuple(notes), unsupported)


def _arrow_kind(dtype: Any) -> str | None:
    """``"list"``, ``"struct"``, ``"map"``, ``"binary"``… for an Arrow type wit-tui cannot use; None for one it can."""
    import pyarrow.types as pat  # type: ignore[import-untyped]  # deferred: only Parquet files need pyarrow

    if pat.is_dictionary(dtype):
        return _arrow_kind(dtype.value_type)
    checks = (
        ("map", pat.is_map),  # before list: a map is a list of key/value structs
        ("list", lambda t: pat.is_list(t) or pat.is_large_list(t) or pat.is_fixed_size_list(t)),
        ("list", lambda t: pat.is_list_view(t) or pat.is_large_list_view(t)),
        ("struct", pat.is_struct),
        ("union", pat.is_union),
        ("binary", lambda t: pat.is_binary(t) or pat.is_large_binary(t) or pat.is_fixed_size_binary(t)),
        ("binary", pat.is_binary_view),
    )
    return next((kind for kind, check in checks if check(dtype)), None)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, tuple[tuple[str, str], ...]]:
    """The Parquet file without its nested and binary columns (read from its schema, so they are never loaded)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # deferred: only Parquet files need pyarrow

    schema = pq.read_schema(path)
    unsupported = tuple((field.name, kind) for field in schema if (kind := _arrow_kind(field.type)) is not None)
    if not unsupported:
        return pd.read_parquet(path), ()
    skipped = {name for name, _ in unsupported}
    keep = [field.name for field in schema if field.name not in skipped]
    return pd.read_parquet(path, columns=keep), unsupported


def check_needed_columns(
    data: DataFile, models: Sequence[LoadedModel], label: str | None, features: Sequence[str] | None
) -> None:
    """Refuse a left-out column that a model, the label or ``--features`` needs, naming it and its kind."""
    left_out = dict(data.unsupported)
    if not left_out:
        return
    users: list[tuple[str, list[str]]] = []
    for m in models:
        names = [str(c) for c in getattr(m.estimator, "feature_names_in_", [])]
        users.append((f"The model {m.name}", [c for c in names if c in left_out]))
    users.append(("The label", [label] if label in left_out else []))
    users.append(("--features", [c for c in features or [] if c in left_out]))
    for who, cols in users:
        if cols:
            raise WitError(
                f"{who} needs column(s) that wit-tui cannot use: "
                + ", ".join(f"{c} ({left_out[c]})" for c in cols)
                + ". wit-tui reads columns of numbers, text, booleans, dates and categories.",
                "Flatten them into plain columns (one value per cell) and save the data again.",
            )


#: in-memory size of a DataFrame per byte of file: CSV text is roughly its own size in memory (numbers
#: shrink, strings grow); a compressed CSV or Parquet file expands several times.
MEMORY_FACTOR = {"csv": 2.0, "csv-compressed": 10.0, "parquet": 8.0}


def _check_memory(path: Path, *, kind: str) -> None:
    """Refuse, before reading, a file whose DataFrame would not fit in the memory this process may still use."""
    size = path.stat().st_size
    need = size * MEMORY_FACTOR[kind]
    budget = memory_budget()
    if budget is not None and need > budget.available:
        gib = 1024**3
        raise WitError(
            f"The data file {path} ({size / gib:.1f} GiB) would need about {need / gib:.1f} GiB of "
            f"memory once loaded, but only {budget.available / gib:.1f} GiB is available ({budget.source}).",
            "Explore a sample of it (e.g. `head -n 1000001 big.csv > sample.csv`) or give it more memory.",
        )


def _is_estimator(obj: Any) -> bool:
    return hasattr(obj, "predict") and hasattr(obj, "get_params")


def _check_fitted(obj: Any, path: Path) -> None:
    from sklearn.exceptions import NotFittedError  # deferred: scikit-learn is heavy, only needed here
    from sklearn.utils.validation import check_is_fitted  # deferred: scikit-learn is heavy, only needed here

    try:
        check_is_fitted(obj)
    except NotFittedError as exc:
        raise WitError(
            f"The model in {path} ({type(obj).__name__}) has not been fitted.",
            "Fit it on training data (model.fit(X, y)) before saving it.",
        ) from exc
    except TypeError:
        # Not an sklearn estimator in the strict sense; trust its predict().
        pass


def _first_line(exc: BaseException) -> str:
    """The first line of an error's message, for a one-line WitError."""
    return str(exc).splitlines()[0] if str(exc) else "no detail"


def load_model(
    path: str | Path, *, trust: bool = False, name: str | None = None, allowed_types: Collection[str] = ()
) -> LoadedModel:
    """Load a fitted estimator from ``.skops`` (safe) or joblib/pickle (only with ``trust``).

    ``allowed_types`` are types a caller vouches for beyond skops' defaults (the demo's tree predictors): a fixed
    list in code, never read from the file, so a planted file cannot widen it."""
    path = Path(path)
    _check_file(path, "model")
    suffix = path.suffix.lower()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if suffix == ".skops":
            obj = _load_skops(path, trust, allowed_types)
        else:
            if not trust:
                raise WitError(f"Not loading {path}: loading a pickle/joblib file runs any code inside it.", TRUST_HINT)
            obj = _load_pickle(path)
    notes = _version_notes(caught, path)
    if not _is_estimator(obj):
        raise WitError(
            f"The file {path} holds a {type(obj).__name__}, not a scikit-learn estimator.",
            "Save the fitted estimator or Pipeline itself (joblib.dump(model, path) or skops.io.dump).",
        )
    _check_fitted(obj, path)
    return LoadedModel(name=name or path.stem, estimator=obj, path=path, warnings=notes)


def _version_notes(caught: list[warnings.WarningMessage], path: Path) -> tuple[str, ...]:
    """sklearn warns when a model was pickled by another version: keep going, but tell the user once."""
    versions = set()
    for w in caught:
        if type(w.message).__name__ == "InconsistentVersionWarning":
            original = getattr(w.message, "original_sklearn_version", None)
            versions.add(str(original) if original else "another version")
    if not versions:
        return ()
    import sklearn  # deferred: scikit-learn is heavy, only needed here

    return (
        f"{path.name} was saved with scikit-learn {', '.join(sorted(versions))}; this is {sklearn.__version__}. "
        "It loaded, but its predictions may differ: re-save it with this version to be sure.",
    )


def _load_pickle(path: Path) -> Any:
    import joblib  # deferred: joblib is only needed for this

    try:
        return joblib.load(path)
    except Exception as exc:
        raise WitError(
            f"The model file {path} could not be loaded ({type(exc).__name__}: {_first_line(exc)}).",
            "Check that it is a complete joblib/pickle file of a scikit-learn model, saved with a compatible version.",
        ) from exc


def _load_skops(path: Path, trust: bool, allowed_types: Collection[str] = ()) -> Any:
    import skops.io as sio  # deferred: skops is optional and only needed for .skops files

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise WitError(
            f"The model file {path} is not a readable .skops file ({type(exc).__name__}).",
            "Save it again with skops.io.dump(model, path).",
        ) from exc
    refused = [t for t in untrusted if t not in allowed_types]
    if refused and not trust:
        raise WitError(
            f"The skops file {path} contains types that are not trusted by default: {', '.join(refused)}.",
            "Review them; if you trust them, pass --trust to load the file.",
        )
    try:
        return sio.load(path, trusted=untrusted or None)
    except Exception as exc:
        raise WitError(
            f"The skops file {path} could not be loaded ({type(exc).__name__}: {_first_line(exc)}).",
            "Save it again with skops.io.dump(model, path) using the installed scikit-learn.",
        ) from exc


__all__ = [
    "DataFile",
    "LoadedModel",
    "TRUST_HINT",
    "WitError",
    "check_needed_columns",
    "load_data",
    "load_model",
    "read_data",
]
