"""A detected fall's life: raised, then confirmed (still down) or dismissed (back up).

The detector (``fall``) decides *that* a person fell; these functions keep the per-track
record of it (``rules.TrackState``) and make the events: ``raise_fall`` when it is seen,
``follow`` on every later frame (dismissed once the person is back up at about the height
they fell from, confirmed after ``confirm_seconds`` down), ``expire`` when the track ends
(a person down may be hidden, so an open fall is confirmed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .events import FallEvent, FallEventType, follow_up

if TYPE_CHECKING:
    from ..types import FloatArray
    from .config import DetectorConfig
    from .features import Evidence, Observation
    from .rules import TrackState


def window(
    cfg: DetectorConfig, state: TrackState, obs: Observation
) -> tuple[tuple[float, FloatArray], ...]:
    """The person's keypoints over the last ``max_seconds``, ending with ``obs``."""
    earlier = [
        (o.timestamp, o.person.keypoints)
        for o in state.history
        if obs.timestamp - o.timestamp <= cfg.max_seconds
    ]
    return (*earlier, (obs.timestamp, obs.person.keypoints))


def raise_fall(
    cfg: DetectorConfig,
    track_id: int,
    state: TrackState,
    obs: Observation,
    ev: Evidence,
    reason: str,
    timestamp: float | None = None,
) -> FallEvent:
    """Record a fall seen in ``obs`` and return its event (at ``timestamp`` if raised later)."""
    event = FallEvent(
        FallEventType.DETECTED,
        track_id,
        obs.timestamp if timestamp is None else timestamp,
        ev.confidence,
        ev.leaning_angle,
        obs.person.box,
        obs.person,
        reason,
        obs.timestamp,
        window(cfg, state, obs),
    )
    state.fall, state.fall_reference, state.confirmed = event, ev.reference, False
    state.quiet_until = obs.timestamp + cfg.cooldown_seconds
    state.low_since = state.pending = None
    return event


def follow(
    cfg: DetectorConfig,
    track_id: int,
    state: TrackState,
    timestamp: float,
    seen: Observation | None,
) -> list[FallEvent]:
    """Dismiss the open fall if ``seen`` is back up, or confirm it once down long enough."""
    fall = state.fall
    if fall is None:
        return []
    reference = state.fall_reference
    if seen is not None and reference is not None and seen.back_up(reference):
        state.fall = state.fall_reference = None
        state.quiet_until = min(state.quiet_until, timestamp + cfg.min_seconds)
        return [follow_up(fall, FallEventType.DISMISSED, track_id, timestamp, seen)]
    if not state.confirmed and timestamp - fall.timestamp >= cfg.confirm_seconds:
        state.confirmed = True
        return [follow_up(fall, FallEventType.CONFIRMED, track_id, timestamp, seen)]
    return []


def expire(
    cfg: DetectorConfig, track_id: int, state: TrackState, timestamp: float
) -> list[FallEvent]:
    """Close a vanished track: an open fall is confirmed (a person down may be hidden)."""
    events = follow(cfg, track_id, state, timestamp, seen=None)
    fall = state.fall
    if fall is not None and not state.confirmed:
        events.append(follow_up(fall, FallEventType.CONFIRMED, track_id, timestamp, None))
    return events
