"""The bundled demos: real data, two models each, trained once per scikit-learn version.

Pickles are tied to the scikit-learn version that wrote them, so the demo
models are trained from ``wit_tui.sample_models.recipes`` on first use and
cached under the user cache dir (``$WIT_TUI_CACHE_DIR`` overrides it), keyed
by the scikit-learn version and the recipe version. These cache files are our
own, so they are loaded without ``--trust``; everything is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session

DEMO_NAMES = ("adult", "wine", "diabetes")


def cache_dir() -> Path:
    env = os.environ.get("WIT_TUI_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("wit-tui", appauthor=False))


def _model_dir() -> Path:
    import sklearn

    from wit_tui.sample_models.recipes import RECIPE_VERSION

    return cache_dir() / "demo-models" / f"sklearn-{sklearn.__version__}-recipe-{RECIPE_VERSION}"


def _atomic_dump(obj: object, path: Path) -> None:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda fh: joblib.dump(obj, fh), binary=True, what="demo model cache")


def demo_models_cached(name: str) -> bool:
    from wit_tui.sample_models.recipes import DEMOS

    _, make_models = DEMOS[name]
    return all((_model_dir() / f"{name}-{key}.joblib").exists() for key in make_models())


def load_demo(name: str = "adult", progress: Callable[[str], None] | None = None) -> Session:
    """A Session over the demo's test split with its two models (trained now if not cached)."""
    import joblib

    from wit_tui.sample_models.recipes import DEMOS

    if name not in DEMOS:
        raise WitError(f"There is no demo called {name!r}.", f"Choose one of: {', '.join(DEMO_NAMES)}.")
    make_data, make_models = DEMOS[name]
    data = make_data()
    models = []
    for key, estimator in make_models().items():
        path = _model_dir() / f"{name}-{key}.joblib"
        fitted = None
        if path.exists():
            try:
                fitted = joblib.load(path)  # our own file, written by the code below
            except Exception:
                fitted = None  # a truncated or stale cache file: retrain
        if fitted is None:
            if progress:
                progress(f"Training the {name} demo model {key!r} (first run only)…")
            fitted = estimator.fit(data.train[data.features], data.train[data.label])
            try:
                _atomic_dump(fitted, path)
            except (OSError, WitError):
                pass  # a read-only cache dir only costs retraining next time
        models.append(LoadedModel(name=key, estimator=fitted, path=None))
    import sklearn

    from wit_tui.sample_models.recipes import RECIPE_VERSION

    source = [["demo", name, RECIPE_VERSION, sklearn.__version__]]
    return Session(
        data.test,
        models,
        label=data.label,
        features=data.features,
        positive=data.positive,
        name=f"{name} demo",
        source=source,
    )


__all__ = ["DEMO_NAMES", "cache_dir", "demo_models_cached", "load_demo"]
