"""Kernels of every operator the catalog's CPU models use, on numpy arrays.

Each kernel takes the input arrays (``None`` for an absent optional input)
and the op's options, and returns the outputs. Quantised tensors arrive and
leave as real values; the executor rounds quantised outputs to their grid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from .nn import (
    GRID_KEY,
    QUANT_KEY,
    activation,
    conv2d,
    depthwise_conv2d,
    grid_steps,
    max_pool2d,
    resize_bilinear,
)

Array = npt.NDArray[Any]
Kernel = Callable[[list[Array | None], dict[str, Any]], list[Array]]


def _fused(fn: Callable[[Array, Array], Array]) -> Kernel:
    def kernel(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
        a, b = x[0], x[1]
        assert a is not None  # noqa: S101
        assert b is not None  # noqa: S101
        if (quant := opt.get(QUANT_KEY)) is not None:
            return [quant.apply(a, b)]
        out = np.asarray(fn(a, b))
        if out.dtype.kind == "f":
            out = activation(
                out.astype(np.float32, copy=False), opt.get("FusedActivationFunction", 0)
            )
        return [out]

    return kernel


def _unary(fn: Callable[[Array], Array]) -> Kernel:
    return lambda x, _opt: [np.asarray(fn(x[0]))]  # type: ignore[arg-type]


def _binary(fn: Callable[[Array, Array], Array]) -> Kernel:
    return lambda x, _opt: [np.asarray(fn(x[0], x[1]))]  # type: ignore[arg-type]


def _axis(value: Array | None, ndim: int) -> int:
    axis = int(np.asarray(value).reshape(-1)[0])
    return axis + ndim if axis < 0 else axis


def _reshape(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    shape = x[1] if len(x) > 1 and x[1] is not None else opt.get("NewShape")
    assert x[0] is not None  # noqa: S101
    return [x[0].reshape(tuple(int(d) for d in np.asarray(shape).reshape(-1)))]


def _concat(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    arrays = [a for a in x if a is not None]
    out = np.concatenate(arrays, axis=opt.get("Axis", 0) % arrays[0].ndim)
    if out.dtype.kind == "f":
        out = activation(out, opt.get("FusedActivationFunction", 0))
    return [out]


def _pack(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    arrays = [a for a in x if a is not None]
    return [np.stack(arrays, axis=opt.get("Axis", 0) % (arrays[0].ndim + 1))]


def _unpack(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    a = x[0]
    assert a is not None  # noqa: S101
    axis = opt.get("Axis", 0) % a.ndim
    return [np.take(a, i, axis=axis) for i in range(a.shape[axis])]


def _split(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    a = x[1]
    assert a is not None  # noqa: S101
    return list(np.split(a, opt["NumSplits"], axis=_axis(x[0], a.ndim)))


def _strided_slice(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    a, begin, end, strides = x[0], x[1], x[2], x[3]
    assert a is not None  # noqa: S101
    if opt.get("EllipsisMask") or opt.get("NewAxisMask") or opt.get("Offset"):
        raise NotImplementedError("STRIDED_SLICE with ellipsis, new-axis or offset")
    index: list[int | slice | None] = []
    for d in range(len(np.asarray(begin))):
        b = None if opt.get("BeginMask", 0) >> d & 1 else int(np.asarray(begin)[d])
        e = None if opt.get("EndMask", 0) >> d & 1 else int(np.asarray(end)[d])
        s = int(np.asarray(strides)[d])
        if opt.get("ShrinkAxisMask", 0) >> d & 1:
            index.append(b if b is not None else 0)
        else:
            index.append(slice(b, e, s))
    return [np.asarray(a[tuple(index)])]


def _gather_nd(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    params, indices = x[0], x[1]
    assert params is not None  # noqa: S101
    assert indices is not None  # noqa: S101
    depth = indices.shape[-1]
    idx = tuple(np.moveaxis(indices.astype(np.int64), -1, 0)[:depth])
    return [params[idx]]


def _topk(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    a = x[0]
    assert a is not None  # noqa: S101
    k = int(np.asarray(x[1]).reshape(-1)[0])
    order = np.argsort(-a, axis=-1, kind="stable")[..., :k]
    return [np.take_along_axis(a, order, axis=-1), order.astype(np.int32)]


def _arg_max(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    a = x[0]
    assert a is not None  # noqa: S101
    out_type = np.int64 if opt.get("OutputType") == 4 else np.int32  # noqa: PLR2004 - INT64
    return [np.argmax(a, axis=_axis(x[1], a.ndim)).astype(out_type)]


def _reduce(fn: Callable[..., Array]) -> Kernel:
    def kernel(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
        a = x[0]
        assert a is not None  # noqa: S101
        axes = tuple(int(v) % a.ndim for v in np.asarray(x[1]).reshape(-1))
        return [np.asarray(fn(a, axis=axes, keepdims=bool(opt.get("KeepDims"))))]

    return kernel


def _tile(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    assert x[0] is not None  # noqa: S101
    return [np.tile(x[0], tuple(int(v) for v in np.asarray(x[1])))]


def _pad(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    assert x[0] is not None  # noqa: S101
    pads = [(int(a), int(b)) for a, b in np.asarray(x[1])]
    return [np.pad(x[0], pads)]


def _floor_div(a: Array, b: Array) -> Array:
    return np.floor_divide(a, b)


def _nn(kind: str) -> Kernel:
    def kernel(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
        inp, w, bias = x[0], x[1], x[2] if len(x) > 2 else None  # noqa: PLR2004
        assert inp is not None  # noqa: S101
        assert w is not None  # noqa: S101
        fn = conv2d if kind == "conv" else depthwise_conv2d
        return [fn(inp.astype(np.float32, copy=False), w, bias, opt, opt.get(QUANT_KEY))]

    return kernel


def _quantize(x: list[Array | None], opt: dict[str, Any]) -> list[Array]:
    """QUANTIZE; between two int8 grids, XNNPACK's Q8 fixed-point multiplier is reproduced."""
    a = x[0]
    assert a is not None  # noqa: S101
    params = opt.get(QUANT_KEY)
    if params is None:  # float -> int8: XNNPACK rounds half to even
        grid = opt.get(GRID_KEY)
        if grid is None:
            return [a]
        scale, zero, low, high = grid
        q = np.clip(np.rint(a / np.float32(scale)) + zero, low, high)
        return [((q - zero) * np.float32(scale)).astype(np.float32)]
    s_in, z_in, s_out, z_out, multiplier = params
    q = grid_steps(a, s_in)  # q_in - z_in
    out = ((q * multiplier + 128) >> 8) + z_out
    return [((out - z_out) * np.float32(s_out)).astype(np.float32)]


