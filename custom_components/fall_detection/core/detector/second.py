"""A second reading before a fall seen in one frame is raised.

A descent is judged on one frame's keypoints, and one misread frame (a seated person's
shoulders found beside the hips, so the torso "lies") looks like a fall. Before raising
one, the detector asks for the same person read again on the same view mirrored left to
right (``core.mirror``; the caller supplies it). The fall stands unless that reading is at
least as confident as the first and shows no descent: its evidence against the same
earlier frames is under ``AGREES`` of the alert threshold. A person not found there, or
found less confidently, does not overrule the first reading.

Measured over the four phases of ``benchmarks/phases.py`` (tune split chosen: the
mirror trusted only when at least as confident): 5 false alarms fewer in 65, one fall
(UR fall-15, whose clip ends 0.4 s after the vetoed frame; the next frame saw the fall but
had nothing to agree with) lost in 297. Vetoing on any disagreement removed half the false
alarms but lost 28 falls (see ``benchmarks/README.md``, session 9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from .features import Evidence, Observation

if TYPE_CHECKING:
    from ..types import Person
    from .config import DetectorConfig

type SecondOpinion = Callable[[Person], Person | None]
AGREES: Final = 0.5  # share of the alert threshold the second reading's evidence must reach


def confirmed(
    cfg: DetectorConfig,
    obs: Observation,
    second: Person | None,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether a descent seen in ``obs`` stands against the ``second`` reading of its frame.

    ``descent``: the evidence of an observation against the person's earlier frames.
    """
    if second is None:
        return True  # not found on the mirrored view: no contradiction
    again = Observation.of(second, obs.timestamp, cfg.keypoint_threshold)
    if not again.usable or again.spine.score < max(cfg.keypoint_threshold, obs.spine.score):
        return True  # a weaker reading does not overrule
    best = descent(again)
    return best is not None and best.confidence >= AGREES * cfg.alert_threshold
