"""Follow people from frame to frame so each keeps its own history.

People are matched greedily by the best of three affinities: box overlap
(IoU), keypoint similarity (OKS) and closeness of the body centres relative
to the body's size. The last one keeps a track through a fall, when the box
changes from tall to wide and hardly overlaps the old one. A person the pose model lost for
a moment may have moved further meanwhile (a fall moves the body's centre by about half its
height): while one person is tracked and one is found, the distance counted as close grows
with the seconds the track went unseen, one body size per second, up to ``MAX_REACH`` sizes
(tuned on the tune split: one Le2i fall whose faller was lost for a frame mid-fall kept its
track; no other alert changed). With several people it does not: on the benchmark's clips
placed side by side (``benchmarks/two_people.py``) a wider reach let tracks jump to the
person beside them (one fall fewer and two false alarms more there).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ..geometry import keypoint_similarity

if TYPE_CHECKING:
    from ..types import Person

MAX_REACH: Final = 2.0  # body sizes a track's "close" may reach after going unseen


def affinity(a: Person, b: Person, unseen: float = 0.0) -> float:
    """How likely ``b`` is the same person as ``a`` seen ``unseen`` seconds earlier (0-1)."""
    (ax, ay), (bx, by) = a.box.centre, b.box.centre
    reach = min(MAX_REACH, max(1.0, unseen))
    size = max(a.box.longer_side, b.box.longer_side, 1.0) * reach
    closeness = math.exp(-((math.hypot(ax - bx, ay - by) / size) ** 2))
    return max(a.box.iou(b.box), keypoint_similarity(a, b), closeness)


@dataclass(slots=True)
class Track:
    """One person followed over time."""

    track_id: int
    person: Person
    first_seen: float
    last_seen: float
    hits: int = 1
    data: dict[str, object] = field(default_factory=dict)


class Tracker:
    """Greedy multi-person tracker."""

    def __init__(self, *, max_age: float = 5.0, min_affinity: float = 0.1) -> None:
        """``max_age``: seconds a track survives unseen; ``min_affinity``: to match."""
        self.max_age = max_age
        self.min_affinity = min_affinity
        self.tracks: dict[int, Track] = {}
        self._ids = itertools.count(1)

    def update(self, people: tuple[Person, ...], timestamp: float) -> list[tuple[Track, Person]]:
        """Assign each person to a track (new or existing); drop stale tracks."""
        for tid in [t for t, tr in self.tracks.items() if timestamp - tr.last_seen > self.max_age]:
            del self.tracks[tid]
        alone = len(self.tracks) == 1 and len(people) == 1

        def unseen(track: Track) -> float:
            # With one person in view there is nobody to mistake them for; with several, a
            # wider reach lets a track jump to the person beside it.
            return timestamp - track.last_seen if alone else 0.0

        scores = sorted(
            (
                (affinity(track.person, person, unseen(track)), tid, index)
                for tid, track in self.tracks.items()
                for index, person in enumerate(people)
            ),
            reverse=True,
        )
        assigned: dict[int, int] = {}
        used: set[int] = set()
        for score, tid, index in scores:
            if score < self.min_affinity or tid in used or index in assigned:
                continue
            assigned[index] = tid
            used.add(tid)
        result = []
        for index, person in enumerate(people):
            if index in assigned:
                track = self.tracks[assigned[index]]
                track.person, track.last_seen = person, timestamp
                track.hits += 1
            else:
                track = Track(next(self._ids), person, timestamp, timestamp)
                self.tracks[track.track_id] = track
            result.append((track, person))
        return result

    def established(self, timestamp: float) -> int:
        """How many tracks were seen before the frame at ``timestamp`` (not born in it)."""
        return sum(1 for t in self.tracks.values() if t.hits > 1 or t.last_seen != timestamp)

    def reset(self) -> None:
        """Forget every track."""
        self.tracks.clear()
