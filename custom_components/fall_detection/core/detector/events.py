"""What the detector reports: falls, their confirmation or dismissal, and long lies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..types import Box, FloatArray, Person
    from .features import Observation
    from .longlie import LongLie


class FallEventType(StrEnum):
    """What happened to a tracked person."""

    DETECTED = "fall_detected"
    CONFIRMED = "fall_confirmed"
    DISMISSED = "fall_dismissed"
    ON_FLOOR = "person_on_floor"


@dataclass(frozen=True, slots=True)
class FallEvent:
    """A detection, confirmation or dismissal for one tracked person."""

    type: FallEventType
    track_id: int
    timestamp: float
    confidence: float
    leaning_angle: float
    box: Box
    person: Person
    reason: str
    fall_timestamp: float
    sequence: tuple[tuple[float, FloatArray], ...] = ()
    """The person's keypoints over the seconds before the event (for labelling)."""

    @property
    def is_alert(self) -> bool:
        """A new fall (the event users alert on)."""
        return self.type is FallEventType.DETECTED


def on_floor_event(lie: LongLie) -> FallEvent:
    """The event of a long lie."""
    return FallEvent(
        FallEventType.ON_FLOOR,
        lie.track_id,
        lie.timestamp,
        lie.share,
        0.0,
        lie.person.box,
        lie.person,
        "long_lie",
        lie.since,
    )


def follow_up(
    fall: FallEvent,
    kind: FallEventType,
    track_id: int,
    timestamp: float,
    seen: Observation | None,
) -> FallEvent:
    """A confirmation or dismissal of ``fall``, with the person as last ``seen``."""
    person = seen.person if seen is not None else fall.person
    return FallEvent(
        kind,
        track_id,
        timestamp,
        fall.confidence,
        fall.leaning_angle,
        person.box,
        person,
        fall.reason,
        fall.fall_timestamp,
    )
