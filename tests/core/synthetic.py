"""Synthetic people for geometry unit tests: a stick figure with a given torso pose."""

from __future__ import annotations

import math

import numpy as np

from custom_components.fall_detection.core.types import Person


def body(
    hip: tuple[float, float] = (300.0, 300.0),
    tilt: float = 0.0,
    torso: float = 100.0,
    head_extra: float = 0.4,
    score: float = 0.8,
    legs: bool = True,
) -> Person:
    """Return a person whose hip-to-shoulder line is ``tilt`` degrees from vertical.

    Positive tilt leans the torso to the right of the image.
    """
    hx, hy = hip
    ux, uy = math.sin(math.radians(tilt)), -math.cos(math.radians(tilt))
    px, py = -uy, ux  # across the body
    half = 0.2 * torso
    kps = np.zeros((17, 3), np.float32)
    kps[:, 2] = score

    def put(index: int, x: float, y: float) -> None:
        kps[index, 0], kps[index, 1] = x, y

    sx, sy = hx + ux * torso, hy + uy * torso
    put(11, hx + px * half, hy + py * half)
    put(12, hx - px * half, hy - py * half)
    put(5, sx + px * half, sy + py * half)
    put(6, sx - px * half, sy - py * half)
    nx, ny = sx + ux * head_extra * torso, sy + uy * head_extra * torso
    for index in range(5):
        put(index, nx, ny)
    for index, (e, w) in zip((7, 8), ((1, 1), (-1, 1)), strict=True):
        put(index, sx + e * px * half * 1.5, sy + e * py * half * 1.5 - uy * 0.5 * torso * w)
    put(9, kps[7, 0] - ux * 0.4 * torso, kps[7, 1] - uy * 0.4 * torso)
    put(10, kps[8, 0] - ux * 0.4 * torso, kps[8, 1] - uy * 0.4 * torso)
    if legs:
        for side, (knee, ankle) in ((1, (13, 15)), (-1, (14, 16))):
            put(
                knee,
                hx + side * px * half - ux * 0.8 * torso,
                hy + side * py * half - uy * 0.8 * torso,
            )
            put(
                ankle,
                hx + side * px * half - ux * 1.6 * torso,
                hy + side * py * half - uy * 1.6 * torso,
            )
    else:
        kps[13:, 2] = 0.05
    return Person.from_keypoints(kps, score)


def sitting(hip: tuple[float, float], torso: float = 100.0) -> Person:
    """Upright torso, thighs forward (knees level with hips), shins down."""
    person = body(hip, 0.0, torso)
    kps = person.keypoints.copy()
    hx, hy = hip
    kps[13] = (hx + 0.8 * torso, hy, 0.8)
    kps[14] = (hx + 0.8 * torso, hy, 0.8)
    kps[15] = (hx + 0.8 * torso, hy + 0.8 * torso, 0.8)
    kps[16] = (hx + 0.8 * torso, hy + 0.8 * torso, 0.8)
    return Person.from_keypoints(kps, person.score)


def bent_over(hip: tuple[float, float], tilt: float, torso: float = 100.0) -> Person:
    """Torso ``tilt`` degrees from vertical, legs still standing straight below the hips."""
    person = body(hip, tilt, torso)
    kps = person.keypoints.copy()
    hx, hy = hip
    for side, (knee, ankle) in ((1, (13, 15)), (-1, (14, 16))):
        kps[knee] = (hx + side * 0.2 * torso, hy + 0.8 * torso, 0.8)
        kps[ankle] = (hx + side * 0.2 * torso, hy + 1.6 * torso, 0.8)
    return Person.from_keypoints(kps, person.score)
