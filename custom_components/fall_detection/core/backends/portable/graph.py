"""Read a ``.tflite`` flatbuffer into a plain execution plan (pure Python, ``tflite`` package).

Every tensor gets a storage kind: *real* tensors (float, or integer with
quantisation parameters) are held as float32 real values, integer tensors
without quantisation (indices, shapes) keep their integer type. Constant
weights are dequantised once here, per channel where the model says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import ModelError

if TYPE_CHECKING:
    from pathlib import Path

try:
    import tflite  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the manifest requires it
    tflite = None

_NP_TYPES = {
    "FLOAT32": np.float32,
    "FLOAT16": np.float16,
    "INT32": np.int32,
    "UINT8": np.uint8,
    "INT64": np.int64,
    "BOOL": np.bool_,
    "INT16": np.int16,
    "INT8": np.int8,
    "FLOAT64": np.float64,
}


@dataclass(slots=True)
class TensorSpec:
    """One tensor of the graph."""

    index: int
    name: str
    shape: tuple[int, ...]
    type_name: str
    scale: npt.NDArray[np.float32] | None
    zero_point: npt.NDArray[np.int64] | None
    quantized_dimension: int
    constant: npt.NDArray[Any] | None = None

    @property
    def quantized(self) -> bool:
        """Integer tensor with quantisation parameters: held as real values."""
        return (
            self.type_name in ("INT8", "UINT8", "INT16", "INT32")
            and self.scale is not None
            and bool(np.any(self.scale))
        )

    @property
    def real(self) -> bool:
        """Held as float32 real values (float tensors and quantised ones)."""
        return self.type_name in ("FLOAT32", "FLOAT16", "FLOAT64") or self.quantized

    @property
    def np_type(self) -> type[np.generic]:
        """Numpy type of the stored tensor in the model."""
        return _NP_TYPES[self.type_name]

    def qrange(self) -> tuple[int, int]:
        """Smallest and largest integer of the tensor's type."""
        info = np.iinfo(self.np_type)  # type: ignore[type-var]
        return int(info.min), int(info.max)

    def dequantize(self, raw: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
        """Integer values -> real values (per channel when the model says so)."""
        assert self.scale is not None  # noqa: S101 - only called on quantised tensors
        assert self.zero_point is not None  # noqa: S101
        scale, zero = self.scale.astype(np.float32), self.zero_point.astype(np.float32)
        if scale.size > 1:
            shape = [1] * raw.ndim
            shape[self.quantized_dimension] = scale.size
            scale, zero = scale.reshape(shape), zero.reshape(shape)
        return ((raw.astype(np.float32) - zero) * scale).astype(np.float32)


@dataclass(slots=True)
class OpSpec:
    """One operator: its builtin name, tensor indices and options."""

    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Graph:
    """The single subgraph of a model."""

    tensors: list[TensorSpec]
    ops: list[OpSpec]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


def _reverse(enum: type) -> dict[int, str]:
    return {v: k for k, v in vars(enum).items() if not k.startswith("_")}


def _options(op: Any, option_names: dict[int, str]) -> dict[str, Any]:  # noqa: ANN401
    kind = op.BuiltinOptionsType()
    if kind == 0:
        return {}
    name = option_names[kind]
    table = op.BuiltinOptions()
    holder = getattr(tflite, name)()
    holder.Init(table.Bytes, table.Pos)
    values: dict[str, Any] = {}
    for attr in dir(holder):
        if attr.startswith(("_", "Init", "GetRootAs")) or attr.endswith(("IsNone", "Length")):
            continue
        method = getattr(holder, attr)
        if not callable(method):
            continue
        try:
            values[attr] = method()
        except TypeError:  # vector accessors need an index: take the numpy form
            if hasattr(holder, attr + "AsNumpy"):
                values[attr] = getattr(holder, attr + "AsNumpy")()
    return values


def load_graph(path: Path) -> Graph:
    """Parse ``path``; raise ``ModelError`` naming the file if it is not a usable TFLite model."""
    if tflite is None:
        raise ModelError("The portable backend needs the 'tflite' package")
    try:
        data = path.read_bytes()
        model = tflite.Model.GetRootAsModel(data, 0)
        if model.SubgraphsLength() != 1:
            raise ModelError(  # noqa: TRY301 - re-raised as is below
                f"{path.name} has {model.SubgraphsLength()} subgraphs; expected 1"
            )
        graph = model.Subgraphs(0)
        types = _reverse(tflite.TensorType)
        op_names = _reverse(tflite.BuiltinOperator)
        option_names = _reverse(tflite.BuiltinOptions)
        tensors = [_tensor(model, graph, i, types) for i in range(graph.TensorsLength())]
        ops = []
        for j in range(graph.OperatorsLength()):
            op = graph.Operators(j)
            code = model.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            name = op_names.get(builtin, f"#{builtin}")
            if name == "CUSTOM":
                name = f"CUSTOM:{code.CustomCode().decode()}"
            ops.append(
                OpSpec(
                    name,
                    tuple(int(i) for i in op.InputsAsNumpy()),
                    tuple(int(i) for i in op.OutputsAsNumpy()),
                    _options(op, option_names),
                )
            )
        return Graph(
            tensors,
            ops,
            tuple(int(i) for i in graph.InputsAsNumpy()),
            tuple(int(i) for i in graph.OutputsAsNumpy()),
        )
    except ModelError:
        raise
    except Exception as err:
        raise ModelError(f"{path.name} is not a readable TFLite model: {err}") from err


def _tensor(model: Any, graph: Any, index: int, types: dict[int, str]) -> TensorSpec:  # noqa: ANN401
    t = graph.Tensors(index)
    shape = tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()
    q = t.Quantization()
    scale = zero = None
    dim = 0
    if q is not None and q.ScaleLength():
        scale = q.ScaleAsNumpy().astype(np.float32)
        zero = (
            q.ZeroPointAsNumpy().astype(np.int64)
            if q.ZeroPointLength()
            else np.zeros_like(scale, np.int64)
        )
        dim = int(q.QuantizedDimension())
    spec = TensorSpec(index, t.Name().decode(), shape, types[t.Type()], scale, zero, dim)
    buffer = model.Buffers(t.Buffer())
    if buffer is not None and buffer.DataLength():
        raw = np.frombuffer(buffer.DataAsNumpy().tobytes(), dtype=spec.np_type).reshape(shape)
        if spec.quantized:
            spec.constant = spec.dequantize(raw)
        elif spec.real:
            spec.constant = raw.astype(np.float32)
        else:
            spec.constant = raw.copy()
    return spec
