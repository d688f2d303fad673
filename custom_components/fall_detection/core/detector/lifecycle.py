"""A detected fall's life: raised, then confirmed (still down) or dismissed (back up).

The detector (``fall``) decides *that* a person fell; these functions keep the per-track
record of it (``rules.TrackState``) and make the events: ``raise_fall`` when it is seen,
``follow`` on every later frame (dismissed once the person is back up at about the height
they fell from, confirmed after ``confirm_seconds`` down), ``expire`` when the track ends
(a person down may be hidden, so an open fall is confirmed). During a burst a fall seen in
one frame waits for the next (``agreed``); ``raise_lost`` raises it when that next frame lost
the person (see ``fall``).
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


def agreed(cfg: DetectorConfig, state: TrackState, obs: Observation, *, burst_frame: bool) -> bool:
    """Whether a fall seen in ``obs`` may be raised now.

    At once at the base rate; during a burst (``burst_frame``) only when the frame before
    showed it too, at most ``agree_seconds`` earlier (``state.pending``).
    """
    if not burst_frame:
        return True
    earlier = state.pending  # the last sighting of the fall, not raised yet
    return earlier is not None and obs.timestamp - earlier[0].timestamp <= cfg.agree_seconds


def raise_lost(
    cfg: DetectorConfig, track_id: int, state: TrackState, timestamp: float
) -> FallEvent | None:
    """Raise a fall seen once in a burst whose next frame lost the person (see ``fall``)."""
    pending, state.pending = state.pending, None
    if pending is None or state.fall is not None:
        return None
    obs, ev, reason = pending
    if timestamp - obs.timestamp > cfg.agree_seconds:
        return None  # not the next frame: too late to count as one
    return raise_fall(cfg, track_id, state, obs, ev, reason, timestamp)
