"""Decoding at reduced size, letterboxing, and clear errors for bad images."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from custom_components.fall_detection.core.errors import ImageError
from custom_components.fall_detection.core.preprocess import letterbox, open_image
from tests.images import png_declaring
from tests.paths import PAIRS, REFERENCE, require


def _jpeg(size: tuple[int, int]) -> bytes:
    image = Image.open(require(PAIRS / "images" / "fall_img_1.png")).convert("RGB").resize(size)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize(
    ("source", "drafted"),
    [((1920, 1080), (480, 270)), ((1280, 720), (320, 180)), ((640, 480), (320, 240))],
)
def test_jpeg_is_drafted_to_about_one_and_a_half_times_the_input(
    source: tuple[int, int], drafted: tuple[int, int]
) -> None:
    decoded = open_image(_jpeg(source), (192, 192))
    assert decoded.source_size == source
    # the smallest DCT scale keeping the letterboxed content >= 1.5 x 192 on its long side
    assert decoded.image.size == drafted
    assert decoded.image.mode == "RGB"


def test_without_target_full_size() -> None:
    assert open_image(_jpeg((640, 360))).image.size == (640, 360)


def test_letterbox_maps_back_to_source_pixels() -> None:
    decoded = open_image(_jpeg((1280, 720)), (256, 256))
    pixels, lb = letterbox(decoded, 256, 256)
    assert pixels.shape == (256, 256, 3)
    assert (lb.content_w, lb.content_h) == (256, 144)
    assert not pixels[150:].any()  # padding at the bottom is black
    x, y = lb.to_source(np.array([1.0], np.float32), np.array([144 / 256], np.float32))
    assert float(x[0]) == pytest.approx(1280)
    assert float(y[0]) == pytest.approx(720)


@pytest.mark.parametrize("name", ["squat.bmp", "posenet_test_image.bmp"])
def test_bmp_and_array_inputs_agree(name: str) -> None:
    data = require(REFERENCE / name).read_bytes()
    from_bytes = open_image(data)
    from_array = open_image(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    assert from_bytes.source_size == from_array.source_size
    assert np.array_equal(np.asarray(from_bytes.image), np.asarray(from_array.image))


def test_png_grayscale_and_cmyk_become_rgb() -> None:
    gray = io.BytesIO()
    Image.new("L", (64, 48), 128).save(gray, "PNG")
    assert open_image(gray.getvalue()).image.mode == "RGB"
    cmyk = io.BytesIO()
    Image.new("CMYK", (64, 48)).save(cmyk, "JPEG")
    assert open_image(cmyk.getvalue(), (192, 192)).image.mode == "RGB"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00garbage" * 50, "Not a decodable image"),
        (png_declaring(100_000, 100_000), "decompression bomb"),
        (png_declaring(8000, 7000), "over the limit of 40000000 pixels"),
    ],
    ids=["empty", "garbage", "decompression-bomb", "over-our-limit"],
)
def test_bad_bytes_raise_image_error(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        open_image(data, (192, 192))


def test_truncated_jpeg_raises_image_error() -> None:
    data = _jpeg((640, 480))
    with pytest.raises(ImageError) as err:
        open_image(data[: len(data) // 3], (192, 192))
    # No chained Pillow error: its traceback would keep the decoder and the half-decoded pixels
    # alive (the soak test measured hundreds of MiB from a camera sending truncated frames).
    assert err.value.__context__ is None
    assert err.value.__cause__ is None
    assert "truncated" in str(err.value)


def test_tiny_image_raises_image_error() -> None:
    tiny = io.BytesIO()
    Image.new("RGB", (1, 1)).save(tiny, "PNG")
    with pytest.raises(ImageError, match="too small"):
        open_image(tiny.getvalue())


def test_bad_array_shape() -> None:
    with pytest.raises(ImageError, match="HxWx3"):
        open_image(np.zeros((10, 10), np.uint8))
