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
(``core.crops.reading_around``). A fall lands within about a body length of where the
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

**The checker model.** The mirrored reading is the first model's again, and it often repeats
that model's misreading. When the caller has a second, more accurate single-pose model (the
catalog's ``checker``, MoveNet Thunder int8; ``SecondReadings.independent``), that model makes
both readings instead, unmirrored: its mistakes are its own. The veto rules stay as above. And
when the checker's reading itself shows the fall (``seen_again``: a torso it sees, whose
evidence against the person's earlier frames reaches the alert threshold), the fall is raised
on this frame even in a burst, as if the burst's next frame had agreed (``Check.SEEN_AGAIN``):
two models agreeing on one frame are as good a check as one model on two frames, and a fall at
the very end of what the camera saw is not lost waiting. Over the four phases of
``benchmarks/phases.py``, against the mirrored Lightning readings: video frames 296 falls with
38 false alarms instead of 295 with 42 (tune split 217 with 14 instead of 218 with 15), JPEG
stills of quality 85 301 with 63 instead of 297 with 65, in a 16:9 frame 270 with 44 instead
of 254 with 47; shown twice as small (``--wider 2``, people zoomed on) 278 with 75 instead of
273 with 66, where both models misread the same crop. Tried, not landed (video frames):
without the early raise, 293 with 36; the checker trusted at any confidence, 295 with 36 but a
tune-split fall fewer (216); Lightning's mirrored reading or its crop around the person as the
early raise's second sighting, 295 with 47 and 296 with 48 (its misreadings are Lightning's
again). See ``benchmarks/README.md``, session 19.

**A guess on the turned frame needs the checker.** When the upright pass finds no torso the
whole frame is read turned by 90 degrees (``core.rotation``), and there the model sometimes
strings a "person" across a sofa, a table and the floor: a reading that lies, as long as the
room is wide. With the checker loaded, a descent seen in such a reading (``turned``: the
boxes ``PoseResult.turned`` names) is raised only if the checker finds someone there too; if
it finds nobody, the reading was a guess on furniture and the descent is vetoed. A person
really lying is found by the checker too in most frames (UR fall-14). Over the four phases
of ``benchmarks/phases.py``, video frames 304 falls with 37 false alarms -> 299 with 32, JPEG
stills of quality 85 304 with 64 -> 302 with 44, ``--wider 2`` 278 with 75 -> 278 with 74,
16:9 272 with 43 -> 268 with 41. Six of the eleven falls no longer caught had been "caught"
by such a guess strung across the room beside the faller (Le2i Home_02_video_33 and 35);
the others lie at the frame's bottom edge, where the checker does not find them on the whole
frame either (UR fall-19, 25, 27). Not landed: waiting for the next frame instead of vetoing
(garbage repeats: JPEG 61 false alarms), accepting the checker's reading of the crop around
where the person was as a confirmation (it strings guesses too: video 37), and dropping such
guesses from the pose stage altogether (295 and 297 falls). See ``benchmarks/README.md``,
session 21.

**Upright in the image, but on the floor.** Both vetoes read "no descent" in a second reading
whose torso stands up in the image. Someone lying along the axis of a camera high in a corner,
head away from it, or sitting up on the floor after a fall, shows such a torso too: traced on Le2i
Coffee_room_01_video_31 (tune split), the faller lies on a mat with the feet towards the camera,
the default model reads the torso across the image (lying) and the checker, rightly for the
image, 4 to 40 degrees from vertical, so the fall was vetoed in six frames in a row and never
raised. What tells the floor from a seat is how low the hips are: a chair's seat is about a torso
length below standing hips, the floor about two. So a second reading whose hips are
``FLOOR_HIPS`` torso lengths or more below the person's frames 1 to 4 s before (``drop``, the
lowest of those comparisons) vetoes nothing, however upright its torso. Tuned on the tune split
over the four phases of ``benchmarks/phases.py``: 1.0 added a false alarm there, 1.4 none.
Reported on all clips, falls of 328 and false alarms: video frames 299, 32 -> 301, 32; JPEG
stills of quality 85 302, 44 -> 303, 45; ``--wider 2`` 278, 74 -> 279, 74; 16:9 268, 41 ->
272, 41; grey 293, 50 -> 296, 50 (see ``benchmarks/README.md``, session 23).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final

from .features import FLOOR_DROP, Evidence, Observation

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types import Box, Person
    from .config import DetectorConfig

AGREES: Final = 0.5  # share of the alert threshold the second reading's evidence must reach
AROUND_GROW: Final = 2.0  # the crop around the previous box, times its longer side
FLOOR_HIPS: Final = FLOOR_DROP[0]
"""Torso lengths (1.4): a second reading with the hips this far below the person's earlier frames
is down, however upright its torso looks, and vetoes nothing (see the module). The same depth at
which ``features.on_the_floor`` starts counting an upright-looking body as down."""


class Check(Enum):
    """What the second readings of a frame say of a descent seen in it (``stands``)."""

    VETOED = "vetoed"
    """A second reading shows no fall: the descent is not raised."""
    STANDS = "stands"
    """No second reading contradicts it: raised as the rules say (a burst waits for its
    next frame)."""
    SEEN_AGAIN = "seen_again"
    """The checker model saw the fall in this frame too: raised at once, as if the burst's
    next frame had shown it (``seen_again``)."""


