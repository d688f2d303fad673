"""Fixed-length features of a pose sequence (one person over a few seconds) for the classifier.

A sequence is a list of (seconds, keypoints (17, 3) in pixels). The features
are the detector's own measurements, so the classifier starts from what the
heuristic sees and learns how to weigh it for this home and these cameras.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from ..detector.features import Evidence, Observation, evidence
from ..types import Person

if TYPE_CHECKING:
    from collections.abc import Sequence

NAMES: Final = (
    "heuristic_confidence",
    "leaning_angle",
    "head_drop",
    "hip_drop",
    "down",
    "tilt_now",
    "head_above_hip_now",
    "torso_shrink",
    "seconds_down",
)
MIN_KEYPOINT_SCORE: Final = 0.11
MIN_GAP: Final = 1.0
DOWN: Final = 0.5

PoseSequence = list[tuple[float, npt.NDArray[np.float32]]]


def observations(sequence: Sequence[tuple[float, npt.NDArray[np.float32]]]) -> list[Observation]:
    """Measure every usable frame of a sequence."""
    obs = [
        Observation.of(
            Person.from_keypoints(np.asarray(k, np.float32)), float(t), MIN_KEYPOINT_SCORE
        )
        for t, k in sequence
    ]
    return [o for o in obs if o.usable]


def _best(obs: list[Observation]) -> Evidence | None:
    last, best = obs[-1], None
    for earlier in obs[:-1]:
        if last.timestamp - earlier.timestamp < MIN_GAP:
            continue
        ev = evidence(earlier, last)
        if best is None or ev.confidence > best.confidence:
            best = ev
    return best


def pose_features(
    sequence: Sequence[tuple[float, npt.NDArray[np.float32]]],
) -> npt.NDArray[np.float32]:
    """The feature vector of a sequence (zeros where it cannot be measured)."""
    obs = observations(sequence)
    out = np.zeros(len(NAMES), np.float32)
    if len(obs) < 2:  # noqa: PLR2004
        return out
    ev = _best(obs)
    if ev is None:
        return out
    last = obs[-1]
    torso = max(ev.reference.spine.length, last.spine.length, 1.0)
    above = last.head_above_hip(torso)
    shrink = 1.0 - last.spine.length / ev.reference.spine.length if ev.reference.spine.length else 0
    down_since = next(
        (o.timestamp for o in obs if evidence(ev.reference, o).down >= DOWN),
        last.timestamp,
    )
    out[:] = (
        ev.confidence,
        ev.leaning_angle / 180.0,
        np.clip(ev.head_drop, -3, 3) / 3,
        np.clip(ev.hip_drop, -3, 3) / 3,
        ev.down,
        (last.spine.tilt or 0.0) / 180.0,
        np.clip(above if above is not None else 0.0, -3, 3) / 3,
        np.clip(shrink, -1, 1),
        min(last.timestamp - down_since, 10.0) / 10.0,
    )
    return out


def heuristic_says_fall(features: npt.NDArray[np.float32], threshold: float = 0.5) -> bool:
    """The baseline's verdict, read from its own feature."""
    return bool(features[0] >= threshold)
