"""Bounded fuzzing of image decoding and model parsing.

No input may do anything but succeed or raise the engine's own error.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from custom_components.fall_detection.core.backends.portable import PortableBackend
from custom_components.fall_detection.core.errors import ImageError, ModelError
from custom_components.fall_detection.core.preprocess import letterbox, open_image
from tests.paths import MODELS, PAIRS, require

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _real_image(fmt: str) -> bytes:
    image = Image.open(require(PAIRS / "images" / "fall_img_1.png")).convert("RGB").resize((96, 72))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    try:
        decoded = open_image(data, (192, 192))
    except ImageError:
        return
    letterbox(decoded, 192, 192)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP"])
@FUZZ
@given(position=st.integers(min_value=0), value=st.integers(0, 255), cut=st.integers(min_value=0))
def test_corrupted_real_images(fmt: str, position: int, value: int, cut: int) -> None:
    data = bytearray(_real_image(fmt))
    data[position % len(data)] = value
    data = data[: max(1, cut % (len(data) + 1))]
    try:
        decoded = open_image(bytes(data), (192, 192))
    except ImageError:
        return
    pixels, _ = letterbox(decoded, 192, 192)
    assert pixels.shape == (192, 192, 3)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), value=st.integers(0, 255), cut=st.integers(min_value=9))
def test_corrupted_model_files(tmp_path: Path, position: int, value: int, cut: int) -> None:
    """Flipped bytes and truncation in a real model: it loads, or fails with ModelError at load."""
    original = require(MODELS / "posenet_mobilenet_v1_075_385_fp16.tflite").read_bytes()
    data = bytearray(original[: max(9, cut % (len(original) + 1))])
    data[position % len(data)] = value
    path = tmp_path / "fuzzed.tflite"
    path.write_bytes(bytes(data))
    with contextlib.suppress(ModelError):
        PortableBackend(path)
