"""Draw detected people on a frame and encode it as JPEG (only when a fall image is needed)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Final

from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    import numpy.typing as npt

    from .types import Box, Person

SKELETON: Final = (
    (0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10),
    (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
)  # fmt: skip
FALL_COLOUR: Final = (230, 40, 40)
PERSON_COLOUR: Final = (40, 200, 80)
MAX_SIDE: Final = 1280
CROP_COLOUR: Final = (250, 220, 40)  # the crops of the people module (annotated video)
FLOOR_TINT: Final = (40, 120, 255, 70)  # the learned floor, drawn translucent blue


def render(
    image: Image.Image,
    people: Iterable[Person],
    highlight: Person | None = None,
    *,
    source_size: tuple[int, int] | None = None,
    min_score: float = 0.2,
    quality: int = 85,
    floor: npt.NDArray[np.bool_] | None = None,
    labels: Sequence[tuple[Person, str]] = (),
    caption: str | None = None,
    crops: Sequence[Box] = (),
) -> bytes:
    """Return a JPEG of ``image`` with each skeleton drawn; ``highlight`` in red with its box.

    People are in pixels of the original frame (``source_size``, default the
    image's own size); ``image`` may be that frame decoded at reduced size.
    ``floor``: the camera's learned floor cells (rows x columns over the image), tinted.
    ``labels``: text to write at the top left of a person's box (the command line's track ids);
    ``caption``: a line at the top of the frame (time and events); ``crops``: parts of the
    frame the pose model looked at on their own (the people module's crops, zoom and
    window), outlined in yellow.
    """
    canvas = image.convert("RGB")
    if canvas is image:
        canvas = canvas.copy()
    if max(canvas.size) > MAX_SIDE:
        canvas.thumbnail((MAX_SIDE, MAX_SIDE))
    if floor is not None:
        canvas = _tint_floor(canvas, floor)
    width, height = source_size or image.size
    scale = (canvas.width / width, canvas.height / height)  # frame pixels to canvas pixels
    if crops:
        _outline(canvas, crops, scale)
    if labels or caption:
        _write(canvas, labels, caption, scale)
    return _draw(canvas, people, highlight, min_score, quality, scale)


def _outline(canvas: Image.Image, boxes: Sequence[Box], scale: tuple[float, float]) -> None:
    sx, sy = scale
    draw = ImageDraw.Draw(canvas)
    width = max(2, round(min(canvas.size) / 240))  # thin lines lose their colour in a JPEG
    for b in boxes:
        square = [b.xmin * sx, b.ymin * sy, b.xmax * sx, b.ymax * sy]
        draw.rectangle(square, outline=CROP_COLOUR, width=width)


def _write(
    canvas: Image.Image,
    labels: Sequence[tuple[Person, str]],
    caption: str | None,
    scale: tuple[float, float],
) -> None:
    """Write ``labels`` above their people and ``caption`` at the top, on dark backgrounds."""
    sx, sy = scale
    draw = ImageDraw.Draw(canvas)
    spots = [((p.box.xmin * sx, max(0.0, p.box.ymin * sy - 12)), text) for p, text in labels]
    if caption:
        spots.append(((2.0, 2.0), caption))
    for (x, y), text in spots:
        left, top, right, bottom = draw.textbbox((x, y), text)
        draw.rectangle([left - 1, top - 1, right + 1, bottom + 1], fill=(0, 0, 0))
        draw.text((x, y), text, fill=(255, 255, 255))


def _tint_floor(canvas: Image.Image, floor: npt.NDArray[np.bool_]) -> Image.Image:
    rows, cols = floor.shape
    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    cw, ch = canvas.width / cols, canvas.height / rows
    for row in range(rows):
        for col in range(cols):
            if floor[row, col]:
                box = [col * cw, row * ch, (col + 1) * cw - 1, (row + 1) * ch - 1]
                draw.rectangle(box, fill=FLOOR_TINT)
    return Image.alpha_composite(canvas.convert("RGBA"), overlay).convert("RGB")


def make_thumbnail(jpeg: bytes, side: int = 320, quality: int = 80) -> bytes:
    """Return a small JPEG of a rendered frame, for the labelled dataset."""
    image = Image.open(io.BytesIO(jpeg))
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def _draw(
    canvas: Image.Image,
    people: Iterable[Person],
    highlight: Person | None,
    min_score: float,
    quality: int,
    scale: tuple[float, float],
) -> bytes:
    sx, sy = scale
    draw = ImageDraw.Draw(canvas)
    width = max(2, round(min(canvas.size) / 160))
    for person in people:
        colour = FALL_COLOUR if person is highlight else PERSON_COLOUR
        pts = [(float(x) * sx, float(y) * sy, float(s)) for x, y, s in person.keypoints]
        for a, b in SKELETON:
            if pts[a][2] >= min_score and pts[b][2] >= min_score:
                draw.line([pts[a][:2], pts[b][:2]], fill=colour, width=width)
        for x, y, s in pts:
            if s >= min_score:
                r = width * 1.5
                draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        if person is highlight:
            box = person.box
            draw.rectangle(
                [box.xmin * sx, box.ymin * sy, box.xmax * sx, box.ymax * sy],
                outline=FALL_COLOUR,
                width=width,
            )
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=quality)
    return out.getvalue()
