"""A standing person the pose model lost: the checker model looks for them on the floor.

Without the checker model the pose model itself looks, on the frame mirrored (see the end).

After a fall the pose model often finds nobody. Traced on the benchmark's UR Fall clips
(tune split: fall-17, 19, 23, 25, 27, 29): the faller falls towards the camera and lies at the
frame's bottom edge, head first and partly out of view, and no pass of the default model
(whole frame, turned frames, the crop around the person) finds a torso. The checker model
(MoveNet Thunder, ``detector.second``) finds some of them lying in the whole frame (fall-17,
fall-19), others only in the frame cut around where they stood (fall-27).

Someone seen standing in the room in one frame and gone in the next walked out of view, is
hidden, or went down. So when a person tracked stood in the last frame analysed
(``FallDetector.stood_boxes``) and this frame has nobody with a measurable torso, the checker
reads the whole frame, then, if it finds nobody there, the frame cut to a square
``AROUND_GROW`` (2) times the standing box's longer side around it (``found_lying``). A
person it finds is taken as the one who stood, and judged by the detector like any other
reading, only when (``lying_there``):

- the torso lies clearly: at least ``FOUND_TILT`` (70 degrees) from vertical;
- the box is person-sized: its longer side at least ``FOUND_SIZE`` (0.3) of the standing
  height (a scrap of a sofa cushion is not a body);
- it is where the person can have landed, nearer the camera (``near``): its centre within the
  standing box grown by its height to either side and below, and its bottom at least
  ``FOUND_BELOW`` (0.1) of the standing height below the standing feet. A camera above the
  floor sees the floor nearer to it lower in the image; a faller lost at the bottom edge came
  towards it. Someone sitting down on a sofa beside or behind where they stood, found lying
  on its seat, ends at about the height of their feet or above.

"Nobody" means nobody within ``ELSEWHERE`` (one standing height) of where they stood: a
single-pose model reads the most conspicuous person in the frame, and once the one it followed
lies on the floor that can be someone else. Traced on UR fall-13 (tune split) with the second
frame 0.25 s late: a second person sits at a desk at the room's left, never found while the
faller stood; in the first frame after the fall Lightning reads the seated person, 150 pixels
(1.5 standing heights) from where the faller stood, the tracker takes that reading for the
faller (the only person in view may have moved far while unseen, ``tracking.MAX_REACH``), and
the fall was never raised. Now the checker looks where the faller stood, finds them lying, and
both are passed on: the faller and the seated person, a new track. Over the four phases of
``benchmarks/phases.py`` (falls of 328, false alarms): video frames 303, 30 -> 304, 30; grey
302, 48 -> 303, 48; JPEG stills 302, 43 -> 303, 43; the one clip changed in each is fall-13.
``benchmarks/two_people.py``: 64/82 with 17 -> 64/82 with 18: in an everyday composite of the
report split someone sitting down on the far side of the room was read upright at less than
half their size, which counted as standing, and the checker found them lying on the seat below
that box. Such a fragment is not where someone stood any more (``FallDetector.stood_boxes``,
the size test the controlled lowering uses). Both together: two people 64/82 with 17; grey
303, 47 (a tune split false alarm fewer, UR adl-31); video frames and JPEG stills as above; 16:9
with the room at the sides 283, 50 -> 285, 50 (fall-13), at the centre unchanged.

Since then the look is taken for each person followed who stood, not only while one person is
followed, and a reading where they stood that is not person-sized (under ``FOUND_SIZE`` of
their standing height) is not them: traced on fall-13 with the second frame 0.5 s late, the
seated person is found at 1.5 s, each person is read on a crop around them, and at 2.5 s the
faller's crop holds only a scrap, a box 11 x 5 pixels where they stood 90 pixels tall, which
had kept the checker from looking. Video frames 304, 30 -> 305, 30 (fall-13 at 0.5); grey,
JPEG stills and two people unchanged.

Anything else found there is ignored: the model that lost the person is not overruled on a
guess. The checker made that reading, so its second reading of it (``detector.second``) is no
independent confirmation: a fall it shows waits for the next frame in a burst, as a fall seen
by the default model alone does (no ``Check.SEEN_AGAIN``).

Measured over the four phases of ``benchmarks/phases.py`` (falls of 328, false alarms; tune
split, UR odd clips and Le2i Coffee_room_01, in brackets): video frames 296, 38 (217, 14) ->
304, 37 (223, 14); JPEG stills of quality 85 301, 63 (223, 18) -> 304, 64 (226, 18). Chosen on
the tune split: the whole frame alone at 70 degrees gained UR fall-17 and fall-19 and nothing
else (298, 38 and 301, 63); at 60 degrees it added two false alarms (a person crouching in a
dim room read at 63 degrees, one sitting down on a sofa at 61). The crop added 4 tune falls
in each replay, and with them 5 false alarms in the tune split, sitting down on a sofa (UR
adl-21, adl-23): the person-sized box removed one, the bottom below the feet the rest. See
``benchmarks/README.md``, session 20.

**Without the checker** (an install without its file, which has no download address) the
look is taken by the pose model on the frame mirrored left to right (``mirror.Mirrored``),
whole (turned by 90 degrees too when that shows no torso, as the pose stage reads a frame)
and then cut around where the person stood, with the same tests of what it finds. A
single-pose model reads a mirrored frame with mistakes of its own, as the mirrored second
readings rely on (``core.mirror``): in the benchmark's post-fall frames where the pose stage
found no faller lying (117 of 667, ``benchmarks/pose.py``), the mirrored whole frame found
them lying in 50, crops around where they stood in about 35, Thunder in 25. Traced on UR
fall-27 (tune split): at 3.0 s, the clip's last frame at 1 frame per second, Lightning finds
nobody; mirrored and cut around where the faller stood, it finds them lying at the frame's
bottom edge. Over the four phases of ``benchmarks/phases.py --no-checker`` (falls of 328,
false alarms; tune split in brackets), first the look on the upright frames alone: video
frames 298, 40 (220, 15) -> 304, 39 (224, 15); grey 294, 52 (225, 22) -> 300, 52 (229, 22); JPEG
stills 297, 62 (222, 20) -> 300, 63 (224, 20). Falls gained: UR fall-13, 23, 25, 27, 29, Le2i
Home_02_video_33, 34, 36; Home_02_video_34's early false alarm gone, one JPEG false alarm
added (Home_02_video_48). Then the turned whole frame too (the checker's look reads the whole
frame upright only): UR fall-17 and fall-23 at phase 0 and fall-19 at 0.25 as JPEG stills
(tune split: three falls, no false alarm), and two false alarms in the report split (Le2i
Home_02_video_46 and 49, people sitting down, seen from a ceiling corner): video frames 306,
40 (226, 15), grey 300, 52 (229, 22), JPEG stills 301, 64 (225, 20). With the checker, the same
mirrored look after the checker's own found nothing: tune split unchanged (225, 14), report
split two falls and a false alarm more; not taken (``benchmarks/README.md``, session 31).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from .crops import reading_around
from .detector.second import AROUND_GROW
from .geometry import spine
from .people import near as near_box
from .rotation import MAX_TURNED_TORSO, estimate_upright_or_rotated

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .engine import PoseReader
    from .preprocess import Decoded
    from .types import Box, Person, PoseResult

FOUND_TILT: Final = 70.0
"""Degrees from vertical, at least, of a torso the checker finds where the person was lost."""
FOUND_SIZE: Final = 0.3
"""Share of the standing height, at least, of the longer side of a lying person's box."""
FOUND_BELOW: Final = 0.1
"""Share of the standing height by which a lying person's box reaches below the standing feet."""
ELSEWHERE: Final = 1.0
"""Standing heights between where someone stood and a reading that is someone else."""


