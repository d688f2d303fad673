"""Square crops of a frame around a person, and the person read in one.

The people stage reads each of several people followed on a square around their last box
(``core.people``), and the detector's second look at where a person was reads the same kind of
crop (``reading_around``; ``detector.second``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .geometry import spine
from .rotation import estimate_upright_or_rotated
from .types import Box, Person
from .window import cut, to_source

if TYPE_CHECKING:
    from .engine import PoseReader
    from .preprocess import Decoded

MIN_CROP: Final = 0.1  # a crop is at least this share of the frame's shorter side


def centred(box: Box, side: float) -> Box:
    """The square of ``side`` (frame pixels) centred on ``box``."""
    cx, cy = box.centre
    x0, y0 = cx - side / 2, cy - side / 2
    return Box(x0, y0, x0 + side, y0 + side)


def crop_square(size: tuple[int, int], box: Box, grow: float) -> Box:
    """The square (frame pixels) centred on ``box``, ``grow`` times its longer side."""
    return centred(box, max(box.longer_side * grow, MIN_CROP * min(size), 1.0))


def estimate_in_crop(
    engine: PoseReader, decoded: Decoded, square: Box, min_score: float
) -> Person | None:
    """The person with the most confident torso in the frame cut to ``square``, or None.

    Parts of ``square`` past the frame's edge are black (``window.cut``).
    """
    crop, scale = cut(decoded, square)
    result = estimate_upright_or_rotated(engine, crop, min_score, min_score)
    score, best = max(
        ((spine(p, min_score).score, p) for p in result.people),
        key=lambda pair: pair[0],
        default=(0.0, None),
    )
    if best is None or score < min_score:
        return None
    return to_source(best, square.xmin, square.ymin, scale)


def reading_around(
    engine: PoseReader, decoded: Decoded, box: Box, grow: float, min_score: float
) -> Person | None:
    """Whoever the frame cut to a square ``grow`` times ``box`` around it shows (or None).

    The detector's second look at where a person was (``detector.second``).
    """
    return estimate_in_crop(engine, decoded, crop_square(decoded.source_size, box, grow), min_score)


def centre_in(box: Box, area: Box) -> bool:
    """Whether the centre of ``box`` lies within ``area``."""
    x, y = box.centre
    return area.xmin <= x <= area.xmax and area.ymin <= y <= area.ymax
