"""Person-centred crops: look again where the person was, turned so their body stands up.

MoveNet sees a whole frame at 192 x 192 pixels: a person far from the camera or high in a
corner is a few dozen pixels tall, and someone lying across the frame is a shape the
model rarely saw upright-trained. Video pose pipelines (MoveNet's own "cropping") run
the model on a square around where the person was in the previous frame instead. This
stage does that, and turns the crop by 90 degrees towards the body's axis when the
torso was lying, so the model sees the person upright; keypoints are mapped back to the
frame.

A crop is only a second look at a known person: when nobody was seen recently, the whole
frame is analysed as before (an empty room costs the same). A crop's result is used only
when its torso is confident and lies inside the crop, so a guess on furniture beside the
person never becomes a person; otherwise the whole-frame result is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
from PIL import Image

from .geometry import spine
from .preprocess import Decoded
from .rotation import unrotate_person
from .types import Box, Person, PoseResult

if TYPE_CHECKING:
    from .engine import PoseEngine

MARGIN: Final = 0.6  # crop side = body extent x (1 + 2 x MARGIN)
MIN_SIDE: Final = 64.0  # source pixels: never crop smaller than this
MAX_AGE: Final = 2.0  # seconds a person's last position guides the crop
TURN_TILT: Final = 50.0  # torso this far from vertical: turn the crop
_TRANSPOSE: Final = {90: Image.Transpose.ROTATE_90, 270: Image.Transpose.ROTATE_270}


@dataclass(frozen=True, slots=True)
class Crop:
    """A square region of the frame (source pixels) and how it is turned."""

    x0: float
    y0: float
    side: float
    rotation: int  # 0, 90 (counter-clockwise) or 270 (clockwise)


def plan_crop(person: Person, frame: tuple[int, int], min_score: float) -> Crop | None:
    """The crop around ``person`` for the next frame, or None if their keypoints say too little."""
    kps = person.keypoints
    good = kps[kps[:, 2] > min_score]
    if len(good) < 4:  # noqa: PLR2004 - a torso at least
        return None
    xs, ys = good[:, 0], good[:, 1]
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        return None
    extent = max(float(xs.max() - xs.min()), float(ys.max() - ys.min()))
    side = max(extent * (1 + 2 * MARGIN), MIN_SIDE)
    width, height = frame
    if side >= max(width, height):
        return None  # the person fills the frame: the whole frame is the crop
    cx, cy = float(xs.mean()), float(ys.mean())
    axis = spine(person, min_score)
    rotation = 0
    if axis.tilt is not None and axis.tilt >= TURN_TILT:
        mean = axis.mean
        # Turn so that the shoulders (head side) end up above the hips: a head on the
        # right comes to the top when the crop turns counter-clockwise (90).
        rotation = 90 if mean is not None and mean[0] > 0 else 270
    return Crop(cx - side / 2, cy - side / 2, side, rotation)


def crop_image(decoded: Decoded, crop: Crop) -> Decoded:
    """The crop as a frame of its own (source size = the crop's side in source pixels)."""
    scale = decoded.image.width / decoded.source_size[0]
    box = (
        round(crop.x0 * scale),
        round(crop.y0 * scale),
        round((crop.x0 + crop.side) * scale),
        round((crop.y0 + crop.side) * scale),
    )
    image = decoded.image.crop(box)  # regions outside the frame are black
    side = round(crop.side)
    if crop.rotation:
        image = image.transpose(_TRANSPOSE[crop.rotation])
    return Decoded(image, (side, side))


def to_frame(person: Person, crop: Crop) -> Person:
    """Map a person found on the (turned) crop back to frame coordinates."""
    side = round(crop.side)
    if crop.rotation:
        person = unrotate_person(person, crop.rotation, side, side)
    kps = person.keypoints.copy()
    kps[:, 0] += crop.x0
    kps[:, 1] += crop.y0
    b = person.box
    box = Box(b.xmin + crop.x0, b.ymin + crop.y0, b.xmax + crop.x0, b.ymax + crop.y0)
    return Person(kps, person.score, box)


def inside(person: Person, crop: Crop, min_score: float) -> bool:
    """Whether the person's confident torso keypoints lie inside the crop (not on its edge)."""
    torso = person.keypoints[[5, 6, 11, 12]]
    good = torso[torso[:, 2] > min_score]
    if not len(good):
        return False
    edge = crop.side * 0.02
    return bool(
        np.all(good[:, 0] > crop.x0 + edge)
        and np.all(good[:, 0] < crop.x0 + crop.side - edge)
        and np.all(good[:, 1] > crop.y0 + edge)
        and np.all(good[:, 1] < crop.y0 + crop.side - edge)
    )


class CropTracker:
    """Remembers where the person was and looks there first."""

    def __init__(self, min_score: float, min_spine: float) -> None:
        """``min_score``: keypoints to trust; ``min_spine``: torso score a crop must reach."""
        self.min_score = min_score
        self.min_spine = min_spine
        self._last: tuple[float, Person] | None = None
        self.crops_tried = 0
        self.crops_used = 0

    def reset(self) -> None:
        """Forget the last position."""
        self._last = None

    def estimate(
        self, engine: PoseEngine, decoded: Decoded, timestamp: float, whole: PoseResult | None
    ) -> PoseResult | None:
        """The crop's result when it finds the person well, else None (use ``whole``).

        ``whole`` is the whole-frame result when already computed (its confident torso
        keeps or updates the remembered position).
        """
        crop = self._plan(decoded, timestamp)
        result = None
        if crop is not None:
            self.crops_tried += 1
            found = engine.estimate(crop_image(decoded, crop))
            people = tuple(to_frame(p, crop) for p in found.people)
            good = [
                p
                for p in people
                if spine(p, self.min_score).score >= self.min_spine
                and inside(p, crop, self.min_score)
            ]
            if good:
                self.crops_used += 1
                width, height = decoded.source_size
                result = PoseResult(
                    tuple(good), width, height, found.model, rotation=crop.rotation
                )
        self.remember(result or whole, timestamp)
        return result

    def remember(self, result: PoseResult | None, timestamp: float) -> None:
        """Keep the best-seen person of ``result`` as the next crop's centre."""
        if result is None:
            return
        confident = [p for p in result.people if spine(p, self.min_score).score >= self.min_spine]
        if confident:
            best = max(confident, key=lambda p: spine(p, self.min_score).score)
            self._last = (timestamp, best)

    def _plan(self, decoded: Decoded, timestamp: float) -> Crop | None:
        if self._last is None:
            return None
        seen, person = self._last
        if not 0 <= timestamp - seen <= MAX_AGE:
            self._last = None
            return None
        return plan_crop(person, decoded.source_size, self.min_score)