def near(standing: Box, person: Person) -> bool:
    """Whether ``person`` lies where someone standing in ``standing`` can land, nearer the camera.

    The box centre within the standing box grown by its height to the left, right and below,
    and the box's bottom at least ``FOUND_BELOW`` of the standing height below the standing
    feet (see the module).
    """
    box = person.box
    cx, cy = box.centre
    reach = standing.height
    return (
        standing.xmin - reach <= cx <= standing.xmax + reach
        and standing.ymin <= cy <= standing.ymax + reach
        and box.ymax >= standing.ymax + FOUND_BELOW * standing.height
    )


def lying_there(people: Iterable[Person], stood: Box, min_score: float) -> Person | None:
    """Of ``people``, the most confident torso that can be the one who stood in ``stood``, lying.

    A torso seen (``min_score``) at least ``FOUND_TILT`` from vertical, ``near`` where they
    stood, in a box whose longer side is at least ``FOUND_SIZE`` of their standing height.
    None when nobody is.
    """
    best, best_score = None, min_score
    for person in people:
        torso = spine(person, min_score)
        if torso.score < best_score or (torso.tilt or 0.0) < FOUND_TILT:
            continue
        if person.box.longer_side >= FOUND_SIZE * stood.height and near(stood, person):
            best, best_score = person, torso.score
    return best


def found_lying(
    reader: PoseReader,
    decoded: Decoded,
    pose: PoseResult,
    stood: Box,
    min_score: float,
    *,
    turned: bool = False,
) -> PoseResult | None:
    """``pose`` with the person the checker finds lying where someone stood (see the module).

    ``reader``: the checker model, or without it the pose model reading mirrored frames
    (``mirror.Mirrored``). ``stood``: the box of a person who stood in the last frame
    (``FallDetector.stood_boxes``). ``turned``: the whole frame is read turned by 90 degrees
    too when it shows no torso, as the pose stage reads it (asked of the mirrored pose model;
    see the module).

    The whole frame first, then the frame cut around ``stood`` (``AROUND_GROW`` times its
    longer side). None when not looked for (``pose`` has someone with a person-sized torso
    within ``ELSEWHERE`` of where they stood) or not found. People ``pose``
    found further away are kept, after the one found lying; a scrap near where they stood is
    dropped.
    """
    measured = tuple(p for p in pose.people if spine(p, min_score).score >= min_score)
    close = [p for p in measured if near_box(p.box, stood, ELSEWHERE)]
    if any(p.box.longer_side >= FOUND_SIZE * stood.height for p in close):
        return None
    # A scrap where they stood (not person-sized) is not them, and nobody else: dropped.
    others = tuple(p for p in measured if all(p is not c for c in close))
    whole = (
        estimate_upright_or_rotated(
            reader, decoded, min_score, min_score, max_turned_torso=MAX_TURNED_TORSO
        )
        if turned
        else reader.estimate(decoded)
    )
    found = lying_there(whole.people, stood, min_score)
    if found is None:
        around = reading_around(reader, decoded, stood, AROUND_GROW, min_score)
        found = lying_there(() if around is None else (around,), stood, min_score)
    # Someone found elsewhere is someone else: kept, beside the one who stood.
    return None if found is None else replace(pose, people=(found, *others))
