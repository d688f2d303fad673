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

Then a second look at *where the person was*: the frame cut to a square ``AROUND_GROW`` (2)
times the longer side of the person's previous box, around it, and read there
(``core.people.reading_around``). A fall lands within about a body length of where the
person stood, so a fall's crop shows the person down too. The single-pose model, given a
whole room in which the person is hard to read (sitting deep in an armchair seen from a
ceiling corner, crouched behind a sofa), sometimes strings a "person" across the table or
the floor instead, and that guess reads as someone lying. The crop, which shows the real
person large, then finds them sitting or standing: the descent is vetoed when the crop finds
an upright, confident torso (``keypoint_threshold``) whose evidence against the same earlier
frames is under ``AGREES`` of the alert threshold. Nobody found there, or someone found
lying, does not overrule (the crop can string a guess across furniture too: counted as a
contradiction, such guesses vetoed three Ambianic test pairs whose faller had moved away).
Only while one person is tracked: with two side by side, the crop around one can show the
other standing there, a helper next to someone who fell. Tuned on the tune split over the
four phases of ``benchmarks/phases.py``, with the video's frames and as JPEG stills of
quality 85 (``--jpeg 85``), before the upright condition: asked at every frame (bursts too)
and on any confident reading, 435 falls with 30 false alarms there instead of 437 with 45;
only at the base rate, 436 with 39; only when as confident as the first reading, 436 with
41; a crop 2.5 times the box, 434 with 33. With the upright condition (landed): 438 with 36
(see ``benchmarks/README.md``, session 11).

Before those readings, and for every fall rule (descent, slow descent, stayed down, off
furniture): is the fall more than a guess (``not_a_guess``)? A fall brings a body to where it
was not in the posture it is measured against (``Evidence.reference``), so the frame differs
from that earlier frame at the fallen torso (``moved_there``: the largest mean grey
difference over patches around the confident shoulders and hips; the caller keeps the
frames, ``core.stills``). The guesses
strung across a table and the floor lie on still furniture. On the alerts of the eight
replays (four phases, video frames) every guess drawn on its frame changed by at most about 4
grey levels and every fall seen on the person by 11 or more (20 in the tune split):
``MOVED_MIN`` (8) is the geometric middle of the tune split's gap. A reading where nothing
moved stands only when the crop around the person's last box finds them down
(``found_down``: a confident lying torso with a descent). Some real falls were caught on
such guesses only (the faller hidden behind a table, or at the frame's bottom edge, found by
no pass): vetoing every guess lost 17 catches of the eight replays for 22 false alarms;
with the look where the person was, 5 catches (none in the tune split) for 11 false alarms,
and the tune split went from 438 falls with 36 false alarms to 438 with 34 (see
``benchmarks/README.md``, session 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .features import Evidence, Observation
from .longlie import lying

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..types import Box, Person
    from .config import DetectorConfig

AGREES: Final = 0.5  # share of the alert threshold the second reading's evidence must reach
AROUND_GROW: Final = 2.0  # the crop around the previous box, times its longer side
MOVED_MIN: Final = 8.0  # grey levels (0-255) the frame must have changed at the fallen torso
MOVED_RADIUS: Final = 0.2  # half-side of the patch around each torso point, in torso lengths
TORSO: Final = (5, 6, 11, 12)  # shoulders and hips

type Change = Callable[[Iterable[tuple[float, float]], float, float], float | None]


@dataclass(frozen=True, slots=True)
class SecondReadings:
    """Readings of the current frame the detector asks for before it raises a descent."""

    mirrored: Callable[[Person], Person | None]
    """The person read again on their view mirrored left to right (``core.mirror``)."""
    around: Callable[[Box], Person | None] | None = None
    """Who the frame cut around a box shows (``core.people.reading_around``)."""
    change: Change | None = None
    """How much the frame changed at points since a time (``core.stills.FrameMemory``)."""


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


def contradicted(
    cfg: DetectorConfig,
    timestamp: float,
    around: Person | None,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether the reading ``around`` where the person was shows them still up.

    An upright, confident torso there (``keypoint_threshold``) whose evidence against the
    person's earlier frames is under ``AGREES`` of the alert threshold. Nobody found, or
    something found lying (the crop can string a guess across furniture too), does not count.
    """
    if around is None:
        return False
    there = Observation.of(around, timestamp, cfg.keypoint_threshold)
    if not there.upright or there.spine.score < cfg.keypoint_threshold:
        return False
    best = descent(there)
    return best is None or best.confidence < AGREES * cfg.alert_threshold


def stands(
    cfg: DetectorConfig,
    obs: Observation,
    previous: Box | None,
    second: SecondReadings,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether a descent seen in ``obs`` stands against the ``second`` readings of its frame.

    Mirrored (``confirmed``), then around the person's ``previous`` box (``contradicted``).
    """
    if not confirmed(cfg, obs, second.mirrored(obs.person), descent):
        return False
    if second.around is None or previous is None:
        return True
    return not contradicted(cfg, obs.timestamp, second.around(previous), descent)


def moved_there(cfg: DetectorConfig, obs: Observation, since: float, change: Change | None) -> bool:
    """Whether the frame changed where ``obs``'s torso is since ``since``.

    The largest change over patches ``MOVED_RADIUS`` torso lengths (half-side) around the
    confident shoulders and hips must reach ``MOVED_MIN`` grey levels. Unknown (no ``change``,
    no frame kept from then, no point inside the frame) counts as moved.
    """
    points = [
        (float(x), float(y))
        for x, y, score in obs.person.keypoints[list(TORSO)]
        if score >= cfg.keypoint_threshold
    ]
    if change is None or not points:
        return True
    found = change(points, MOVED_RADIUS * max(obs.spine.length, 1.0), since)
    return found is None or found >= MOVED_MIN


def found_down(
    cfg: DetectorConfig,
    timestamp: float,
    around: Person | None,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether the reading ``around`` where the person was shows them fallen.

    A confident (``keypoint_threshold``), lying torso whose evidence against the person's
    earlier frames reaches the alert threshold.
    """
    if around is None:
        return False
    there = Observation.of(around, timestamp, cfg.keypoint_threshold)
    if not there.usable or there.spine.score < cfg.keypoint_threshold or not lying(there):
        return False
    best = descent(there)
    return best is not None and best.confidence >= cfg.alert_threshold


def not_a_guess(
    cfg: DetectorConfig,
    obs: Observation,
    since: float,
    previous: Box | None,
    second: SecondReadings,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether a fall seen in ``obs`` (measured against the frame at ``since``) is not a guess.

    It is when the frame changed where the person lies (``moved_there``); else (a reading on
    still furniture) only when the frame cut around the person's ``previous`` box finds them
    down there (``found_down``).
    """
    if moved_there(cfg, obs, since, second.change):
        return True
    if second.around is None or previous is None:
        return False
    return found_down(cfg, obs.timestamp, second.around(previous), descent)
