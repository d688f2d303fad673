"""Replay the Ambianic fall-detection test pairs (``pairs.csv``) through the pipeline.

Frames of a sequence are 2 s apart (inside Ambianic's 1-10 s window), except
the timing-gate case whose frames are 0.5 s apart. The expected outcome is
Ambianic's with MoveNet, or with PoseNet for the PoseNet models.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import OutputFormat
from .pipeline import FramePipeline

if TYPE_CHECKING:
    from pathlib import Path

    from .engine import PoseEngine

FRAME_GAP = 2.0
TIMING_GATE_GAP = 0.5
TIMING_GATE_CASE = "case_2_1"


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """Expected and actual verdict after each frame of one sequence."""

    test_id: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    confidences: tuple[float, ...]

    @property
    def ok(self) -> bool:
        """Whether every frame's verdict matched."""
        return self.expected == self.got


def _expected(row: dict[str, str], frames: int, posenet: bool) -> tuple[str, ...]:
    column = (
        "expected_posenet_mobilenet_conf0.6_library"
        if posenet
        else "expected_movenet_thunder_conf0.11"
    )
    values = [v.strip() for v in row[column].split(",")]
    if len(values) == 1:  # a single outcome is for the last frame
        values = ["NO_FALL"] * (frames - 1) + values
    return tuple(values)


def run_pairs(engine: PoseEngine, folder: Path) -> list[PairOutcome]:
    """Run every sequence of ``folder/pairs.csv`` with a fresh pipeline each."""
    posenet = engine.spec.output_format in (OutputFormat.POSENET, OutputFormat.POSENET_CORAL_RAW)
    outcomes = []
    with (folder / "pairs.csv").open() as stream:
        for row in csv.DictReader(stream):
            names = row["frames_in_order"].split(">")
            gap = TIMING_GATE_GAP if row["test_id"] == TIMING_GATE_CASE else FRAME_GAP
            pipeline = FramePipeline(engine)
            got, confidences = [], []
            for index, name in enumerate(names):
                result = pipeline.process((folder / "images" / name).read_bytes(), index * gap)
                alerts = [e for e in result.events if e.is_alert]
                got.append("FALL" if alerts else "NO_FALL")
                confidences.append(max((e.confidence for e in alerts), default=0.0))
            outcomes.append(
                PairOutcome(
                    row["test_id"],
                    _expected(row, len(names), posenet),
                    tuple(got),
                    tuple(confidences),
                )
            )
    return outcomes
