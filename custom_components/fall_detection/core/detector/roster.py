"""The people one camera's fall detector follows, and what can be asked about them.

``Roster`` owns the tracker and each track's remembered state (``rules.TrackState``);
``fall.FallDetector`` builds on it and owns the decisions. The questions here are asked
by the pipeline (who was seen lately and how big, for the zoom; who stood alone, for the
checker), by the integration (whose last seconds a "missed fall" report means) and by
training scripts (a track's keypoints); none of them changes what the detector decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lowering import STANDING_SIZE, looking_back, seated, usual_upright
from .tracking import Track, Tracker

if TYPE_CHECKING:
    from ..types import Box, FloatArray, Person
    from .rules import TrackState


class Roster:
    """The tracked people of one camera, their states, and queries about them."""

    def __init__(self, max_seconds: float) -> None:
        """Track people for up to ``max_seconds`` unseen; remember as much of each."""
        self.tracker = Tracker(max_age=max_seconds)
        self._span = max_seconds
        self._states: dict[int, TrackState] = {}
        self._last_update: float | None = None  # when the last frame was analysed
        self.last_tracks: tuple[tuple[int, Person], ...] = ()
        """The people of the last update with their track ids."""

    def recent(self, track_id: int, seconds: float | None = None) -> list[tuple[float, FloatArray]]:
        """The last ``seconds`` (default ``max_seconds``) of one person's keypoints."""
        state = self._states.get(track_id)
        if state is None or not state.history:
            return []
        span = self._span if seconds is None else seconds
        end = state.history[-1].timestamp
        return [
            (o.timestamp, o.person.keypoints) for o in state.history if end - o.timestamp <= span
        ]

    def recent_people(
        self, timestamp: float, seconds: float
    ) -> tuple[tuple[Box, float | None], ...]:
        """The people seen within ``seconds`` before ``timestamp``: last box and size.

        The size is the longer side of their biggest box in an upright posture within
        ``SIZE_SECONDS`` of the last one (None when never seen upright): a fall or a poor
        frame does not shrink it, and it follows someone walking away from the camera.
        """
        people = []
        for tid, track in self.tracker.tracks.items():
            if timestamp - track.last_seen > seconds:
                continue
            state = self._states.get(tid)
            people.append((track.person.box, state.upright_size() if state else None))
        return tuple(people)

    def busiest_track(self) -> int | None:
        """The track seen most often (the person a "missed fall" report most likely means)."""
        tracks = self.tracker.tracks.values()
        return max(tracks, key=lambda t: t.hits).track_id if tracks else None

    def _alone(self, timestamp: float) -> bool:
        """Whether one person is tracked: with several, a missing or standing one may be another.

        A track born in this very frame is no second person who was beside the first, but
        something found for the first time, often as the faller vanishes (a scrap of floor
        read as a person); someone who walks in counts from their second frame.
        """
        return self.tracker.established(timestamp) == 1

    def stood_boxes(self) -> tuple[Box, ...]:
        """The boxes of the people tracked who stood in the last frame analysed.

        Each seen in that frame (and in one before it), upright and not seated, at least
        ``lowering.STANDING_SIZE`` of their usual upright size (``lowering.usual_upright``),
        with no fall of theirs raised yet: if the next frame finds nobody there, they walked
        out of view, are hidden, or went down (``core.vanished`` then has the checker model
        look for them).
        """
        if self._last_update is None:
            return ()
        return tuple(
            box
            for track_id, track in self.tracker.tracks.items()
            if (box := self._stood(track_id, track)) is not None
        )

    def _stood(self, track_id: int, track: Track) -> Box | None:
        """The box of ``track``'s person if they stood in the last frame (``stood_boxes``)."""
        state = self._states.get(track_id)
        if track.hits < 2 or track.last_seen != self._last_update or state is None:  # noqa: PLR2004
            return None
        last = state.history[-1] if state.history else None
        if last is None or last.timestamp != self._last_update or state.fall is not None:
            return None
        if not last.upright or seated(last):
            return None
        # At about their usual upright size: a fragment read upright is not them standing.
        recent = looking_back(state.history, last.timestamp)
        if last.person.box.longer_side < STANDING_SIZE * usual_upright(recent):
            return None
        return last.person.box

    def forget(self) -> None:
        """Forget every person."""
        self.tracker.reset()
        self._states.clear()
        self._last_update = None
        self.last_tracks = ()
