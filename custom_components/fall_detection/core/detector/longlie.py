"""Long lie: someone has been lying on the floor for a while, however they got there.

An *episode* starts at the first frame where a person is seen lying with their body on
the learned floor (``floor.FloorModel``). Until the camera has learned its floor there is
no long lie at all: a fall the detector raised is no proof of the floor (on the benchmark,
every clip of someone lying down on a bed or sofa also raises a false fall). It goes
on while such sightings continue; frames where the pose model loses the person (common
for someone lying still) do not end it, only ``gap_seconds`` without any sighting or the
same person seen upright twice in a row. Once an episode has lasted ``seconds`` it is
reported once, on a frame that shows the person on the floor (never on a gap alone) and
after at least ``MIN_SIGHTINGS`` sightings, so one misread frame cannot raise it. Lying on
a bed or sofa is never on floor cells, so it never starts one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ..types import Person
    from .features import Observation
    from .floor import FloorModel

LYING_TILT: Final = 50.0  # degrees from vertical: the torso lies across the image
LYING_HEAD: Final = 0.5  # or the head is within half a torso length of hip height
UP_TO_END: Final = 2  # consecutive upright sightings of the episode's person that end it
MIN_SIGHTINGS: Final = 3  # an episode is reported only after this many sightings, on a sighting


def lying(obs: Observation) -> bool:
    """Whether the person's body lies rather than stands or sits, as the image shows it."""
    if obs.spine.tilt is None:
        return False
    above = obs.head_above_hip(obs.spine.length)
    return across(obs) or (above is not None and above < LYING_HEAD)


def across(obs: Observation) -> bool:
    """Whether the torso lies across the image (``LYING_TILT`` or more from vertical)."""
    return (obs.spine.tilt or 0.0) >= LYING_TILT


@dataclass(frozen=True, slots=True)
class LongLie:
    """A long lie to report (once per episode)."""

    track_id: int
    since: float
    timestamp: float
    person: Person
    share: float
    """Share of the body's confident points on floor cells."""


@dataclass(slots=True)
class _Episode:
    track_id: int
    since: float
    last_seen: float
    person: Person
    share: float
    reported: bool = False
    ups: int = 0
    sightings: int = 1


class LongLieMonitor:
    """Follows one camera's episodes of someone lying on the floor."""

    def __init__(self, floor: FloorModel, seconds: float, gap_seconds: float = 15.0) -> None:
        """Report after ``seconds`` on the floor; end after ``gap_seconds`` without a sighting."""
        self.floor = floor
        self.seconds = seconds
        self.gap_seconds = gap_seconds
        self._episode: _Episode | None = None

    @property
    def active(self) -> bool:
        """A reported episode is still going on: someone is on the floor now."""
        return self._episode is not None and self._episode.reported

    @property
    def since(self) -> float | None:
        """When the current episode started (reported or not)."""
        return self._episode.since if self._episode is not None else None

    def reset(self) -> None:
        """Forget the current episode."""
        self._episode = None

    def update(
        self,
        seen: list[tuple[int, Observation]],
        timestamp: float,
        size: tuple[int, int] | None,
        min_score: float,
    ) -> LongLie | None:
        """Feed one frame's observations; return a long lie when one becomes due."""
        episode = self._episode
        for track_id, obs in seen:
            if size is not None:
                self.floor.learn(obs, size)
            if episode is not None and track_id == episode.track_id and obs.upright:
                episode.ups += 1
                if episode.ups >= UP_TO_END:
                    self._episode = episode = None
                continue
            share = self._on_floor(obs, size, min_score)
            if share is None:
                continue
            if episode is None:
                episode = _Episode(track_id, timestamp, timestamp, obs.person, share)
                self._episode = episode
            else:
                episode.last_seen, episode.person, episode.share = timestamp, obs.person, share
                episode.track_id, episode.ups = track_id, 0
                episode.sightings += 1
        if episode is None:
            return None
        if timestamp - episode.last_seen > self.gap_seconds:
            self._episode = None
            return None
        if (
            not episode.reported
            and episode.last_seen == timestamp
            and episode.sightings >= MIN_SIGHTINGS
            and timestamp - episode.since >= self.seconds
        ):
            episode.reported = True
            return LongLie(
                episode.track_id, episode.since, timestamp, episode.person, episode.share
            )
        return None

    def _on_floor(
        self, obs: Observation, size: tuple[int, int] | None, min_score: float
    ) -> float | None:
        """The body's share on the floor when ``obs`` lies on the learned floor, else None."""
        if size is None or not lying(obs):
            return None
        verdict = self.floor.judge(obs.person, size, min_score)
        return verdict.share if verdict.on_floor else None
