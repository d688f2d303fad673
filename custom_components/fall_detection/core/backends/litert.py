"""LiteRT (ai-edge-litert, tflite-runtime or tensorflow.lite) and Edge TPU backends."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from ..errors import BackendUnavailableError, EdgeTPUNotFoundError, ModelError
from .base import Backend, BackendKind, TensorInfo, dequantize

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

# Maintained successor first; the older packages share its Interpreter API.
RUNTIME_MODULES: Final = (
    "ai_edge_litert.interpreter",
    "tflite_runtime.interpreter",
    "tensorflow.lite",
)


def _edgetpu_library() -> str:
    if sys.platform == "darwin":
        return "libedgetpu.1.dylib"
    if sys.platform == "win32":
        return "edgetpu.dll"
    return "libedgetpu.so.1"


def import_runtime() -> Any:  # noqa: ANN401 - module object of one of three packages
    """Return the first importable LiteRT-compatible interpreter module."""
    for name in RUNTIME_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "Interpreter"):
            return module
    raise BackendUnavailableError(
        "No native TFLite runtime is installed (ai-edge-litert, tflite-runtime or tensorflow)"
    )


def litert_available() -> bool:
    """Whether a native runtime can be imported."""
    try:
        import_runtime()
    except BackendUnavailableError:
        return False
    return True


def _tensor_info(detail: dict[str, Any]) -> TensorInfo:
    scale, zero_point = detail.get("quantization", (0.0, 0))
    return TensorInfo(
        name=str(detail["name"]),
        shape=tuple(int(d) for d in detail["shape"]),
        dtype=np.dtype(detail["dtype"]),
        quantization=(float(scale), int(zero_point)),
    )


class LiteRTBackend(Backend):
    """A model on the native LiteRT interpreter (CPU, XNNPACK)."""

    kind = BackendKind.LITERT

    def __init__(
        self,
        model_path: Path,
        num_threads: int | None = None,
        delegates: list[Any] | None = None,
    ) -> None:
        """Load ``model_path`` and allocate its tensors."""
        super().__init__()
        runtime = import_runtime()
        try:
            self._interpreter = runtime.Interpreter(
                model_path=str(model_path),
                num_threads=num_threads,
                experimental_delegates=delegates,
            )
            self._interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as err:
            raise ModelError(f"{model_path.name} could not be loaded: {err}") from err
        inputs = self._interpreter.get_input_details()
        if len(inputs) != 1:
            raise ModelError(f"{model_path.name} has {len(inputs)} inputs; expected one image")
        self._input = _tensor_info(inputs[0])
        self._input_index = int(inputs[0]["index"])
        details = self._interpreter.get_output_details()
        self._outputs = tuple(_tensor_info(d) for d in details)
        self._output_indices = tuple(int(d["index"]) for d in details)

    def _run(self, tensor: npt.NDArray[np.generic]) -> dict[str, npt.NDArray[np.float32]]:
        self._interpreter.set_tensor(self._input_index, tensor)
        self._interpreter.invoke()
        return {
            info.name: dequantize(self._interpreter.get_tensor(index), info.quantization)
            for info, index in zip(self._outputs, self._output_indices, strict=True)
        }

    def invoke_only(self) -> None:
        """Invoke on whatever input is set (for benchmarks of the raw interpreter)."""
        with self._lock:
            self._interpreter.invoke()


def load_edgetpu_delegate(device: str | None = None) -> Any:  # noqa: ANN401
    """Load the Coral Edge TPU delegate, or raise ``EdgeTPUNotFoundError``.

    ``device`` is ``usb``, ``pci``, ``usb:0``, ``pci:1``, ... or None for the
    first device found.
    """
    try:
        runtime = import_runtime()
    except BackendUnavailableError as err:
        raise EdgeTPUNotFoundError(f"Edge TPU needs a native TFLite runtime: {err}") from err
    options = {"device": device} if device else {}
    library = _edgetpu_library()
    try:
        return runtime.load_delegate(library, options)
    except (ValueError, OSError, RuntimeError) as err:
        raise EdgeTPUNotFoundError(
            f"Edge TPU not found ({library}, device {device or 'any'}): {err}"
        ) from err


class EdgeTPUBackend(LiteRTBackend):
    """A ``*_edgetpu.tflite`` model on a Coral Edge TPU through LiteRT."""

    kind = BackendKind.EDGETPU

    def __init__(self, model_path: Path, device: str | None = None) -> None:
        """Load the delegate, then the model onto the device."""
        delegate = load_edgetpu_delegate(device)
        _LOGGER.debug("Edge TPU delegate loaded for device %s", device or "any")
        super().__init__(model_path, num_threads=1, delegates=[delegate])
