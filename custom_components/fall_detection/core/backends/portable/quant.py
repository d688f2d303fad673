"""Integer parameters of quantised convolutions, prepared once per model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .nn import QuantConv, grid_steps

if TYPE_CHECKING:
    from .graph import Graph, OpSpec, TensorSpec

RELU, RELU_N1_TO_1, RELU6 = 1, 2, 3


def quant_conv(graph: Graph, op: OpSpec) -> QuantConv | None:
    """QuantConv for a convolution whose input, weights and output are all quantised."""
    tensors = graph.tensors
    x, w, out = tensors[op.inputs[0]], tensors[op.inputs[1]], tensors[op.outputs[0]]
    if not (x.quantized and w.quantized and out.quantized) or w.constant is None:
        return None
    assert x.scale is not None  # noqa: S101
    assert w.scale is not None  # noqa: S101
    assert out.scale is not None  # noqa: S101
    assert out.zero_point is not None  # noqa: S101
    w_scale = w.scale.astype(np.float32)
    shape = [1] * w.constant.ndim
    shape[w.quantized_dimension] = w_scale.size
    weights = np.rint(w.constant / w_scale.reshape(shape)).astype(np.float32)
    bias = None
    if len(op.inputs) > 2 and op.inputs[2] >= 0:  # noqa: PLR2004
        b = tensors[op.inputs[2]]
        assert b.constant is not None  # noqa: S101
        assert b.scale is not None  # noqa: S101
        bias = np.rint(b.constant / b.scale.astype(np.float32)).astype(np.float32)
    in_scale, out_scale = np.float32(x.scale[0]), np.float32(out.scale[0])
    multiplier = (in_scale * w_scale / out_scale).astype(np.float32)
    zero = int(out.zero_point[0])
    low, high = _activation_range(out, op.options.get("FusedActivationFunction", 0))
    return QuantConv(float(in_scale), weights, bias, multiplier, float(out_scale), zero, low, high)


Grid = tuple[float, int]


def _grid(tensor: TensorSpec) -> Grid:
    assert tensor.scale is not None  # noqa: S101 - only for quantised tensors
    assert tensor.zero_point is not None  # noqa: S101
    return float(tensor.scale[0]), int(tensor.zero_point[0])


def _in_out_grids(graph: Graph, op: OpSpec) -> tuple[Grid, Grid] | None:
    """(scale, zero point) of an op's first input and output, when both are quantised."""
    x, out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if not (x.quantized and out.quantized):
        return None
    return _grid(x), _grid(out)


def quant_grid(graph: Graph, op: OpSpec) -> Grid | None:
    """(scale, zero point) when an op's input and output share one int8 grid."""
    grids = _in_out_grids(graph, op)
    return grids[0] if grids is not None and grids[0] == grids[1] else None


def requantize_params(graph: Graph, op: OpSpec) -> tuple[float, int, float, int, int] | None:
    """For a QUANTIZE from one int8 grid to another: scales, zero points, Q8 multiplier."""
    grids = _in_out_grids(graph, op)
    if grids is None:
        return None
    (s_in, z_in), (s_out, z_out) = grids
    multiplier = int(np.rint(np.float32(256.0) * (np.float32(s_in) / np.float32(s_out))))
    return s_in, z_in, s_out, z_out, multiplier


@dataclass(frozen=True, slots=True)
class QuantBinary:
    """XNNPACK's integer ADD/SUB (Q20 fixed point) or MUL (fp32 requantisation), int8."""

    kind: str
    a: tuple[float, int]
    b: tuple[float, int]
    out: tuple[float, int]
    qmin: int
    qmax: int
    a_multiplier: int = 0
    b_multiplier: int = 0
    shift: int = 0
    scale: float = 0.0

    def apply(
        self, a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """Real inputs on their grids -> real output on the output grid."""
        qa = grid_steps(a, self.a[0]) + self.a[1]
        qb = grid_steps(b, self.b[0]) + self.b[1]
        if self.kind == "MUL":
            product = ((qa - self.a[1]) * (qb - self.b[1])).astype(np.float32)
            q = np.rint(product * np.float32(self.scale)) + self.out[1]
        else:
            bias = (
                (1 << (self.shift - 1))
                - self.a_multiplier * self.a[1]
                - self.b_multiplier * self.b[1]
            )
            acc = bias + qa * self.a_multiplier + qb * self.b_multiplier
            q = (acc >> self.shift) + self.out[1]
        q = np.clip(q, self.qmin, self.qmax)
        real: npt.NDArray[np.float32] = ((q - self.out[1]) * np.float32(self.out[0])).astype(
            np.float32
        )
        return real


def quant_binary(graph: Graph, op: OpSpec) -> QuantBinary | None:
    """QuantBinary for an ADD, SUB or MUL whose inputs and output are quantised."""
    a, b, out = (graph.tensors[i] for i in (*op.inputs[:2], op.outputs[0]))
    if not (a.quantized and b.quantized and out.quantized):
        return None
    grids = []
    for t in (a, b, out):
        assert t.scale is not None  # noqa: S101
        assert t.zero_point is not None  # noqa: S101
        if t.scale.size != 1:
            return None
        grids.append((float(t.scale[0]), int(t.zero_point[0])))
    low, high = _activation_range(out, op.options.get("FusedActivationFunction", 0))
    if op.name == "MUL":
        scale = float(np.float32(grids[0][0]) * np.float32(grids[1][0]) / np.float32(grids[2][0]))
        return QuantBinary("MUL", grids[0], grids[1], grids[2], low, high, scale=scale)
    ra = np.float32(grids[0][0]) / np.float32(grids[2][0])
    rb = np.float32(grids[1][0]) / np.float32(grids[2][0])
    exponent = int(np.floor(np.log2(max(float(ra), float(rb)))))
    shift = 20 - exponent
    a_mult = int(np.rint(ra * np.float32(2.0**shift)))
    b_mult = int(np.rint(rb * np.float32(2.0**shift)))
    if op.name == "SUB":
        b_mult = -b_mult
    return QuantBinary(op.name, grids[0], grids[1], grids[2], low, high, a_mult, b_mult, shift)


def _activation_range(out: TensorSpec, act: int) -> tuple[int, int]:
    assert out.scale is not None  # noqa: S101
    assert out.zero_point is not None  # noqa: S101
    zero, scale = int(out.zero_point[0]), float(out.scale[0])
    low, high = out.qrange()
    if act in (RELU, RELU6, RELU_N1_TO_1):
        floor = -1.0 if act == RELU_N1_TO_1 else 0.0
        low = max(low, zero + round(floor / scale))
        if act != RELU:
            high = min(high, zero + round((1.0 if act == RELU_N1_TO_1 else 6.0) / scale))
    return low, high
