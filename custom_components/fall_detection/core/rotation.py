"""Retry pose estimation on the frame turned by 90 degrees, for people lying down.

Pose models are trained mostly on upright people; a person lying across the
frame is often found only once the frame is turned. Keypoints found on the
turned frame are mapped back to the original frame.

The turned frame is tried only when the upright pass found no confident torso, and then
the model sometimes strings a "person" across a bed, a rug or clutter. On the whole frame
those guesses are far too big: the torso of someone found only on the turned frame spans
at most 0.29 of the frame's longer side in the benchmark's falls, the guesses on furniture
up to 0.47. A torso longer than ``MAX_TURNED_TORSO`` of the frame's longer side found on the
turned frame is therefore dropped (0.3 to 0.36 give the same alerts on the benchmark; 0.25
lost falls). Crops around a tracked person are not limited: there the person fills the crop.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

import numpy as np
from PIL import Image

from .geometry import spine
from .preprocess import Decoded
from .types import Box, Person, PoseResult

if TYPE_CHECKING:
    from .engine import PoseReader

MAX_TURNED_TORSO: Final = 0.33  # of the frame's longer side, for a torso found turned
# Ambianic's order: the frame turned 90 degrees counter-clockwise first, then clockwise.
ROTATIONS = (90, 270)
_TRANSPOSE = {90: Image.Transpose.ROTATE_90, 270: Image.Transpose.ROTATE_270}


def unrotate_person(person: Person, rotation: int, width: int, height: int) -> Person:
    """Map a person found on the frame turned by ``rotation`` back to the original frame.

    ``width`` and ``height`` are those of the original frame.
    """
    kps = person.keypoints.copy()
    xr, yr = kps[:, 0].copy(), kps[:, 1].copy()
    if rotation == 90:  # noqa: PLR2004 - counter-clockwise: (x, y) -> (y, W - x)
        kps[:, 0], kps[:, 1] = width - yr, xr
    elif rotation == 270:  # noqa: PLR2004 - clockwise: (x, y) -> (H - y, x)
        kps[:, 0], kps[:, 1] = yr, height - xr
    else:
        raise ValueError(f"rotation must be 90 or 270, not {rotation}")
    corners = np.array(
        [[person.box.xmin, person.box.ymin], [person.box.xmax, person.box.ymax]], np.float32
    )
    cx, cy = corners[:, 0].copy(), corners[:, 1].copy()
    if rotation == 90:  # noqa: PLR2004
        cx, cy = width - cy, cx
    else:
        cx, cy = cy, height - cx
    box = Box(float(cx.min()), float(cy.min()), float(cx.max()), float(cy.max()))
    return Person(kps, person.score, box)


def best_spine_score(result: PoseResult, min_keypoint_score: float) -> float:
    """Return the highest spinal-line score of anyone in ``result`` (0 if nobody)."""
    return max((spine(p, min_keypoint_score).score for p in result.people), default=0.0)


def estimate_upright_or_rotated(
    engine: PoseReader,
    decoded: Decoded,
    min_keypoint_score: float,
    min_spine_score: float,
    *,
    max_turned_torso: float | None = None,
) -> PoseResult:
    """Estimate poses; if no torso is confident, retry on the frame turned each way.

    Returns the first result whose best spinal score reaches ``min_spine_score``,
    else the one with the highest score, always in original-frame coordinates.
    ``max_turned_torso``: drop people found on a turned frame whose torso is longer than
    this share of the frame's longer side (the whole frame: ``MAX_TURNED_TORSO``).
    """
    result = engine.estimate(decoded)
    best, best_score = result, best_spine_score(result, min_keypoint_score)
    if best_score >= min_spine_score:
        return result
    width, height = decoded.source_size
    for rotation in ROTATIONS:
        turned = Decoded(decoded.image.transpose(_TRANSPOSE[rotation]), (height, width))
        found = engine.estimate(turned)
        people = tuple(unrotate_person(p, rotation, width, height) for p in found.people)
        if max_turned_torso is not None:
            limit = max_turned_torso * max(width, height)
            people = tuple(p for p in people if spine(p, min_keypoint_score).length <= limit)
        candidate = replace(
            result,
            people=people,
            image_width=width,
            image_height=height,
            rotation=rotation,
            turned=tuple(p.box for p in people),
        )
        score = best_spine_score(candidate, min_keypoint_score)
        if score > best_score:
            best, best_score = candidate, score
        if best_score >= min_spine_score:
            break
    return best
