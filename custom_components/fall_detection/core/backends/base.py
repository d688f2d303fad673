"""The interface every inference backend implements."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class BackendKind(StrEnum):
    """How a model is executed."""

    AUTO = "auto"
    LITERT = "litert"
    PORTABLE = "portable"
    EDGETPU = "edgetpu"


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """Name, shape, dtype and (scale, zero point) of a model input or output."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype[np.generic]
    quantization: tuple[float, int]


class Backend(ABC):
    """A loaded model, ready to run one frame at a time.

    ``run`` is serialised with a lock: one interpreter is never used by two
    threads at once. Outputs are returned as float32, dequantised.
    """

    kind: BackendKind
    _input: TensorInfo
    _outputs: tuple[TensorInfo, ...]

    def __init__(self) -> None:
        """Create the lock that serialises ``run``; subclasses set the tensor infos."""
        self._lock = threading.Lock()

    @property
    def input(self) -> TensorInfo:
        """The single image input of the model."""
        return self._input

    @property
    def outputs(self) -> tuple[TensorInfo, ...]:
        """The model outputs."""
        return self._outputs

    def run(self, tensor: npt.NDArray[np.generic]) -> dict[str, npt.NDArray[np.float32]]:
        """Run the model on one input tensor; return outputs by tensor name."""
        with self._lock:
            return self._run(tensor)

    @abstractmethod
    def _run(self, tensor: npt.NDArray[np.generic]) -> dict[str, npt.NDArray[np.float32]]:
        """Run the model; the caller holds the lock."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release native resources, if any."""


def dequantize(
    array: npt.NDArray[np.generic], quantization: tuple[float, int]
) -> npt.NDArray[np.float32]:
    """Turn a (possibly quantised) output into float32."""
    scale, zero_point = quantization
    if np.issubdtype(array.dtype, np.integer) and scale:
        return ((array.astype(np.float32) - np.float32(zero_point)) * np.float32(scale)).astype(
            np.float32
        )
    return array.astype(np.float32, copy=False)
