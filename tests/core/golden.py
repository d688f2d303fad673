"""Golden keypoints (Coral's reference CSVs) and comparison helpers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from custom_components.fall_detection.core.types import Person, PoseResult


@dataclass(frozen=True)
class RefPose:
    """One reference pose: (17, 3) of normalised x, y and score."""

    keypoints: np.ndarray


def read_reference(path: Path) -> list[RefPose]:
    poses: dict[str, np.ndarray] = {}
    with path.open() as stream:
        for row in csv.DictReader(stream):
            kps = poses.setdefault(row["pose_id"], np.zeros((17, 3)))
            kps[int(row["keypoint_id"])] = (
                float(row["keypoint_x"]),
                float(row["keypoint_y"]),
                float(row["keypoint_score"]),
            )
    return [RefPose(k) for _, k in sorted(poses.items())]


def errors(person: Person, result: PoseResult, ref: RefPose, min_score: float = 0.3) -> np.ndarray:
    """Per-keypoint error (max of |dx|, |dy|, normalised) over confident reference keypoints."""
    size = np.array([result.image_width, result.image_height])
    ours = person.keypoints[:, :2] / size
    confident = ref.keypoints[:, 2] > min_score
    return np.abs(ours - ref.keypoints[:, :2])[confident].max(axis=1)


def match(result: PoseResult, refs: list[RefPose]) -> list[np.ndarray]:
    """For each reference pose, the errors of the detected person closest to it."""
    return [min((errors(p, result, ref) for p in result.people), key=np.mean) for ref in refs]
