"""Golden keypoints: Coral's reference CSVs, and how close a pose result comes to them.

Coral's test data gives, per model and test image, the keypoints each person should get
(``pose_id, keypoint_id, keypoint_x, keypoint_y, keypoint_score``, x and y normalised to the
image). The engine's golden tests and the pose benchmark's "two people" column compare with
them: per keypoint the larger of the x and y errors, as a share of the image's size, over the
keypoints the reference is confident of.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from pathlib import Path

    import numpy.typing as npt

    from .types import Person, PoseResult

REF_SCORE: Final = 0.3  # reference keypoints compared: those the reference is confident of


@dataclass(frozen=True)
class RefPose:
    """One reference pose: (17, 3) of normalised x, y and score."""

    keypoints: npt.NDArray[np.float64]


def read_reference(path: Path) -> list[RefPose]:
    """The poses of a Coral reference CSV, in the order of their ``pose_id``."""
    poses: dict[str, npt.NDArray[np.float64]] = {}
    with path.open() as stream:
        for row in csv.DictReader(stream):
            kps = poses.setdefault(row["pose_id"], np.zeros((17, 3)))
            kps[int(row["keypoint_id"])] = (
                float(row["keypoint_x"]),
                float(row["keypoint_y"]),
                float(row["keypoint_score"]),
            )
    return [RefPose(k) for _, k in sorted(poses.items())]


def errors(
    person: Person, result: PoseResult, ref: RefPose, min_score: float = REF_SCORE
) -> npt.NDArray[np.float64]:
    """Per-keypoint error (max of |dx|, |dy|, normalised) over confident reference keypoints."""
    size = np.array([result.image_width, result.image_height])
    ours = person.keypoints[:, :2] / size
    confident = ref.keypoints[:, 2] > min_score
    found: npt.NDArray[np.float64] = np.abs(ours - ref.keypoints[:, :2])[confident].max(axis=1)
    return found


def closest(result: PoseResult, ref: RefPose) -> tuple[int, npt.NDArray[np.float64]] | None:
    """The person of ``result`` closest to ``ref`` (lowest mean error): index and errors."""
    scored = [(errors(p, result, ref), i) for i, p in enumerate(result.people)]
    if not scored:
        return None
    errs, index = min(scored, key=lambda pair: float(pair[0].mean()))
    return index, errs


def match(result: PoseResult, refs: list[RefPose]) -> list[npt.NDArray[np.float64]]:
    """For each reference pose, the errors of the detected person closest to it.

    Raises ``ValueError`` when nobody was found: a golden test must not pass on no one.
    """
    if not result.people:
        raise ValueError("nobody found to compare with the reference")
    return [best[1] for ref in refs if (best := closest(result, ref)) is not None]


def found_within(
    result: PoseResult, refs: list[RefPose], mean: float, worst: float
) -> tuple[int, float]:
    """How many reference poses a different person matches within the tolerances.

    Per reference pose, the person closest to it (``closest``) counts when their mean error
    is at most ``mean`` and every error at most ``worst``, and no other reference pose
    counted them already. Also returns the largest error of those closest people (0 when
    nobody was found).
    """
    found, used, largest = 0, set(), 0.0
    for ref in refs:
        best = closest(result, ref)
        if best is None:
            continue
        index, errs = best
        largest = max(largest, float(errs.max()))
        if errs.mean() <= mean and errs.max() <= worst and index not in used:
            found += 1
            used.add(index)
    return found, largest