def _select(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    condition, a, b = x[0], x[1], x[2]
    assert condition is not None  # noqa: S101
    assert a is not None  # noqa: S101
    assert b is not None  # noqa: S101
    return [np.where(condition, a, b)]


def _same(x: list[Array | None], _opt: dict[str, Any]) -> list[Array]:
    assert x[0] is not None  # noqa: S101
    return [x[0]]


KERNELS: dict[str, Kernel] = {
    "CONV_2D": _nn("conv"),
    "DEPTHWISE_CONV_2D": _nn("depthwise"),
    "MAX_POOL_2D": lambda x, opt: [max_pool2d(x[0], opt)],  # type: ignore[arg-type]
    "RESIZE_BILINEAR": lambda x, opt: [resize_bilinear(x[0], x[1], opt)],  # type: ignore[arg-type]
    "ADD": _fused(np.add),
    "SUB": _fused(np.subtract),
    "MUL": _fused(np.multiply),
    "DIV": _fused(np.divide),
    "SQUARED_DIFFERENCE": _binary(lambda a, b: np.square(a - b)),
    "FLOOR_DIV": _binary(_floor_div),
    "MAXIMUM": _binary(np.maximum),
    "MINIMUM": _binary(np.minimum),
    "LESS": _binary(np.less),
    "GREATER": _binary(np.greater),
    "GREATER_EQUAL": _binary(np.greater_equal),
    "EQUAL": _binary(np.equal),
    "LOGICAL_AND": _binary(np.logical_and),
    "ABS": _unary(np.abs),
    "EXP": _unary(np.exp),
    "SQRT": _unary(np.sqrt),
    "RELU": _unary(lambda a: np.maximum(a, 0)),
    "LOGISTIC": _unary(lambda a: 1.0 / (1.0 + np.exp(-np.clip(a, -88.0, 88.0)))),
    "ADD_N": lambda x, _opt: [np.sum([a for a in x if a is not None], axis=0)],
    "SELECT": _select,
    "SELECT_V2": _select,
    "RESHAPE": _reshape,
    "CONCATENATION": _concat,
    "PACK": _pack,
    "UNPACK": _unpack,
    "SPLIT": _split,
    "STRIDED_SLICE": _strided_slice,
    "GATHER_ND": _gather_nd,
    "TOPK_V2": _topk,
    "ARG_MAX": _arg_max,
    "REDUCE_MAX": _reduce(np.max),
    "SUM": _reduce(np.sum),
    "TILE": _tile,
    "PAD": _pad,
    # Storage conversions: the executor casts and (re)quantises each output as its tensor says.
    "CAST": _same,
    "QUANTIZE": _quantize,
    "DEQUANTIZE": _same,
}
