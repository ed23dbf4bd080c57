"""The bundled demos: real data, two models each, trained once per scikit-learn version.

Saved models are tied to the scikit-learn version that wrote them, so the demo
models are trained from ``wit_tui.sample_models.recipes`` on first use and
cached under the user cache dir (``$WIT_TUI_CACHE_DIR`` overrides it), keyed
by the scikit-learn version and the recipe version. Anyone who can write that
folder could plant a file in it, so the cache holds skops files only, loaded
with the same trusted-types check as a user's model (plus the few types the
demo's trees need, listed here): nothing in the cache can run code. Everything
is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from wit_tui.engine.analysis.data_checks import check_session
from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel, load_model
from wit_tui.engine.session.session import Session

DEMO_NAMES = ("adult", "wine", "diabetes")


def cache_dir() -> Path:
    """Where the demo models are cached (``$WIT_TUI_CACHE_DIR`` or the user cache dir)."""
    env = os.environ.get("WIT_TUI_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir  # deferred: only the demo needs it

    return Path(user_cache_dir("wit-tui", appauthor=False))


def _recipes() -> ModuleType:
    """The demo recipes (deferred: they import scikit-learn, which opening the engine must not pay for)."""
    from wit_tui.sample_models import recipes  # deferred: imports scikit-learn

    return recipes


def _model_dir() -> Path:
    import sklearn  # deferred: heavy, and only its version is needed here

    return cache_dir() / "demo-models" / f"sklearn-{sklearn.__version__}-recipe-{_recipes().RECIPE_VERSION}"


#: the types the demo's models hold beyond skops' trusted defaults (the gradient-boosted trees' predictors and
#: their input check): fixed here, never read from a cache file, so a file planted in the cache cannot add one
DEMO_TYPES = (
    "functools.partial",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
)


def _model_path(name: str, key: str) -> Path:
    """A demo model's cache file: skops, so loading it can never run code (an old joblib file is ignored)."""
    return _model_dir() / f"{name}-{key}.skops"


def _atomic_dump(obj: object, path: Path) -> None:
    import skops.io as sio  # deferred: only the first demo run writes models

    data = sio.dumps(obj)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda fh: fh.writelines([data]), binary=True, what="demo model cache")


def demo_models_cached(name: str) -> bool:
    _, make_models = _recipes().DEMOS[name]
    return all(_model_path(name, key).exists() for key in make_models())


def _load_or_train(name: str, key: str, estimator: Any, demo: Any, progress: Callable[[str], None] | None) -> Any:
    """One demo model: the cached file when it passes the same checks as a user's, else trained now (and cached)."""
    path = _model_path(name, key)
    if path.exists():
        try:
            return load_model(path, name=key, allowed_types=DEMO_TYPES).estimator
        except WitError:
            pass  # truncated, stale, or holding types we never write: retrain and replace it
    if progress:
        progress(f"Training the {name} demo model {key!r} (first run only)…")
    fitted = estimator.fit(demo.train[demo.features], demo.train[demo.label])
    try:
        _atomic_dump(fitted, path)
    except (OSError, WitError):
        pass  # a read-only cache dir only costs retraining next time
    return fitted


def load_demo(name: str = "adult", progress: Callable[[str], None] | None = None) -> Session:
    """A Session over the demo's test split with its two models (trained now if not cached), its data checked."""
    import sklearn  # deferred: heavy, and only its version is needed here

    recipes = _recipes()
    if name not in recipes.DEMOS:
        raise WitError(f"There is no demo called {name!r}.", f"Choose one of: {', '.join(DEMO_NAMES)}.")
    make_data, make_models = recipes.DEMOS[name]
    data = make_data()
    models = [
        LoadedModel(name=key, estimator=_load_or_train(name, key, estimator, data, progress), path=None)
        for key, estimator in make_models().items()
    ]
    source = [["demo", name, recipes.RECIPE_VERSION, sklearn.__version__]]
    session = Session(
        data.test,
        models,
        label=data.label,
        features=data.features,
        positive=data.positive,
        name=f"{name} demo",
        source=source,
    )
    return check_session(session)


__all__ = ["DEMO_NAMES", "cache_dir", "demo_models_cached", "load_demo"]
