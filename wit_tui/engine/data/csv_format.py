"""How is this CSV written: compressed or not, in which encoding, with which separator, and which header?

Users hand over what they have: ``data.csv.gz`` straight from a download, a
UTF-16 export from a spreadsheet, a semicolon-separated file from a European
locale. The start of the file answers each question (magic bytes, byte-order
mark, the header line), so the whole file is read once, by pandas, with the
right options — and what cannot be read is named ("UTF-16 without a
byte-order mark"), never called "binary".
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import lzma
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import pandas as pd

from wit_tui.engine.core.errors import WitError

#: how much of the (decompressed) start of the file the sniffing looks at
HEAD_BYTES = 64 * 1024

#: compressed formats pandas reads, by the magic bytes they start with (the suffix may be missing or wrong)
_MAGIC: tuple[tuple[bytes, Compression], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
)

#: byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


Compression = Literal["gzip", "bz2", "xz", "zip"]


@dataclass(frozen=True)
class CsvFormat:
    """What pandas needs to read the file, and its header as written (before pandas renames duplicates)."""

    compression: Compression | None
    encoding: str
    sep: str
    header: tuple[str, ...]


def compression_of(path: Path) -> Compression | None:
    """``"gzip"`` (etc.) from the file's magic bytes, None for plain text."""
    with path.open("rb") as fh:
        start = fh.read(8)
    return next((name for magic, name in _MAGIC if start.startswith(magic)), None)


def _head(path: Path, compression: Compression | None) -> bytes:
    """The first bytes of the file's (decompressed) text."""
    try:
        if compression is None:
            with path.open("rb") as fh:
                return fh.read(HEAD_BYTES)
        if compression == "zip":
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    raise WitError(
                        f"The data file {path} is a zip archive of {len(names)} files.",
                        "Give a zip holding exactly one CSV, or unpack it and give the CSV.",
                    )
                with archive.open(names[0]) as fh:
                    return fh.read(HEAD_BYTES)
        stream: IO[bytes] | gzip.GzipFile
        if compression == "gzip":
            stream = gzip.open(path, "rb")
        elif compression == "bz2":
            stream = bz2.open(path, "rb")
        else:
            stream = lzma.open(path, "rb")
        with stream as fh:
            return fh.read(HEAD_BYTES)
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        raise WitError(
            f"The data file {path} is {compression}-compressed but cannot be decompressed: {exc}.",
            "Check that the download is complete, or give the uncompressed CSV.",
        ) from exc


def _utf16_without_bom(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 text: every other byte is NUL, the bytes between are not."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(nul_even, nul_odd) > 0.6 and min(nul_even, nul_odd) < 0.05


def _encoding(path: Path, head: bytes) -> tuple[str, str]:
    """The encoding and the decoded head; text with NULs and no byte-order mark is refused, with its likely cause."""
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if encoding is None and b"\x00" in head:
        if _utf16_without_bom(head):
            raise WitError(
                f"The data file {path} looks like UTF-16 text without a byte-order mark, which cannot be read safely.",
                "Save it as UTF-8 (or as UTF-16 with a byte-order mark) and try again.",
            )
        raise WitError(f"The data file {path} looks binary, not like CSV text.", "Give a CSV or Parquet file.")
    encoding = encoding or "utf-8-sig"
    try:
        # final=False: the window may end inside a multi-byte character.
        return encoding, codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        if encoding != "utf-8-sig":
            raise WitError(
                f"The data file {path} starts with a {encoding.upper()} byte-order mark "
                f"but is not valid {encoding.upper()}.",
                "Save it as UTF-8 and try again.",
            ) from None
        return "latin-1", head.decode("latin-1")


def sniff_csv(path: Path) -> CsvFormat:
    """Compression, encoding, separator (``,`` unless the header has none, then ``;``, tab or ``|``) and header."""
    compression = compression_of(path)
    head = _head(path, compression)
    encoding, text = _encoding(path, head)
    sep = ","
    first_line = text.splitlines()[0] if text.strip() else ""
    if "," not in first_line:
        try:
            sep = csv.Sniffer().sniff(first_line, delimiters=";\t|").delimiter
        except csv.Error:
            sep = ","
    try:
        header = tuple(next(csv.reader(io.StringIO(text), delimiter=sep), []))
    except csv.Error:
        header = ()
    return CsvFormat(compression, encoding, sep, header)


def read_csv(path: Path, fmt: CsvFormat) -> pd.DataFrame:
    """The whole file with pandas; a ragged line is named with its number and the separator."""
    try:
        try:
            return pd.read_csv(path, sep=fmt.sep, encoding=fmt.encoding, compression=fmt.compression)
        except UnicodeDecodeError:
            if fmt.encoding != "utf-8-sig":
                raise
            # Not UTF-8 after all (the first non-ASCII byte came after the sniffed window).
            return pd.read_csv(path, sep=fmt.sep, encoding="latin-1", compression=fmt.compression)
    except pd.errors.ParserError as exc:
        ragged = _RAGGED.search(str(exc))
        if ragged is None:
            raise
        want, line, got = ragged.groups()
        shown = _SEPARATOR_NAMES.get(fmt.sep, repr(fmt.sep))
        raise WitError(
            f"Line {line} of the data file {path} has {got} fields, but the header has {want} ({shown}-separated).",
            f"Fix that line: a value holding a {shown} must be in double quotes.",
        ) from exc


def renamed_duplicates(header: tuple[str, ...], columns: list[str]) -> list[tuple[str, str]]:
    """(name as written, name given) for each duplicated header name pandas renamed (``a`` -> ``a.1``)."""
    if len(header) != len(columns):
        return []
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    return [(old, new) for old, new in zip(header, columns, strict=True) if seen[old] > 1 and old != new]


__all__ = ["CsvFormat", "compression_of", "read_csv", "renamed_duplicates", "sniff_csv"]
