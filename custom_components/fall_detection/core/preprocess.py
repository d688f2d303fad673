"""Image decoding and model-input preparation.

JPEG frames are decoded at reduced size straight from the DCT coefficients
(Pillow ``draft``), to roughly twice the model input, then letterboxed to the
model's input without distorting the aspect ratio. ``Letterbox`` records the
mapping so keypoints can be returned in source-image pixels.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from .errors import ImageError

# 40 megapixels: far above any camera still (8K is 33 MP), far below a bomb.
MAX_IMAGE_PIXELS: Final = 40_000_000
MIN_IMAGE_SIDE: Final = 8
# JPEGs are decoded at the smallest DCT scale (1/2, 1/4, 1/8) that keeps the letterboxed content
# at least this many times the model input. 1.5 lets a 720p frame decode at 1/4 (320x180 for a
# 192 px input) instead of 1/2: 12 % less time per frame, keypoints as close to a full decode
# (mean 0.025 of the width on the 17 Ambianic pair images, the same as with 2).
DRAFT_FACTOR: Final = 1.5
# Other formats (PNG, GIF, TIFF, ...) cannot be decoded at reduced size: decoding costs memory
# and time in proportion to their pixels, so they are refused above 4K UHD (cameras send JPEG
# stills; a 40 MP PNG cost 1-2 s and about 500 MiB), and reduced right after decoding.
MAX_OTHER_PIXELS: Final = 3840 * 2160
REDUCE_ABOVE_PIXELS: Final = 1920 * 1080
WIDE_MODES: Final = ("I", "I;16", "I;16B", "I;16L", "I;16N")  # 16-bit and 32-bit grayscale
SWAPS_AXES: Final = (5, 6, 7, 8)  # EXIF orientations that turn the image by 90 degrees
TRANSPOSE: Final = {  # EXIF orientation -> what shows the image upright (as ImageOps does)
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

ImageInput = bytes | bytearray | memoryview | npt.NDArray[np.uint8] | Image.Image


@dataclass(frozen=True, slots=True)
class Letterbox:
    """Where the source image sits inside the model input.

    The source (``src_w`` x ``src_h`` pixels) was scaled and placed at the
    top-left of the model input (``in_w`` x ``in_h``), filling ``content_w`` x
    ``content_h`` pixels; the rest is black padding.
    """

    src_w: int
    src_h: int
    in_w: int
    in_h: int
    content_w: int
    content_h: int

    def to_source(
        self, x_norm: npt.NDArray[np.floating[Any]], y_norm: npt.NDArray[np.floating[Any]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Map coordinates normalised to the model input to source pixels."""
        sx = self.in_w * self.src_w / self.content_w
        sy = self.in_h * self.src_h / self.content_h
        return (x_norm * sx).astype(np.float32), (y_norm * sy).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded RGB image and the size of the frame it came from.

    ``image`` may be smaller than ``source_size`` when the JPEG was decoded
    at reduced size; keypoints are always reported in source pixels.
    """

    image: Image.Image
    source_size: tuple[int, int]


def open_image(data: ImageInput, target: tuple[int, int] | None = None) -> Decoded:
    """Decode bytes, an array or a Pillow image to RGB.

    With ``target`` (width, height), JPEGs are decoded at the smallest DCT
    scale that keeps them at least ``DRAFT_FACTOR`` times the target size.
    Raises ``ImageError`` for anything that is not a usable image.
    """
    if isinstance(data, np.ndarray):
        image = _from_array(data)
        return Decoded(image, image.size)
    if isinstance(data, Image.Image):
        image = data
        _check_size(*image.size)
    else:
        image = _open_bytes(bytes(data))
    source_size = image.size
    if image.format not in (None, "JPEG", "MPO") and _pixels(image) > MAX_OTHER_PIXELS:
        image.close()
        raise ImageError(
            f"{image.format} image of {image.size[0]}x{image.size[1]} pixels is over the "
            f"{MAX_OTHER_PIXELS} pixel limit for formats other than JPEG"
        )
    if target is not None and image.format in ("JPEG", "MPO"):
        _draft(image, target)
    try:
        image.load()
        orientation = _orientation(image)
        rgb = _reduce(_to_rgb(image), target)
        if orientation in TRANSPOSE:  # as the camera meant it to be seen
            rgb = rgb.transpose(TRANSPOSE[orientation])
            if orientation in SWAPS_AXES:
                source_size = (source_size[1], source_size[0])
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as err:
        image.close()
        reason = str(err)
    else:
        return Decoded(rgb, source_size)
    # Raised outside the handler on purpose: chaining Pillow's error would keep its decoder and
    # the half-decoded pixels (about 1 MiB per truncated frame) alive until a full garbage
    # collection, and a camera sending truncated frames would grow memory by hundreds of MiB.
    raise ImageError(f"Could not decode image: {reason}")


def _pixels(image: Image.Image) -> int:
    return image.size[0] * image.size[1]


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 = as stored), read before any conversion drops it."""
    try:
        value = image.getexif().get(0x0112, 1)
    except (OSError, ValueError, SyntaxError, struct.error):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1  # noqa: PLR2004


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB; 16- and 32-bit grayscale is scaled to 8 bits, not clipped to white."""
    if image.mode == "RGB":
        return image
    if image.mode in WIDE_MODES:
        wide = np.asarray(image, dtype=np.float32)
        gray = np.clip(wide / 257.0, 0, 255).astype(np.uint8)
        return Image.fromarray(gray, "L").convert("RGB")
    return image.convert("RGB")


def _reduce(image: Image.Image, target: tuple[int, int] | None) -> Image.Image:
    """Shrink a fully decoded image above 1080p to about DRAFT_FACTOR x the model input.

    (JPEGs are already drafted; up to 1080p the rotated retry is cheap enough, and the
    golden keypoints of the reference images stay as they are.)
    """
    if target is None or _pixels(image) <= REDUCE_ABOVE_PIXELS:
        return image
    w, h = image.size
    factor = int(1 / (DRAFT_FACTOR * min(target[0] / w, target[1] / h)))
    return image.reduce(factor) if factor >= 2 else image  # noqa: PLR2004


def _open_bytes(data: bytes) -> Image.Image:
    if not data:
        raise ImageError("Image is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as err:
        raise ImageError(f"Not a decodable image: {err}") from err
    except (OSError, ValueError, SyntaxError) as err:
        raise ImageError(f"Could not read image header: {err}") from err
    _check_size(*image.size)
    return image


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageError(
            f"Image is {width}x{height} pixels, over the limit of {MAX_IMAGE_PIXELS} pixels"
        )
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ImageError(f"Image is {width}x{height} pixels, too small to find a person in")


def _draft(image: Image.Image, target: tuple[int, int]) -> None:
    w, h = image.size
    # The letterboxed content is scaled by min(...): keep it DRAFT_FACTOR x that.
    k = DRAFT_FACTOR * min(target[0] / w, target[1] / h)
    if k < 1:
        image.draft("RGB", (math.ceil(w * k), math.ceil(h * k)))


def _from_array(array: npt.NDArray[np.uint8]) -> Image.Image:
    if array.ndim != 3 or array.shape[2] != 3:  # noqa: PLR2004 - HxWx3
        raise ImageError(f"Expected an HxWx3 RGB array, got shape {array.shape}")
    _check_size(array.shape[1], array.shape[0])
    return Image.fromarray(np.ascontiguousarray(array, dtype=np.uint8), "RGB")


def letterbox(decoded: Decoded, in_w: int, in_h: int) -> tuple[npt.NDArray[np.uint8], Letterbox]:
    """Scale the image to fit ``in_w`` x ``in_h`` keeping its aspect, pad bottom/right."""
    image = decoded.image
    src_w, src_h = image.size
    scale = min(in_w / src_w, in_h / src_h)
    cw = max(1, min(in_w, round(src_w * scale)))
    ch = max(1, min(in_h, round(src_h * scale)))
    resized = image.resize((cw, ch), Image.Resampling.BILINEAR)
    canvas = np.zeros((in_h, in_w, 3), dtype=np.uint8)
    canvas[:ch, :cw] = np.asarray(resized)
    return canvas, Letterbox(*decoded.source_size, in_w, in_h, cw, ch)


def stretch(decoded: Decoded, in_w: int, in_h: int) -> tuple[npt.NDArray[np.uint8], Letterbox]:
    """Resize the image to exactly ``in_w`` x ``in_h`` (distorting its aspect)."""
    resized = decoded.image.resize((in_w, in_h), Image.Resampling.BILINEAR)
    return np.asarray(resized), Letterbox(*decoded.source_size, in_w, in_h, in_w, in_h)


def mean_colour(pixels: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    """The mean of each channel of ``pixels`` (rows x columns x channels), in their type.

    The rows are summed first, over contiguous memory: 25 times faster than a mean over the
    pixels at a model's input size. Integer sums are exact, so the value is the mean's.
    """
    exact = np.uint64 if np.issubdtype(pixels.dtype, np.integer) else np.float64
    total = pixels.sum(axis=0, dtype=exact).sum(axis=0)
    mean: npt.NDArray[np.generic] = (total / (pixels.shape[0] * pixels.shape[1])).astype(
        pixels.dtype
    )
    return mean
