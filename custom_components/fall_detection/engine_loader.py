"""Load the configured model for Home Assistant, mapping engine errors to translation keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .const import CONF_BACKEND, CONF_EDGETPU_DEVICE, CONF_MODEL, MODEL_CACHE
from .core.backends import BackendKind
from .core.catalog import load_catalog
from .core.engine import PoseEngine
from .core.engine import load_checker as core_load_checker
from .core.errors import (
    BackendUnavailableError,
    EdgeTPUNotFoundError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
)
from .core.resolve import ModelResolver

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class EngineLoadError(Exception):
    """A model could not be loaded; ``key`` is the translation key of the reason."""

    def __init__(self, key: str, detail: str) -> None:
        """Keep the key and the engine's message."""
        super().__init__(detail)
        self.key = key
        self.detail = detail


def error_key(err: ModelError) -> str:
    """Return the translation key for an engine error."""
    if isinstance(err, EdgeTPUNotFoundError):
        return "edgetpu_not_found"
    if isinstance(err, BackendUnavailableError):
        return "runtime_unavailable"
    if isinstance(err, ModelNotFoundError):
        return "model_not_found"
    if isinstance(err, ModelIntegrityError):
        return "model_corrupt"
    return "model_load_failed"


def load_engine(config_dir: str, settings: Mapping[str, Any]) -> PoseEngine:
    """Resolve and load the model (blocking: run it in an executor)."""
    catalog = load_catalog()
    try:
        spec = catalog.get(settings[CONF_MODEL])
    except KeyError as err:
        raise EngineLoadError("unknown_model", str(err)) from err
    resolver = ModelResolver(cache_dir=Path(config_dir) / MODEL_CACHE)
    device = settings.get(CONF_EDGETPU_DEVICE) or None
    try:
        path = resolver.resolve(spec)
        return PoseEngine.load(
            spec, path, BackendKind(settings[CONF_BACKEND]), edgetpu_device=device, num_threads=1
        )
    except ModelError as err:
        raise EngineLoadError(error_key(err), str(err)) from err


def load_checker(config_dir: str, settings: Mapping[str, Any]) -> PoseEngine | None:
    """The catalog's checker model, when its file is found; else None (blocking).

    It reads a person again before a fall seen in one frame is raised
    (``core.detector.second``). It has no download address: it is used when its file is in
    the model cache (``<config>/fall_detection/models``) or ``$FALL_DETECTION_MODEL_DIR``.
    Without it the configured model's mirrored reading does that job, as before; nothing
    fails. It runs on the CPU, also when the configured model runs on an Edge TPU.
    """
    resolver = ModelResolver(cache_dir=Path(config_dir) / MODEL_CACHE, allow_download=False)
    return core_load_checker(resolver, BackendKind(settings[CONF_BACKEND]), settings[CONF_MODEL])
