"""PoseNet decoding: single pose (argmax) and multi-pose (tfjs ``decodeMultiplePoses``)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from ..types import KEYPOINT_NAMES, NUM_KEYPOINTS, Person

if TYPE_CHECKING:
    from ..preprocess import Letterbox

F32 = npt.NDArray[np.float32]

_POSE_CHAIN: Final = (
    ("nose", "left_eye"),
    ("left_eye", "left_ear"),
    ("nose", "right_eye"),
    ("right_eye", "right_ear"),
    ("nose", "left_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("left_shoulder", "left_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("nose", "right_shoulder"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("right_shoulder", "right_hip"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
)
_EDGES: Final = tuple(
    (KEYPOINT_NAMES.index(parent), KEYPOINT_NAMES.index(child)) for parent, child in _POSE_CHAIN
)
NUM_EDGES: Final = len(_EDGES)
OFFSET_REFINE_STEPS: Final = 2


@dataclass(frozen=True, slots=True)
class PoseNetOutputs:
    """PoseNet outputs without the batch axis, all float32.

    ``heatmaps`` (H, W, 17) are logits; ``offsets`` (H, W, 34) dy then dx;
    displacements (H, W, 32) dy then dx per edge; all in input pixels.
    """

    heatmaps: F32
    offsets: F32
    displacement_fwd: F32
    displacement_bwd: F32
    stride: int
    input_width: int
    input_height: int

    @property
    def scores(self) -> F32:
        """Keypoint probabilities (sigmoid of the heatmaps)."""
        return (1.0 / (1.0 + np.exp(-self.heatmaps))).astype(np.float32)


def _to_person(
    points: F32, scores: F32, out: PoseNetOutputs, lb: Letterbox, score: float
) -> Person:
    """(17, 2) of (y, x) input pixels + scores -> Person in source pixels."""
    x, y = lb.to_source(points[:, 1] / out.input_width, points[:, 0] / out.input_height)
    return Person.from_keypoints(np.stack([x, y, scores], axis=1).astype(np.float32), score)


def decode_posenet_single(
    out: PoseNetOutputs, lb: Letterbox, min_score: float
) -> tuple[Person, ...]:
    """Take each keypoint at its heatmap maximum, refined by its offset."""
    scores = out.scores
    h, w, k = scores.shape
    flat = scores.reshape(h * w, k).argmax(axis=0)
    gy, gx = np.divmod(flat, w)
    ks = np.arange(k)
    points = np.stack(
        [
            gy * out.stride + out.offsets[gy, gx, ks],
            gx * out.stride + out.offsets[gy, gx, ks + k],
        ],
        axis=1,
    ).astype(np.float32)
    kp_scores = scores[gy, gx, ks]
    person = _to_person(points, kp_scores, out, lb, float(kp_scores.mean()))
    return (person,) if person.score >= min_score else ()


def _local_maxima(scores: F32, threshold: float) -> list[tuple[float, int, int, int]]:
    """(score, y, x, k) of every heatmap cell over ``threshold`` that is a 3x3 local maximum."""
    padded = np.pad(scores, ((1, 1), (1, 1), (0, 0)), constant_values=-np.inf)
    h, w, _ = scores.shape
    neighbourhood = np.max(
        np.stack([padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)]), axis=0
    )
    ys, xs, ks = np.nonzero((scores >= threshold) & (scores >= neighbourhood))
    return [
        (float(scores[y, x, k]), int(y), int(x), int(k)) for y, x, k in zip(ys, xs, ks, strict=True)
    ]


class _MultiDecoder:
    """One run of tfjs-models ``decodeMultiplePoses`` on one frame."""

    def __init__(self, out: PoseNetOutputs) -> None:
        self.out = out
        self.scores = out.scores
        self.height, self.width, _ = self.scores.shape

    def cell(self, point: F32) -> tuple[int, int]:
        s = self.out.stride
        y = min(max(round(float(point[0]) / s), 0), self.height - 1)
        x = min(max(round(float(point[1]) / s), 0), self.width - 1)
        return y, x

    def image_coords(self, y: int, x: int, k: int) -> F32:
        o, s = self.out.offsets, self.out.stride
        return np.array([y * s + o[y, x, k], x * s + o[y, x, k + NUM_KEYPOINTS]], np.float32)

    def traverse(
        self, edge: int, source: F32, target: int, displacements: F32
    ) -> tuple[F32, float]:
        y, x = self.cell(source)
        point = source + np.array(
            [displacements[y, x, edge], displacements[y, x, edge + NUM_EDGES]], np.float32
        )
        for _ in range(OFFSET_REFINE_STEPS):
            y, x = self.cell(point)
            point = self.image_coords(y, x, target)
        y, x = self.cell(point)
        return point, float(self.scores[y, x, target])

    def decode_pose(self, root_score: float, y: int, x: int, k: int) -> tuple[F32, F32]:
        points = np.zeros((NUM_KEYPOINTS, 2), np.float32)
        scores = np.zeros(NUM_KEYPOINTS, np.float32)
        known = np.zeros(NUM_KEYPOINTS, bool)
        points[k], scores[k], known[k] = self.image_coords(y, x, k), root_score, True
        for edge in reversed(range(NUM_EDGES)):  # towards the nose: child -> parent
            parent, child = _EDGES[edge]
            if known[child] and not known[parent]:
                points[parent], scores[parent] = self.traverse(
                    edge, points[child], parent, self.out.displacement_bwd
                )
                known[parent] = True
        for edge in range(NUM_EDGES):  # towards the limbs: parent -> child
            parent, child = _EDGES[edge]
            if known[parent] and not known[child]:
                points[child], scores[child] = self.traverse(
                    edge, points[parent], child, self.out.displacement_fwd
                )
                known[child] = True
        return points, scores


def decode_posenet_multi(
    out: PoseNetOutputs,
    lb: Letterbox,
    min_score: float,
    *,
    max_people: int = 6,
    seed_threshold: float = 0.5,
    nms_radius: float = 20.0,
) -> tuple[Person, ...]:
    """Find up to ``max_people`` poses, seeded at heatmap peaks (tfjs algorithm)."""
    decoder = _MultiDecoder(out)
    queue = [(-s, y, x, k) for s, y, x, k in _local_maxima(decoder.scores, seed_threshold)]
    heapq.heapify(queue)
    r2 = nms_radius * nms_radius
    poses: list[tuple[F32, F32, float]] = []
    while queue and len(poses) < max_people:
        neg, y, x, k = heapq.heappop(queue)
        root = decoder.image_coords(y, x, k)
        if any(float(np.sum((p[k] - root) ** 2)) <= r2 for p, _, _ in poses):
            continue
        points, scores = decoder.decode_pose(-neg, y, x, k)
        score = _instance_score(points, scores, poses, r2)
        poses.append((points, scores, score))
    return tuple(
        _to_person(points, scores, out, lb, score)
        for points, scores, score in poses
        if score >= min_score
    )


def _instance_score(
    points: F32, scores: F32, poses: list[tuple[F32, F32, float]], r2: float
) -> float:
    """Mean keypoint score, leaving out keypoints that an earlier pose already claimed."""
    if not poses:
        return float(scores.mean())
    taken = np.zeros(NUM_KEYPOINTS, bool)
    for other, _, _ in poses:
        taken |= np.sum((other - points) ** 2, axis=1) <= r2
    return float(scores[~taken].sum() / NUM_KEYPOINTS)
