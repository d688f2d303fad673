"""Body geometry from COCO-17 keypoints: spinal lines, angles, heights.

Image coordinates: x to the right, y downwards. "Up" is (0, -1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from .types import KEYPOINT_NAMES, Person

L_SHOULDER: Final = KEYPOINT_NAMES.index("left_shoulder")
R_SHOULDER: Final = KEYPOINT_NAMES.index("right_shoulder")
L_HIP: Final = KEYPOINT_NAMES.index("left_hip")
R_HIP: Final = KEYPOINT_NAMES.index("right_hip")
L_KNEE: Final = KEYPOINT_NAMES.index("left_knee")
R_KNEE: Final = KEYPOINT_NAMES.index("right_knee")
L_ANKLE: Final = KEYPOINT_NAMES.index("left_ankle")
R_ANKLE: Final = KEYPOINT_NAMES.index("right_ankle")
HEAD: Final = tuple(
    KEYPOINT_NAMES.index(n) for n in ("nose", "left_eye", "right_eye", "left_ear", "right_ear")
)
ANKLES_KNEES: Final = tuple(
    KEYPOINT_NAMES.index(n) for n in ("left_knee", "right_knee", "left_ankle", "right_ankle")
)
SIDE_PENALTY: Final = 0.9  # Ambianic: one visible side counts 90 % of its score


def angle_between(u: tuple[float, float], v: tuple[float, float]) -> float:
    """Unsigned angle between two vectors in degrees, 0 to 180 (0 if either is null)."""
    nu, nv = math.hypot(*u), math.hypot(*v)
    if nu == 0 or nv == 0:
        return 0.0
    cos = (u[0] * v[0] + u[1] * v[1]) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def tilt_from_vertical(v: tuple[float, float]) -> float:
    """Angle of a hip-to-shoulder vector from "up": 0 upright, 90 lying, 180 upside down."""
    return angle_between(v, (0.0, -1.0))


@dataclass(frozen=True, slots=True)
class Spine:
    """Hip-to-shoulder lines of one person, with their confidence.

    ``left``/``right`` are None when that side's shoulder or hip is below the
    keypoint threshold. ``score`` follows Ambianic: the mean of both sides'
    scores, or 90 % of the one visible side.
    """

    left: tuple[float, float] | None
    right: tuple[float, float] | None
    score: float

    @property
    def vectors(self) -> list[tuple[float, float]]:
        """The visible sides."""
        return [v for v in (self.left, self.right) if v is not None]

    @property
    def mean(self) -> tuple[float, float] | None:
        """Average direction of the visible sides (hip to shoulder)."""
        vs = self.vectors
        if not vs:
            return None
        return (sum(v[0] for v in vs) / len(vs), sum(v[1] for v in vs) / len(vs))

    @property
    def length(self) -> float:
        """Length of the mean spinal line in pixels (0 if none)."""
        m = self.mean
        return math.hypot(*m) if m else 0.0

    @property
    def tilt(self) -> float | None:
        """Angle of the mean spinal line from vertical (0-180), None if no side is visible."""
        m = self.mean
        return tilt_from_vertical(m) if m else None


def spine(person: Person, min_score: float) -> Spine:
    """Spinal lines of ``person`` from keypoints scoring above ``min_score``."""
    kps = person.keypoints

    def side(shoulder: int, hip: int) -> tuple[tuple[float, float] | None, float]:
        score = float(min(kps[shoulder, 2], kps[hip, 2]))
        if score <= min_score:
            return None, score
        return (float(kps[shoulder, 0] - kps[hip, 0]), float(kps[shoulder, 1] - kps[hip, 1])), score

    left, ls = side(L_SHOULDER, L_HIP)
    right, rs = side(R_SHOULDER, R_HIP)
    if left is not None and right is not None:
        score = (ls + rs) / 2
    elif left is not None:
        score = ls * SIDE_PENALTY
    elif right is not None:
        score = rs * SIDE_PENALTY
    else:
        score = 0.0
    return Spine(left, right, score)


def _mean_y(person: Person, indices: tuple[int, ...], min_score: float) -> float | None:
    kps = person.keypoints[list(indices)]
    good = kps[kps[:, 2] > min_score]
    return float(good[:, 1].mean()) if len(good) else None


def head_y(person: Person, min_score: float) -> float | None:
    """Mean y of the confident head keypoints (nose, eyes, ears)."""
    return _mean_y(person, HEAD, min_score)


def hip_y(person: Person, min_score: float) -> float | None:
    """Mean y of the confident hips."""
    return _mean_y(person, (L_HIP, R_HIP), min_score)


def knee_y(person: Person, min_score: float) -> float | None:
    """Mean y of the confident knees."""
    return _mean_y(person, (L_KNEE, R_KNEE), min_score)


def shoulder_y(person: Person, min_score: float) -> float | None:
    """Mean y of the confident shoulders."""
    return _mean_y(person, (L_SHOULDER, R_SHOULDER), min_score)


def keypoint_similarity(a: Person, b: Person, min_score: float = 0.2) -> float:
    """Object keypoint similarity (COCO OKS-like, 0-1) of two people in one frame."""
    both = (a.keypoints[:, 2] > min_score) & (b.keypoints[:, 2] > min_score)
    if not both.any():
        return 0.0
    scale = max(a.box.width * a.box.height, b.box.width * b.box.height, 1.0)
    d2 = np.sum((a.keypoints[both, :2] - b.keypoints[both, :2]) ** 2, axis=1)
    kappa2 = 0.1**2  # one tolerance for every joint: tracking, not benchmarking
    return float(np.mean(np.exp(-d2 / (2 * scale * kappa2))))
