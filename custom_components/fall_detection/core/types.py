"""Typed results shared by every pose model family."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

KEYPOINT_NAMES: Final[tuple[str, ...]] = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
NUM_KEYPOINTS: Final = len(KEYPOINT_NAMES)

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in source-image pixels."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        """Width in pixels."""
        return max(0.0, self.xmax - self.xmin)

    @property
    def height(self) -> float:
        """Height in pixels."""
        return max(0.0, self.ymax - self.ymin)

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the box (x, y)."""
        return (self.xmin + self.xmax) / 2, (self.ymin + self.ymax) / 2

    @property
    def longer_side(self) -> float:
        """The longer of width and height: the person's size whatever their posture."""
        return max(self.width, self.height)

    def iou(self, other: Box) -> float:
        """Intersection over union with another box."""
        iw = min(self.xmax, other.xmax) - max(self.xmin, other.xmin)
        ih = min(self.ymax, other.ymax) - max(self.ymin, other.ymin)
        if iw <= 0 or ih <= 0:
            return 0.0
        inter = iw * ih
        union = self.width * self.height + other.width * other.height - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Person:
    """One detected person.

    ``keypoints`` is a (17, 3) float32 array of (x, y, score) in COCO-17 order,
    x and y in source-image pixels.
    """

    keypoints: FloatArray
    score: float
    box: Box

    def keypoint(self, name: str) -> tuple[float, float, float]:
        """Return (x, y, score) of a keypoint by its COCO name."""
        x, y, s = self.keypoints[KEYPOINT_NAMES.index(name)]
        return float(x), float(y), float(s)

    @classmethod
    def from_keypoints(cls, keypoints: FloatArray, score: float | None = None) -> Person:
        """Build a person whose box spans its confident keypoints."""
        kps = np.asarray(keypoints, dtype=np.float32).reshape(NUM_KEYPOINTS, 3)
        confident = kps[kps[:, 2] > 0.2]  # noqa: PLR2004 - box from likely-real points
        pts = confident if len(confident) else kps
        box = Box(
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )
        return cls(kps, float(kps[:, 2].mean()) if score is None else float(score), box)


@dataclass(frozen=True, slots=True)
class PoseResult:
    """Everything the pose engine found in one frame."""

    people: tuple[Person, ...]
    image_width: int
    image_height: int
    model: str
    rotation: int = 0
    """Degrees the frame was turned (counter-clockwise) to find these people, 0 if not."""
    crops: tuple[Box, ...] = ()
    """Parts of the frame analysed on their own (``people``): a square per tracked person, the
    zoom on a small one, or the 4:3 window around one person in a wider frame (``window``)."""
    turned: tuple[Box, ...] = ()
    """The boxes of the people found only on the frame turned by 90 degrees (``rotation``;
    for the pose stage, the whole frame's turned retry): where the upright pass finds no
    torso, the model sometimes strings a "person" across furniture, and a checker model is
    asked to see them too (``detector.second``)."""
