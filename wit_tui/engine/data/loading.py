"""Read the user's data and model files, refusing to run untrusted code.

A joblib/pickle file can run any code when it is loaded, so it is loaded only
when the user passes ``--trust`` (or the file is one of our own demo models).
A ``.skops`` file is loaded with :mod:`skops.io`, which refuses types it does
not trust; those are listed and also need ``--trust``.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wit_tui.engine.core.errors import WitError

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
    if not path.exists():
        raise WitError(f"The {what} file {path} does not exist.", "Check the path and try again.")
    if path.is_dir():
        raise WitError(f"The {what} path {path} is a folder, not a file.", f"Give the path of the {what} file itself.")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise WitError(
            f"The {what} file {path} cannot be read: {exc.strerror or exc}.", "Check its permissions."
        ) from exc


def load_data(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame; the file itself is never modified."""
    path = Path(path)
    _check_file(path, "data")
    suffixes = [s.lower() for s in path.suffixes]
    _check_memory(path, parquet=bool(suffixes) and suffixes[-1] in PARQUET_SUFFIXES)
    try:
        if suffixes and suffixes[-1] in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv(path)
    except WitError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise WitError(f"The data file {path} is empty.", "Give a CSV with a header row and at least one row.") from exc
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        kind = "Parquet" if suffixes and suffixes[-1] in PARQUET_SUFFIXES else "CSV"
        raise WitError(
            f"The data file {path} could not be read as {kind}: {str(exc).splitlines()[0]}",
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
    return frame


#: in-memory size of a DataFrame per byte of file: CSV text is roughly its own size in memory (numbers
#: shrink, strings grow); a compressed Parquet file expands several times.
MEMORY_FACTOR = {"csv": 2.0, "parquet": 8.0}


def available_memory() -> int | None:
    """Bytes of memory available now (Linux/macOS), or None when the OS will not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _check_memory(path: Path, *, parquet: bool) -> None:
    """Refuse, before reading, a file whose DataFrame would not fit in the memory available."""
    need = path.stat().st_size * MEMORY_FACTOR["parquet" if parquet else "csv"]
    free = available_memory()
    if free is not None and need > free:
        gib = 1024**3
        raise WitError(
            f"The data file {path} ({path.stat().st_size / gib:.1f} GiB) would need about {need / gib:.1f} GiB of "
            f"memory once loaded, but only {free / gib:.1f} GiB is available.",
            "Explore a sample of it (e.g. `head -n 1000001 big.csv > sample.csv`) or free some memory.",
        )


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV, sniffing ``;`` / tab delimiters and falling back to latin-1 text."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if b"\x00" in head:
        raise WitError(f"The data file {path} looks binary, not like CSV text.", "Give a CSV or Parquet file.")
    encoding = "utf-8-sig"
    try:
        # final=False: the 64 KiB window may end inside a multi-byte character.
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "latin-1"
        text = head.decode(encoding)
    sep = ","
    first_line = text.splitlines()[0] if text.strip() else ""
    if "," not in first_line:
        try:
            sep = csv.Sniffer().sniff(first_line, delimiters=";\t|").delimiter
        except csv.Error:
            sep = ","
    try:
        try:
            return pd.read_csv(path, sep=sep, encoding=encoding)
        except UnicodeDecodeError:
            if encoding == "latin-1":
                raise
            # Not UTF-8 after all (the first non-ASCII byte came after the sniffed window).
            return pd.read_csv(path, sep=sep, encoding="latin-1")
    except pd.errors.ParserError as exc:
        ragged = _RAGGED.search(str(exc))
        if ragged is None:
            raise
        want, line, got = ragged.groups()
        shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(sep, repr(sep))
        raise WitError(
            f"Line {line} of the data file {path} has {got} fields, but the header has {want} ({shown}-separated).",
            f"Fix that line: a value holding a {shown} must be in double quotes.",
        ) from exc


_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


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


def load_model(path: str | Path, *, trust: bool = False, name: str | None = None) -> LoadedModel:
    """Load a fitted estimator from ``.skops`` (safe) or joblib/pickle (only with ``trust``)."""
    path = Path(path)
    _check_file(path, "model")
    suffix = path.suffix.lower()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if suffix == ".skops":
            obj = _load_skops(path, trust)
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


def _load_skops(path: Path, trust: bool) -> Any:
    import skops.io as sio  # deferred: skops is optional and only needed for .skops files

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise WitError(
            f"The model file {path} is not a readable .skops file ({type(exc).__name__}).",
            "Save it again with skops.io.dump(model, path).",
        ) from exc
    if untrusted and not trust:
        raise WitError(
            f"The skops file {path} contains types that are not trusted by default: {', '.join(untrusted)}.",
            "Review them; if you trust them, pass --trust to load the file.",
        )
    try:
        return sio.load(path, trusted=untrusted or None)
    except Exception as exc:
        raise WitError(
            f"The skops file {path} could not be loaded ({type(exc).__name__}: {_first_line(exc)}).",
            "Save it again with skops.io.dump(model, path) using the installed scikit-learn.",
        ) from exc


__all__ = ["LoadedModel", "WitError", "load_data", "load_model", "TRUST_HINT"]
