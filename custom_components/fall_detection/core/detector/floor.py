"""Where a camera's floor is, learned from the feet of people standing and walking on it.

A fixed camera sees the floor as a fixed region of its image. Wherever the feet of a
standing or walking person touch the ground, that image position is floor. The model
counts foot positions on a coarse grid over the image (normalised coordinates, so the
stream's resolution may change). A person lying on the floor rests at floor level, so
their body appears where feet could stand; a person lying on a bed or sofa rests half
a metre higher, which a camera at about 1 m height sees several cells above the feet
of people standing in front of it, and a ceiling camera sees on a region nobody ever
stands on. Cells nobody has stood on are *not* floor: the model is deliberately
conservative, so a bed never becomes floor, at the price of not knowing the floor in
a corner nobody walks through until someone does.

The model is plain data: ``to_dict`` / ``from_dict`` (strictly validated) keep it in
the integration's storage across restarts; a missing or damaged store starts empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from ..geometry import L_ANKLE, L_HIP, L_KNEE, L_SHOULDER, R_ANKLE, R_HIP, R_KNEE, R_SHOULDER

if TYPE_CHECKING:
    from ..types import Person
    from .features import Observation

COLUMNS: Final = 32
ROWS: Final = 24
VERSION: Final = 1
MAX_COUNT: Final = 1000.0  # per cell; older evidence is halved when a cell reaches it
MIN_SAMPLES: Final = 12  # feet seen before the model judges anything
SUPPORT: Final = 2.0  # feet seen in a cell's neighbourhood for it to count as floor
# A foot counts only for a standing or walking person: torso upright and ankles at least this
# many torso lengths below the hips (sitting keeps the ankles about one torso length below,
# legs folded on a bed far less; standing is 1.2-1.8 as MoveNet places hips and ankles).
STANDING_LEGS: Final = 1.1
FOOT_SCORE: Final = 0.2
ON_FLOOR_SHARE: Final = 0.5  # share of the body's points on floor cells for "on the floor"
BODY: Final = (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE)


class FloorError(ValueError):
    """A stored floor model that cannot be used."""


@dataclass(frozen=True, slots=True)
class FloorVerdict:
    """Whether a lying body rests on the learned floor."""

    known: bool
    """The model has seen enough feet to judge."""
    share: float
    """Share of the body's confident points on floor cells (0-1)."""

    @property
    def on_floor(self) -> bool:
        """At least half of the body lies on floor cells."""
        return self.known and self.share >= ON_FLOOR_SHARE


class FloorModel:
    """Per-camera floor occupancy from foot positions, in normalised image coordinates."""

    def __init__(self, counts: npt.NDArray[np.float64] | None = None) -> None:
        """Start empty, or from stored counts (``ROWS`` x ``COLUMNS``)."""
        self.counts = (
            np.zeros((ROWS, COLUMNS), dtype=np.float64) if counts is None else counts.copy()
        )
        self.changed = False
        self._support: npt.NDArray[np.float64] | None = None  # cached until the next foot

    @property
    def samples(self) -> float:
        """How many feet the model has counted (after halving)."""
        return float(self.counts.sum())

    @property
    def known(self) -> bool:
        """Enough feet seen to judge where the floor is."""
        return self.samples >= MIN_SAMPLES

    def _cell(self, x: float, y: float, size: tuple[int, int]) -> tuple[int, int] | None:
        width, height = size
        if width <= 0 or height <= 0 or not (np.isfinite(x) and np.isfinite(y)):
            return None
        col, row = int(x / width * COLUMNS), int(y / height * ROWS)
        if not (0 <= col < COLUMNS and 0 <= row < ROWS):
            return None
        return row, col

    def learn(self, obs: Observation, size: tuple[int, int]) -> bool:
        """Count the feet of a standing or walking person; whether they were counted."""
        feet = _feet(obs)
        if feet is None:
            return False
        cell = self._cell(*feet, size)
        if cell is None:
            return False
        if self.counts[cell] >= MAX_COUNT:
            self.counts *= 0.5
        self.counts[cell] += 1.0
        self.changed = True
        self._support = None
        return True

    def support(self) -> npt.NDArray[np.float64]:
        """Feet seen in each cell's 3x3 neighbourhood (a person stands on more than one cell)."""
        if self._support is not None:
            return self._support
        padded = np.pad(self.counts, 1)
        total = np.zeros_like(self.counts)
        for dy in range(3):
            for dx in range(3):
                total += padded[dy : dy + ROWS, dx : dx + COLUMNS]
        self._support = total
        return total

    def mask(self) -> npt.NDArray[np.bool_] | None:
        """Floor cells (``ROWS`` x ``COLUMNS``), or None while the floor is not learned."""
        return self.support() >= SUPPORT if self.known else None

    def judge(self, person: Person, size: tuple[int, int], min_score: float) -> FloorVerdict:
        """Whether ``person`` (lying) rests on the floor: their torso and legs on floor cells."""
        if not self.known:
            return FloorVerdict(known=False, share=0.0)
        support = self.support()
        cells = [
            self._cell(float(x), float(y), size)
            for x, y, s in person.keypoints[list(BODY)]
            if s > min_score
        ]
        inside = [c for c in cells if c is not None]
        if not inside:
            return FloorVerdict(known=True, share=0.0)
        on = sum(1 for c in inside if support[c] >= SUPPORT)
        return FloorVerdict(known=True, share=on / len(inside))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (sparse: only the cells with feet)."""
        rows, cols = np.nonzero(self.counts)
        return {
            "version": VERSION,
            "grid": [ROWS, COLUMNS],
            "cells": [
                [int(r), int(c), round(float(self.counts[r, c]), 3)]
                for r, c in zip(rows, cols, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, raw: object) -> FloorModel:
        """Rebuild a stored model; ``FloorError`` for anything that is not exactly one."""
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            raise FloorError("not a floor model of this version")
        if raw.get("grid") != [ROWS, COLUMNS]:
            raise FloorError("floor model grid differs")
        cells = raw.get("cells")
        if not isinstance(cells, list) or len(cells) > ROWS * COLUMNS:
            raise FloorError("floor model cells missing")
        counts = np.zeros((ROWS, COLUMNS), dtype=np.float64)
        for cell in cells:
            if not (isinstance(cell, list) and len(cell) == len(("row", "column", "count"))):
                raise FloorError("floor model cell is not [row, column, count]")
            row, col, count = cell
            if not (
                type(row) is int
                and type(col) is int
                and 0 <= row < ROWS
                and 0 <= col < COLUMNS
                and type(count) in (int, float)
                and np.isfinite(count)
                and 0 <= count <= MAX_COUNT
            ):
                raise FloorError("floor model cell out of range")
            counts[row, col] = float(count)
        return cls(counts)


def _feet(obs: Observation) -> tuple[float, float] | None:
    """Where a standing person's feet touch the ground (mean of the confident ankles)."""
    if not obs.upright or obs.hip is None:
        return None
    kps = obs.person.keypoints
    ankles = kps[[L_ANKLE, R_ANKLE]]
    good = ankles[ankles[:, 2] > FOOT_SCORE]
    if not len(good):
        return None
    x, y = float(good[:, 0].mean()), float(good[:, 1].mean())
    if y - obs.hip < STANDING_LEGS * max(obs.spine.length, 1.0):
        return None
    return x, y
