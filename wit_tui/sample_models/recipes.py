"""Recipes for the demo models: deterministic, trained on each demo's train split.

Saved models are tied to the scikit-learn version that wrote them, so the
demo ships no model files: ``wit_tui.engine.demo`` trains these on first use
and caches them per scikit-learn version.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

RECIPE_VERSION = 1  # bump when a recipe changes, so cached models are retrained

ADULT_NUMERIC = ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
ADULT_CATEGORICAL = [
    "workclass",
    "education",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native_country",
]


@dataclass(frozen=True)
class DemoData:
    """A demo's splits and its label; ``test`` is what the app shows and evaluates."""

    name: str
    train: pd.DataFrame
    test: pd.DataFrame
    label: str
    positive: Any
    features: list[str]
    description: str


def adult_data() -> DemoData:
    """UCI Adult census income (CC BY 4.0): the classic What-If Tool demo."""
    with resources.files("wit_tui.sample_models").joinpath("adult.parquet").open("rb") as fh:
        frame = pd.read_parquet(fh)
    features = [c for c in frame.columns if c not in ("income", "split")]
    train = frame[frame["split"] == "train"].drop(columns="split").reset_index(drop=True)
    test = frame[frame["split"] == "test"].drop(columns="split").reset_index(drop=True)
    return DemoData(
        "adult",
        train,
        test,
        "income",
        ">50K",
        features,
        "UCI Adult census income, test split (16,281 people): is income > 50K?",
    )


def _adult_prep_onehot() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("num", StandardScaler(), ADULT_NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ADULT_CATEGORICAL),
        ]
    )


def _ordinal_then_numeric(categorical: list[str], numeric: list[str]) -> ColumnTransformer:
    return ColumnTransformer(
        [
            (
                "cat",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan),
                categorical,
            ),
            ("num", "passthrough", numeric),
        ]
    )


def adult_models() -> dict[str, Any]:
    """Logistic regression on one-hot + scaled inputs, and gradient boosting on native categories."""
    n_cat = len(ADULT_CATEGORICAL)
    return {
        "logreg": Pipeline([("prep", _adult_prep_onehot()), ("clf", LogisticRegression(max_iter=2000))]),
        "hgb": Pipeline(
            [
                ("prep", _ordinal_then_numeric(ADULT_CATEGORICAL, ADULT_NUMERIC)),
                (
                    "clf",
                    HistGradientBoostingClassifier(
                        categorical_features=[True] * n_cat + [False] * len(ADULT_NUMERIC), random_state=0
                    ),
                ),
            ]
        ),
    }


def wine_data() -> DemoData:
    """sklearn's bundled wine recognition data (3 cultivars): multi-class."""
    from sklearn.datasets import load_wine  # deferred: only the wine demo needs the dataset loaders

    bunch = load_wine(as_frame=True)
    frame = bunch.frame.copy()
    names = [str(n) for n in bunch.target_names]
    frame["cultivar"] = pd.Categorical.from_codes(
        np.asarray(bunch.target, dtype=np.int64), dtype=pd.CategoricalDtype(names)
    )
    frame = frame.drop(columns="target")
    train, test = train_test_split(frame, test_size=0.4, random_state=0, stratify=frame["cultivar"])
    features = list(bunch.feature_names)
    return DemoData(
        "wine",
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        "cultivar",
        None,
        features,
        "Wine recognition (sklearn), test split: which of 3 cultivars?",
    )


def wine_models() -> dict[str, Any]:
    return {
        "logreg": Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=2000))]),
        "hgb": HistGradientBoostingClassifier(max_iter=100, random_state=0),
    }


def diabetes_data() -> DemoData:
    """sklearn's bundled diabetes data: disease progression after one year, regression."""
    from sklearn.datasets import load_diabetes  # deferred: only the diabetes demo needs the dataset loaders

    bunch = load_diabetes(as_frame=True, scaled=False)
    frame = bunch.frame.rename(columns={"target": "progression"})
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    return DemoData(
        "diabetes",
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        "progression",
        None,
        list(bunch.feature_names),
        "Diabetes (sklearn), test split: disease progression after one year.",
    )


def diabetes_models() -> dict[str, Any]:
    return {
        "ridge": Pipeline([("scale", StandardScaler()), ("reg", Ridge(alpha=1.0))]),
        "hgb": HistGradientBoostingRegressor(max_iter=100, random_state=0),
    }


DEMOS = {
    "adult": (adult_data, adult_models),
    "wine": (wine_data, wine_models),
    "diabetes": (diabetes_data, diabetes_models),
}
