"""Choose and load a backend for a model."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import BackendUnavailableError, ModelError
from .base import Backend, BackendKind
from .litert import EdgeTPUBackend, LiteRTBackend, litert_available
from .portable import PortableBackend

if TYPE_CHECKING:
    from pathlib import Path

    from ..catalog import ModelSpec

_LOGGER = logging.getLogger(__name__)


def available_backends() -> list[BackendKind]:
    """Backends that can run on this system (Edge TPU is probed only when asked for)."""
    kinds = [BackendKind.AUTO]
    if litert_available():
        kinds.append(BackendKind.LITERT)
    kinds += [BackendKind.PORTABLE, BackendKind.EDGETPU]
    return kinds


def load_backend(
    kind: BackendKind,
    spec: ModelSpec,
    model_path: Path,
    *,
    num_threads: int | None = None,
    edgetpu_device: str | None = None,
) -> Backend:
    """Load ``model_path`` on the chosen backend.

    ``auto`` uses the Edge TPU when the model is built for it, else LiteRT
    when a native runtime is installed, else the portable numpy backend.
    Raises ``ModelError`` (or a subclass) with a message naming the problem.
    """
    if spec.edgetpu and kind not in (BackendKind.AUTO, BackendKind.EDGETPU):
        raise ModelError(f"{spec.file} only runs on a Coral Edge TPU; choose the Edge TPU backend")
    if kind is BackendKind.EDGETPU or (kind is BackendKind.AUTO and spec.edgetpu):
        if not spec.edgetpu:
            raise ModelError(
                f"{spec.name} is not compiled for the Edge TPU; pick an *_edgetpu model"
            )
        return EdgeTPUBackend(model_path, edgetpu_device)
    if kind is BackendKind.LITERT or (kind is BackendKind.AUTO and litert_available()):
        return LiteRTBackend(model_path, num_threads=num_threads)
    if kind in (BackendKind.AUTO, BackendKind.PORTABLE):
        if num_threads not in (None, 1):
            _LOGGER.debug("The portable backend runs on one thread")
        return PortableBackend(model_path)
    raise BackendUnavailableError(f"Backend {kind} is not available on this system")
