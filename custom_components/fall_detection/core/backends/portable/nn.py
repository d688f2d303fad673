"""Convolutions, pooling and resizing in numpy (NHWC, batch 1).

A convolution is one matrix multiply over an im2col view (no copies for 1x1
kernels); a depthwise convolution is one vectorised multiply-add per kernel
tap. No Python loop runs over pixels or channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import as_strided

F32 = npt.NDArray[np.float32]
SAME, VALID = 0, 1
QUANT_KEY = "_quant"
GRID_KEY = "_grid"  # (scale, zero point, qmin, qmax) of a QUANTIZE from float
BLOCK_FLOATS = 64 * 1024  # float32 per block of depthwise output, to stay in cache


def grid_steps(x: npt.NDArray[Any], scale: float) -> npt.NDArray[np.int64]:
    """Real values on a quantisation grid -> whole steps from the zero point (exact)."""
    return np.floor(x / np.float32(scale) + np.float32(0.5)).astype(np.int64)


def activation(x: F32, kind: int) -> F32:
    """Fused activation: 0 none, 1 ReLU, 2 ReLU(-1..1), 3 ReLU6, 4 tanh."""
    if kind == 1:
        np.maximum(x, 0, out=x)
    elif kind == 2:  # noqa: PLR2004
        np.clip(x, -1, 1, out=x)
    elif kind == 3:  # noqa: PLR2004
        np.clip(x, 0, 6, out=x)
    elif kind == 4:  # noqa: PLR2004
        np.tanh(x, out=x)
    return x


def _pads(size: int, kernel: int, stride: int, dilation: int, padding: int) -> tuple[int, int, int]:
    """Output size and (before, after) padding along one axis, as TFLite computes them."""
    effective = (kernel - 1) * dilation + 1
    if padding == VALID:
        return (size - effective) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + effective - size)
    return out, total // 2, total - total // 2


def _padded(
    x: F32, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, padding: int
) -> tuple[F32, int, int]:
    _, h, w, _ = x.shape
    oh, top, bottom = _pads(h, kh, sh, dh, padding)
    ow, left, right = _pads(w, kw, sw, dw, padding)
    if top or bottom or left or right:
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    return x, oh, ow


@dataclass(frozen=True, slots=True)
class QuantConv:
    """Integer semantics of a quantised convolution (as XNNPACK's fp32 requantisation).

    Inputs arrive as real values on their grid; they are turned back into
    integers (zero point removed), multiplied with the integer weights, the
    integer bias added, and the accumulator scaled by ``multiplier`` per
    output channel and rounded half to even.
    """

    input_scale: float
    weights: F32  # integer weights, float32 (exact)
    bias: F32 | None  # integer bias, float32
    multiplier: F32  # float32(input_scale * weight_scale / output_scale) per channel
    output_scale: float
    output_zero: int
    qmin: int
    qmax: int

    def to_int(self, x: F32) -> F32:
        """Real values -> integers minus the zero point (0 stays 0: padding is exact)."""
        return grid_steps(x, self.input_scale).astype(np.float32)

    def requantize(self, acc: F32) -> F32:
        """Accumulator -> real output on the output grid, clamped by the fused activation."""
        q = np.rint(acc * self.multiplier) + self.output_zero
        np.clip(q, self.qmin, self.qmax, out=q)
        real: F32 = ((q - self.output_zero) * np.float32(self.output_scale)).astype(np.float32)
        return real


def conv2d(
    x: F32, weights: F32, bias: F32 | None, opt: dict[str, Any], quant: QuantConv | None = None
) -> F32:
    """CONV_2D: weights (O, KH, KW, I)."""
    if quant is not None:
        x, weights, bias = quant.to_int(x), quant.weights, quant.bias
    o, kh, kw, i = weights.shape
    sh, sw = opt.get("StrideH", 1), opt.get("StrideW", 1)
    dh, dw = opt.get("DilationHFactor", 1), opt.get("DilationWFactor", 1)
    xp, oh, ow = _padded(x, kh, kw, sh, sw, dh, dw, opt.get("Padding", SAME))
    matrix = _weights_matrix(weights)
    if kh == kw == 1:
        cols = xp[0, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, :].reshape(oh * ow, i)
    else:
        s0, s1, s2, s3 = xp.strides
        view = as_strided(
            xp,
            shape=(oh, ow, kh, kw, i),
            strides=(s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3),
            writeable=False,
        )
        cols = np.ascontiguousarray(view).reshape(oh * ow, kh * kw * i)
    out = cols @ matrix
    if bias is not None:
        out += bias
    if quant is not None:
        return quant.requantize(out).reshape(1, oh, ow, o)
    return activation(out.reshape(1, oh, ow, o), opt.get("FusedActivationFunction", 0))


def _weights_matrix(weights: F32) -> F32:
    o = weights.shape[0]
    return np.ascontiguousarray(weights.reshape(o, -1).T)


def depthwise_conv2d(
    x: F32, weights: F32, bias: F32 | None, opt: dict[str, Any], quant: QuantConv | None = None
) -> F32:
    """DEPTHWISE_CONV_2D: weights (1, KH, KW, C * multiplier)."""
    if quant is not None:
        x, weights, bias = quant.to_int(x), quant.weights, quant.bias
    _, kh, kw, channels = weights.shape
    multiplier = opt.get("DepthMultiplier", 1) or 1
    if multiplier != 1:
        x = np.repeat(x, multiplier, axis=3)
    sh, sw = opt.get("StrideH", 1), opt.get("StrideW", 1)
    dh, dw = opt.get("DilationHFactor", 1), opt.get("DilationWFactor", 1)
    xp, oh, ow = _padded(x, kh, kw, sh, sw, dh, dw, opt.get("Padding", SAME))
    out = np.empty((oh, ow, channels), np.float32)
    # Row blocks small enough to stay in cache: each tap is one multiply and one add.
    rows = max(1, BLOCK_FLOATS // max(1, ow * channels))
    tap = np.empty((rows, ow, channels), np.float32)
    for r0 in range(0, oh, rows):
        r1 = min(oh, r0 + rows)
        block, scratch = out[r0:r1], tap[: r1 - r0]
        first = True
        for a in range(kh):
            top = r0 * sh + a * dh
            for b in range(kw):
                window = xp[
                    0,
                    top : top + (r1 - r0 - 1) * sh + 1 : sh,
                    b * dw : b * dw + (ow - 1) * sw + 1 : sw,
                    :,
                ]
                if first:
                    np.multiply(window, weights[0, a, b], out=block)
                    first = False
                else:
                    np.multiply(window, weights[0, a, b], out=scratch)
                    block += scratch
    if bias is not None:
        out += bias
    if quant is not None:
        return quant.requantize(out)[np.newaxis]
    return activation(out[np.newaxis], opt.get("FusedActivationFunction", 0))


def max_pool2d(x: F32, opt: dict[str, Any]) -> F32:
    """MAX_POOL_2D (padding never wins: it is -inf)."""
    kh, kw = opt["FilterHeight"], opt["FilterWidth"]
    sh, sw = opt.get("StrideH", 1), opt.get("StrideW", 1)
    _, h, w, _ = x.shape
    oh, top, bottom = _pads(h, kh, sh, 1, opt.get("Padding", SAME))
    ow, left, right = _pads(w, kw, sw, 1, opt.get("Padding", SAME))
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf)
    out = np.full((1, oh, ow, x.shape[3]), -np.inf, np.float32)
    for a in range(kh):
        for b in range(kw):
            np.maximum(
                out,
                xp[:, a : a + (oh - 1) * sh + 1 : sh, b : b + (ow - 1) * sw + 1 : sw, :],
                out=out,
            )
    return activation(out, opt.get("FusedActivationFunction", 0))


def resize_bilinear(x: F32, size: npt.NDArray[np.int32], opt: dict[str, Any]) -> F32:
    """RESIZE_BILINEAR with TFLite's align_corners / half_pixel_centers rules."""
    if (grid := opt.get(QUANT_KEY)) is not None:
        return _resize_bilinear_q11(x, size, opt, grid)
    _, h, w, _ = x.shape
    oh, ow = int(size[0]), int(size[1])
    ys = _source_coords(h, oh, opt.get("AlignCorners", False), opt.get("HalfPixelCenters", False))
    xs = _source_coords(w, ow, opt.get("AlignCorners", False), opt.get("HalfPixelCenters", False))
    y0 = np.floor(ys).astype(np.int64)
    x0 = np.floor(xs).astype(np.int64)
    wy = (ys - y0).astype(np.float32)[:, None, None]
    wx = (xs - x0).astype(np.float32)[None, :, None]
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    y0, x0 = np.clip(y0, 0, h - 1), np.clip(x0, 0, w - 1)
    img = x[0]
    top = img[y0][:, x0] * (1 - wx) + img[y0][:, x1] * wx
    bottom = img[y1][:, x0] * (1 - wx) + img[y1][:, x1] * wx
    out: F32 = (top * (1 - wy) + bottom * wy)[np.newaxis].astype(np.float32)
    return out


def _source_coords(
    size: int, out: int, align_corners: bool, half_pixel: bool
) -> npt.NDArray[np.float64]:
    scale = (size - 1) / (out - 1) if align_corners and out > 1 else size / out
    idx = np.arange(out, dtype=np.float64)
    if half_pixel:
        return np.maximum((idx + 0.5) * scale - 0.5, 0.0)
    return idx * scale


def _resize_bilinear_q11(
    x: F32, size: npt.NDArray[np.int32], opt: dict[str, Any], grid: tuple[float, int]
) -> F32:
    """Integer bilinear resize on int8 values with Q11 weights, rounding as XNNPACK does."""
    scale, zero = grid
    q = grid_steps(x[0], scale) + zero
    _, h, w, _ = x.shape
    oh, ow = int(size[0]), int(size[1])
    align, half = opt.get("AlignCorners", False), opt.get("HalfPixelCenters", False)
    ys, xs = _source_coords(h, oh, align, half), _source_coords(w, ow, align, half)
    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
    ay = np.rint((ys - y0) * 2048).astype(np.int64)[:, None, None]
    ax = np.rint((xs - x0) * 2048).astype(np.int64)[None, :, None]
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    y0, x0 = np.clip(y0, 0, h - 1), np.clip(x0, 0, w - 1)
    tl, tr, bl, br = q[y0][:, x0], q[y0][:, x1], q[y1][:, x0], q[y1][:, x1]
    top = (tl << 11) + (tr - tl) * ax
    bottom = (bl << 11) + (br - bl) * ax
    acc = (top << 11) + (bottom - top) * ay
    out = (acc + (1 << 21)) >> 22
    real: F32 = ((out - zero) * np.float32(scale)).astype(np.float32)[np.newaxis]
    return real
