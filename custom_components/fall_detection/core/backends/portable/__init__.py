"""Portable backend: runs the catalog's TFLite models with numpy alone.

For Home Assistant OS and the official container (Alpine, musl), where no
native TFLite runtime installs. The model is parsed once into a plan; each
frame runs the plan op by op. Quantised tensors use fake-quantised float
arithmetic: values are real numbers, rounded to their tensor's int8/uint8
grid after every op, which tracks the integer kernels of LiteRT closely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import ModelError
from ..base import Backend, BackendKind, TensorInfo
from .graph import Graph, TensorSpec, load_graph
from .nn import GRID_KEY, QUANT_KEY
from .ops import KERNELS
from .quant import quant_binary, quant_conv, quant_grid, requantize_params

if TYPE_CHECKING:
    from pathlib import Path


def _info(spec: TensorSpec) -> TensorInfo:
    scale = float(spec.scale[0]) if spec.scale is not None and spec.scale.size else 0.0
    zero = int(spec.zero_point[0]) if spec.zero_point is not None and spec.zero_point.size else 0
    return TensorInfo(spec.name, spec.shape, np.dtype(spec.np_type), (scale, zero))


class PortableBackend(Backend):
    """A model executed by numpy kernels."""

    kind = BackendKind.PORTABLE

    def __init__(self, model_path: Path) -> None:
        """Parse the model; an operator not implemented fails here, never mid-frame."""
        super().__init__()
        self.graph: Graph = load_graph(model_path)
        missing = sorted({op.name for op in self.graph.ops if op.name not in KERNELS})
        if missing:
            raise ModelError(
                f"{model_path.name} uses operators the portable backend does not implement: "
                f"{', '.join(missing)}"
            )
        if len(self.graph.inputs) != 1:
            raise ModelError(f"{model_path.name} has {len(self.graph.inputs)} inputs; expected one")
        tensors = self.graph.tensors
        self._input_spec = tensors[self.graph.inputs[0]]
        self._input = _info(self._input_spec)
        self._outputs = tuple(_info(tensors[i]) for i in self.graph.outputs)
        self._constants = {t.index: t.constant for t in tensors if t.constant is not None}
        for op in self.graph.ops:
            if op.name in ("CONV_2D", "DEPTHWISE_CONV_2D") and (
                quant := quant_conv(self.graph, op)
            ):
                op.options[QUANT_KEY] = quant
            elif op.name == "RESIZE_BILINEAR" and (grid := quant_grid(self.graph, op)):
                op.options[QUANT_KEY] = grid
            elif op.name == "QUANTIZE" and (params := requantize_params(self.graph, op)):
                op.options[QUANT_KEY] = params
            elif op.name == "QUANTIZE" and tensors[op.outputs[0]].quantized:
                out = tensors[op.outputs[0]]
                op.options[GRID_KEY] = (
                    float(out.scale[0]),  # type: ignore[index]
                    int(out.zero_point[0]),  # type: ignore[index]
                    *out.qrange(),
                )
            elif op.name in ("ADD", "SUB", "MUL") and (binary := quant_binary(self.graph, op)):
                op.options[QUANT_KEY] = binary
        # Outputs already on their grid need no second rounding pass.
        self._exact = [
            QUANT_KEY in op.options
            or GRID_KEY in op.options
            or (op.name in _MOVES and _same_grids(tensors, op.inputs[:1] + op.outputs))
            for op in self.graph.ops
        ]
        self._fold_constants()

    def _fold_constants(self) -> None:
        """Run once, at load, every op whose inputs are all constant (weight dequantisation...)."""
        tensors, plan = self.graph.tensors, []
        for op, exact in zip(self.graph.ops, self._exact, strict=True):
            if all(i < 0 or i in self._constants for i in op.inputs):
                args = [self._constants.get(i) if i >= 0 else None for i in op.inputs]
                for index, result in zip(
                    op.outputs, KERNELS[op.name](args, op.options), strict=False
                ):
                    self._constants[index] = _store(tensors[index], result)
            else:
                plan.append((op, exact))
        self._plan = plan

    def _run(self, tensor: npt.NDArray[np.generic]) -> dict[str, npt.NDArray[np.float32]]:
        tensors = self.graph.tensors
        values: dict[int, Any] = dict(self._constants)
        values[self._input_spec.index] = _store(self._input_spec, np.asarray(tensor), raw=True)
        for op, exact in self._plan:
            args = [values.get(i) if i >= 0 else None for i in op.inputs]
            results = KERNELS[op.name](args, op.options)
            for index, result in zip(op.outputs, results, strict=False):
                values[index] = result if exact else _store(tensors[index], result)
        return {
            tensors[i].name: np.asarray(values[i], dtype=np.float32).reshape(tensors[i].shape)
            for i in self.graph.outputs
        }


_MOVES = frozenset(
    {
        "RESHAPE",
        "PACK",
        "UNPACK",
        "SPLIT",
        "STRIDED_SLICE",
        "GATHER_ND",
        "TILE",
        "CONCATENATION",
        "PAD",
    }
)


def _same_grids(tensors: list[TensorSpec], indices: tuple[int, ...]) -> bool:
    """Whether these tensors are all quantised on one grid (data moves, values stay exact)."""
    specs = [tensors[i] for i in indices if i >= 0]
    if not all(t.quantized for t in specs):
        return False
    grids = {(float(t.scale[0]), int(t.zero_point[0])) for t in specs}  # type: ignore[index]
    return len(grids) == 1


def _store(spec: TensorSpec, value: Any, *, raw: bool = False) -> Any:  # noqa: ANN401
    """Hold ``value`` as ``spec`` says: real (rounded to the grid if quantised) or integer.

    Ties round half up, as LiteRT's XNNPACK kernels do for the ops not
    emulated exactly (those round themselves: see ``quant``).
    """
    array = np.asarray(value)
    if spec.quantized:
        assert spec.scale is not None  # noqa: S101
        assert spec.zero_point is not None  # noqa: S101
        if raw:  # integers from outside: dequantise
            return spec.dequantize(array)
        scale, zero = float(spec.scale[0]), int(spec.zero_point[0])
        low, high = spec.qrange()
        scaled = array.astype(np.float32) / np.float32(scale)
        q = np.clip(np.floor(scaled + np.float32(0.5)) + zero, low, high)
        return ((q - zero) * scale).astype(np.float32)
    if spec.real:
        return array.astype(np.float32, copy=False)
    if array.dtype.kind == "f":  # float -> integer cast truncates, as static_cast does
        return np.trunc(array).astype(spec.np_type)
    return array.astype(spec.np_type, copy=False)
