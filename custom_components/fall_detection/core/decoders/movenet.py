"""MoveNet single-pose ([1,1,17,3]) and MultiPose ([1,6,56]) decoding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from ..types import NUM_KEYPOINTS, Box, Person

if TYPE_CHECKING:
    from ..preprocess import Letterbox

MULTIPOSE_SLOT: Final = 56
_KP_END: Final = NUM_KEYPOINTS * 3


def _keypoints_to_source(
    yx_score: npt.NDArray[np.float32], lb: Letterbox
) -> npt.NDArray[np.float32]:
    """(17, 3) of (y, x, score) normalised to the input -> (17, 3) of (x, y, score) in pixels."""
    x, y = lb.to_source(yx_score[:, 1], yx_score[:, 0])
    return np.stack([x, y, yx_score[:, 2]], axis=1).astype(np.float32)


def decode_movenet_singlepose(
    output: npt.NDArray[np.float32], lb: Letterbox, min_score: float
) -> tuple[Person, ...]:
    """Decode MoveNet Lightning/Thunder.

    The model always returns 17 points; the person counts as found when the
    mean keypoint score reaches ``min_score``.
    """
    kps = _keypoints_to_source(output.reshape(NUM_KEYPOINTS, 3), lb)
    person = Person.from_keypoints(kps)
    return (person,) if person.score >= min_score else ()


def decode_movenet_multipose(
    output: npt.NDArray[np.float32], lb: Letterbox, min_score: float
) -> tuple[Person, ...]:
    """Decode MoveNet MultiPose: up to 6 slots with keypoints, box and score."""
    slots = output.reshape(-1, MULTIPOSE_SLOT)
    people: list[Person] = []
    for slot in slots[np.argsort(-slots[:, 55])]:
        score = float(slot[55])
        if score < min_score:
            break
        kps = _keypoints_to_source(slot[:_KP_END].reshape(NUM_KEYPOINTS, 3), lb)
        ymin, xmin, ymax, xmax = slot[_KP_END : _KP_END + 4]
        (x0, x1), (y0, y1) = lb.to_source(
            np.array([xmin, xmax], np.float32), np.array([ymin, ymax], np.float32)
        )
        people.append(Person(kps, score, Box(float(x0), float(y0), float(x1), float(y1))))
    return tuple(people)
