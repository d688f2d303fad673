"""What one camera's entities show, and what one analysed frame hands back to the loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from .core.detector import FallEvent


@dataclass(frozen=True, slots=True)
class Detection:
    """A fall event as Home Assistant sees it: with an id and a wall-clock time."""

    detection_id: str
    event_type: str
    camera_entity_id: str
    track_id: int
    confidence: float
    leaning_angle: float
    reason: str
    time: datetime
    since: datetime | None = None  # a long lie: when the person was first seen on the floor

    def as_event_data(self) -> dict[str, Any]:
        """Attributes for the event entity and the bus event."""
        since = {"since": self.since.isoformat()} if self.since is not None else {}
        return since | {
            "detection_id": self.detection_id,
            "camera_entity_id": self.camera_entity_id,
            "track_id": self.track_id,
            "confidence": round(self.confidence, 3),
            "leaning_angle": round(self.leaning_angle, 1),
            "reason": self.reason,
            "timestamp": self.time.isoformat(),
        }


@dataclass(slots=True)
class CameraState:
    """What the entities of one camera show."""

    people: int = 0
    inference_ms: float | None = None
    analysed_fps: float | None = None
    fall_active: bool = False
    person_on_floor: bool = False
    skipped_frames: int = 0
    timed_out_frames: int = 0
    analysed_frames: int = 0
    new_detections: list[Detection] = field(default_factory=list)
    last_detection: Detection | None = None
    last_fall_image: bytes | None = None
    last_fall_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the inference thread hands back to the loop for one frame."""

    people: int
    events: list[FallEvent]
    image: bytes | None
    thumbnail: bytes | None
    seconds: float
    on_floor: bool = False
    floor: dict[str, object] | None = None  # a snapshot of the learned floor, when due
    next_interval: float | None = None  # seconds to the next frame, as the detector asks
