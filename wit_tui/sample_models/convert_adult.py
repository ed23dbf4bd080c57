"""Convert the raw UCI Adult files into the compact demo file ``adult.parquet``.

Run once by a developer (never at run time)::

    python wit_tui/sample_models/convert_adult.py /path/to/adult/ wit_tui/sample_models/adult.parquet

The raw files have no header, ", " separators, ``?`` for missing values, and in
``adult.test`` a first junk line and labels that end in a dot. The output has
proper column names, pandas ``category`` columns for the strings, ``<NA>`` for
missing values and a ``split`` column (``train`` / ``test``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
]
CATEGORICAL = [
    "workclass",
    "education",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native_country",
    "income",
    "split",
]


def read_raw(path: Path, split: str) -> pd.DataFrame:
    skip = 1 if split == "test" else 0
    df = pd.read_csv(
        path,
        header=None,
        names=COLUMNS,
        sep=",",
        skipinitialspace=True,
        na_values=["?"],
        skiprows=skip,
        skip_blank_lines=True,
    )
    df = df.dropna(how="all")
    df["income"] = df["income"].str.rstrip(".")
    df["split"] = split
    return df


def convert(raw_dir: Path, out: Path) -> pd.DataFrame:
    df = pd.concat(
        [read_raw(raw_dir / "adult.data", "train"), read_raw(raw_dir / "adult.test", "test")],
        ignore_index=True,
    )
    for col in COLUMNS:
        if col not in CATEGORICAL:
            df[col] = df[col].astype("int64")
    for col in CATEGORICAL:
        df[col] = df[col].astype("category")
    df.to_parquet(out, compression="zstd", index=False)
    return df


if __name__ == "__main__":
    frame = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(frame.shape, frame["split"].value_counts().to_dict(), frame["income"].value_counts().to_dict())
