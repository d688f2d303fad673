"""Score alert times against labelled falls (the fixtures' matching rule).

An alert between ``before`` seconds before a labelled fall's start and
``after`` seconds after its end detects that fall. Alerts less than ``merge``
seconds apart are one event; every event that detects no fall is a false alarm.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True, slots=True)
class Labelled:
    """One clip: its id, tags, and the falls in it as (start, end) seconds."""

    seq_id: str
    falls: tuple[tuple[float, float], ...]
    tags: tuple[str, ...] = ()
    duration: float | None = None
    """Seconds of footage, when known: how long the clip goes on after each fall."""


@dataclass(slots=True)
class Score:
    """Counts behind recall, precision and F1."""

    falls: int = 0
    detected: int = 0
    events: int = 0
    false_alarms: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Detected falls / labelled falls (1 when there are none)."""
        return self.detected / self.falls if self.falls else 1.0

    @property
    def precision(self) -> float:
        """True alert events / all alert events (1 when there are none)."""
        return (self.events - self.false_alarms) / self.events if self.events else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of recall and precision."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def median_latency(self) -> float | None:
        """Median seconds from labelled fall start to the first alert that detected it."""
        return statistics.median(self.latencies) if self.latencies else None

    def add(self, other: Score) -> None:
        """Accumulate another score."""
        self.falls += other.falls
        self.detected += other.detected
        self.events += other.events
        self.false_alarms += other.false_alarms
        self.latencies.extend(other.latencies)


def score_clip(
    clip: Labelled,
    alerts: Iterable[float],
    *,
    before: float = 0.5,
    after: float = 5.0,
    merge: float = 10.0,
) -> Score:
    """Score one clip's alert times."""
    alert_list = sorted(alerts)
    score = Score(falls=len(clip.falls))
    groups: list[list[float]] = []
    for t in alert_list:
        if groups and t - groups[-1][-1] < merge:
            groups[-1].append(t)
        else:
            groups.append([t])
    score.events = len(groups)
    matched_groups: set[int] = set()
    for start, end in clip.falls:
        hits = [
            (t, gi)
            for gi, group in enumerate(groups)
            for t in group
            if start - before <= t <= end + after
        ]
        if hits:
            score.detected += 1
            first, gi = min(hits)
            matched_groups.add(gi)
            score.latencies.append(first - start)
    score.false_alarms = score.events - len(matched_groups)
    return score