@dataclass(frozen=True, slots=True)
class SecondReadings:
    """Readings of the current frame the detector asks for before it raises a descent."""

    again: Callable[[Person], Person | None]
    """The person read again: on their view mirrored left to right (``core.mirror``), or by
    the checker model (``independent``)."""
    around: Callable[[Box], Person | None] | None = None
    """Who the frame cut around a box shows (``core.crops.reading_around``)."""
    independent: bool = False
    """``again`` is another model's reading, whose mistakes are not the first model's."""
    turned: tuple[Box, ...] = ()
    """The boxes of the people found only on the whole frame turned by 90 degrees
    (``PoseResult.turned``): guesses until the checker sees them too (``stands``)."""


Reading = tuple[Observation, Evidence | None]
"""A second reading measured, with its evidence against the person's earlier frames."""

type Drop = Callable[[Observation], float]
"""How far (torso lengths) an observation's hips are below the person's earlier frames, at most."""


def hips_on_the_floor(drop: Drop | None, reading: Observation) -> bool:
    """Whether ``reading``'s hips are ``FLOOR_HIPS`` or more below the person's earlier frames."""
    return drop is not None and drop(reading) >= FLOOR_HIPS


def measured(
    cfg: DetectorConfig,
    timestamp: float,
    second: Person | None,
    descent: Callable[[Observation], Evidence | None],
) -> Reading | None:
    """``second`` measured at ``timestamp`` and its evidence; None without a measurable torso.

    ``descent``: the evidence of an observation against the person's earlier frames.
    """
    if second is None:
        return None
    again = Observation.of(second, timestamp, cfg.keypoint_threshold)
    if not again.usable:
        return None
    return again, descent(again)


def confirms(
    cfg: DetectorConfig, obs: Observation, reading: Reading | None, drop: Drop | None = None
) -> bool:
    """Whether a descent seen in ``obs`` stands against the second ``reading`` of its frame.

    ``drop``: a reading this low (``hips_on_the_floor``) confirms it, however upright its torso.
    """
    if reading is None:
        return True  # nobody found on the second view: no contradiction
    again, best = reading
    if again.spine.score < max(cfg.keypoint_threshold, obs.spine.score):
        return True  # a weaker reading does not overrule
    if best is not None and best.confidence >= AGREES * cfg.alert_threshold:
        return True
    return hips_on_the_floor(drop, again)


def confirmed(
    cfg: DetectorConfig,
    obs: Observation,
    second: Person | None,
    descent: Callable[[Observation], Evidence | None],
) -> bool:
    """Whether a descent seen in ``obs`` stands against the ``second`` reading of its frame."""
    return confirms(cfg, obs, measured(cfg, obs.timestamp, second, descent))


def contradicted(
    cfg: DetectorConfig,
    timestamp: float,
    around: Person | None,
    descent: Callable[[Observation], Evidence | None],
    drop: Drop | None = None,
) -> bool:
    """Whether the reading ``around`` where the person was shows them still up.

    An upright, confident torso there (``keypoint_threshold``) whose evidence against the
    person's earlier frames is under ``AGREES`` of the alert threshold. Nobody found, or
    something found lying (the crop can string a guess across furniture too), does not count,
    nor does an upright torso with the hips on the floor (``hips_on_the_floor``, with ``drop``).
    """
    if around is None:
        return False
    there = Observation.of(around, timestamp, cfg.keypoint_threshold)
    if not there.upright or there.spine.score < cfg.keypoint_threshold:
        return False
    if hips_on_the_floor(drop, there):
        return False
    best = descent(there)
    return best is None or best.confidence < AGREES * cfg.alert_threshold


def seen_again(cfg: DetectorConfig, reading: Reading | None) -> bool:
    """Whether the checker's ``reading`` shows the fall itself (see the module).

    A torso seen (``keypoint_threshold``) whose evidence against the person's earlier frames
    reaches the alert threshold.
    """
    if reading is None:
        return False
    again, best = reading
    return (
        again.spine.score >= cfg.keypoint_threshold
        and best is not None
        and best.confidence >= cfg.alert_threshold
    )


def stands(
    cfg: DetectorConfig,
    obs: Observation,
    previous: Box | None,
    second: SecondReadings,
    descent: Callable[[Observation], Evidence | None],
    drop: Drop | None = None,
) -> Check:
    """What the ``second`` readings of its frame say of a descent seen in ``obs``.

    Read again (``confirmed``), then around the person's ``previous`` box (``contradicted``);
    a checker model's reading that shows the fall too (``seen_again``) raises it at once.
    ``drop``: how low a reading's hips are against the person's earlier frames; a reading on
    the floor vetoes nothing (``hips_on_the_floor``).
    """
    reading = measured(cfg, obs.timestamp, second.again(obs.person), descent)  # measured once
    if second.independent and reading is None and obs.person.box in second.turned:
        return Check.VETOED  # a guess on the turned frame that the checker does not see
    if not confirms(cfg, obs, reading, drop):
        return Check.VETOED
    around = None if second.around is None or previous is None else second.around(previous)
    if contradicted(cfg, obs.timestamp, around, descent, drop):
        return Check.VETOED
    if second.independent and seen_again(cfg, reading):
        return Check.SEEN_AGAIN
    return Check.STANDS
