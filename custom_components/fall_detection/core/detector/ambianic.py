"""The Ambianic fall heuristic, the baseline this project starts from.

For each analysed frame with a confident torso, the spinal (shoulder-hip)
lines are compared with those of the last two analysed frames that lie 1 to
10 seconds earlier. A change of direction over 60 degrees towards horizontal
is a fall, with a confidence equal to the mean spinal score of the two frames.
Frames closer than 1 s to the last analysed one are skipped.

One bug of the original is fixed: the change of direction is the angle
between the two vectors (0-180 degrees), not a difference of atan2 angles, so
a line jittering across the horizontal no longer reads as a 358 degree change.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..geometry import Spine, angle_between, spine

if TYPE_CHECKING:
    from ..types import Person


@dataclass(frozen=True, slots=True)
class BaselineVerdict:
    """A fall reported by the baseline heuristic."""

    confidence: float
    leaning_angle: float
    seconds_between: float


@dataclass(frozen=True, slots=True)
class _Frame:
    timestamp: float
    spine: Spine


def leaning_angle(before: Spine, after: Spine) -> float:
    """Largest change of direction of a spinal line present in both frames (0-180)."""
    pairs = [(b, a) for b, a in ((before.left, after.left), (before.right, after.right)) if b and a]
    if not pairs and before.mean is not None and after.mean is not None:
        pairs = [(before.mean, after.mean)]
    return max((angle_between(b, a) for b, a in pairs), default=0.0)


class AmbianicHeuristic:
    """Stateful baseline detector for one person (or one track)."""

    def __init__(
        self,
        *,
        keypoint_threshold: float = 0.11,
        min_seconds: float = 1.0,
        max_seconds: float = 10.0,
        fall_angle: float = 60.0,
    ) -> None:
        """Set the thresholds (Ambianic's defaults for MoveNet)."""
        self.keypoint_threshold = keypoint_threshold
        self.min_seconds = min_seconds
        self.max_seconds = max_seconds
        self.fall_angle = fall_angle
        self._history: deque[_Frame] = deque(maxlen=2)

    def too_soon(self, timestamp: float) -> bool:
        """Whether a frame at ``timestamp`` is closer than ``min_seconds`` to the last one."""
        return bool(self._history) and timestamp - self._history[-1].timestamp < self.min_seconds

    def update(self, person: Person | None, timestamp: float) -> BaselineVerdict | None:
        """Analyse one frame; return a verdict when it shows a fall."""
        if self.too_soon(timestamp) or person is None:
            return None
        current = spine(person, self.keypoint_threshold)
        if current.score < self.keypoint_threshold or current.tilt is None:
            return None
        verdict = None
        for earlier in reversed(self._history):
            lapse = timestamp - earlier.timestamp
            if lapse > self.max_seconds or earlier.spine.tilt is None:
                continue
            angle = leaning_angle(earlier.spine, current)
            if angle > self.fall_angle and current.tilt > earlier.spine.tilt:
                confidence = (earlier.spine.score + current.score) / 2
                if confidence >= self.keypoint_threshold:
                    verdict = BaselineVerdict(confidence, angle, lapse)
                    break
        self._history.append(_Frame(timestamp, current))
        return verdict
