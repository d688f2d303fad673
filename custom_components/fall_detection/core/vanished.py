"""A standing person the pose model lost: the checker model looks for them on the floor.

After a fall the pose model often finds nobody. Traced on the benchmark's UR Fall clips
(tune split, fall-17 and fall-19): the faller lies at the frame's bottom edge, head towards
the camera and partly out of view, and no pass of the default model (whole frame, turned
frames, the crop around the person) finds a torso, while the checker model (MoveNet Thunder,
``detector.second``) reads the whole frame and finds them lying.

Someone seen standing in the room in one frame and gone in the next walked out of view, is
hidden, or went down. So when the one person tracked stood in the last frame analysed
(``FallDetector.stood_alone``) and this frame has nobody with a measurable torso, the checker
reads the whole frame (``found_lying``). A torso it finds lying clearly, at least
``FOUND_TILT`` from vertical, whose box centre is within the person's standing box grown by
its height to either side and below (a fall lands within about a body length), is taken as
the person in this frame; the detector judges it like any other reading. Anything else found
there (someone upright, a torso slanting less) is ignored: the model that lost the person is
not overruled on a guess.

That reading is the checker's, so the checker's second reading of it (``detector.second``) is
not an independent confirmation: a fall it shows waits for the next frame in a burst, as a
fall seen by the default model alone does (``Check.SEEN_AGAIN`` is not used).

Measured over the four phases of ``benchmarks/phases.py`` (tune split: UR odd clips and Le2i
Coffee_room_01): with the video's frames 298 falls of 328 with 38 false alarms instead of 296
with 38 (UR fall-17 and fall-19, tune split); as JPEG stills of quality 85, unchanged. At
60 degrees (the detector's ``stay_tilt``) two false alarms came with it: a person crouching in
a dim room (UR adl-13, tune split) and one sitting down on a sofa (adl-22), read at 61 and 63
degrees. See ``benchmarks/README.md``, session 20.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from .geometry import spine

if TYPE_CHECKING:
    from .engine import PoseEngine
    from .preprocess import Decoded
    from .types import Box, Person, PoseResult

FOUND_TILT: Final = 70.0
"""Degrees from vertical, at least, of a torso the checker finds where the person was lost."""


def near(standing: Box, person: Person) -> bool:
    """Whether ``person``'s box centre is where someone standing in ``standing`` can land.

    Within the standing box grown by its height to the left, right and below.
    """
    box = person.box
    cx, cy = (box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2
    reach = standing.height
    return (
        standing.xmin - reach <= cx <= standing.xmax + reach
        and standing.ymin <= cy <= standing.ymax + reach
    )


def found_lying(
    checker: PoseEngine,
    decoded: Decoded,
    pose: PoseResult,
    stood: Box | None,
    min_score: float,
) -> PoseResult | None:
    """``pose`` with the person the checker finds lying where someone stood (see the module).

    ``stood``: the box of the person who stood in the last frame (None: nobody to look for).
    None when not looked for (nobody stood, or ``pose`` has someone with a measurable
    torso) or not found.
    """
    if stood is None or any(spine(p, min_score).score >= min_score for p in pose.people):
        return None
    found = []
    for person in checker.estimate(decoded).people:
        torso = spine(person, min_score)
        if torso.score >= min_score and (torso.tilt or 0.0) >= FOUND_TILT and near(stood, person):
            found.append((torso.score, person))
    if not found:
        return None
    _, best = max(found, key=lambda pair: pair[0])
    return replace(pose, people=(best,))
