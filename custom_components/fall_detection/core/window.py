"""A 4:3 window around the person followed in a wider frame.

The pose model sees the whole frame letterboxed into its square input, so the wider the
frame, the smaller everyone in it: a 16:9 camera shows a person at 0.75 of the size a 4:3
camera of the same height would, and the detector's rules were tuned on 4:3 footage. The
smaller person is read worse exactly when it matters: traced in a 16:9 framing of Le2i
Coffee_room_01_video_14 (tune split), the faller lying on a mat is read upright, torso 20-30
degrees from vertical, for four seconds, where the 4:3 clip reads the torso lying.

So while one person is followed (``core.people``), a frame wider than ``aspect`` (4:3) is read
on the part of it ``aspect`` times its height wide, centred on where the person was last seen
and kept within the frame (``window_around``): the person at the size a 4:3 camera would show,
with the room's own pixels around them, for the same single pass. If the window finds no
confident torso (the person moved out of it, or is lost), the whole frame is read as before.
The window is one of the frame's crops (``PoseResult.crops``): the second readings of the
person (``core.mirror``) are taken on the same view, and the annotated video outlines it.
Over the four phases of ``benchmarks/phases.py``, the 4:3 clips framed 16:9: 278 -> 295 of 328
fall replays with grey sides, 270 -> 279 and 273 -> 295 with the room at the sides (the clip at
the left or in the centre); false alarms 41 -> 62, 51 -> 48 and 31 -> 54, most of those added
people getting down on the floor on purpose, read lying as in the 4:3 clips. Two clips side by
side (``benchmarks/two_people.py``, 8:3): 54 -> 60 of 82 falls, 21 -> 22 false alarms. See
``benchmarks/README.md``, session 24. With several people followed, each is read on the window
around them (``core.people``; session 25).

The windows have fixed places (``window_places``): from the frame's left edge at steps of a
quarter of a window's width (``WINDOW_STEP``), and one at its right edge; a 16:9 frame has three.
Each person is read in the one that best centres them, so the window moves only when they have
moved about a quarter of its width, not with every pixel their box moves. A window re-centred on
every frame cut the room at another column each time, and the model's keypoints of one pose moved
with the cut: traced in a 16:9 framing of Le2i Coffee_room_01_video_26 (tune split), the faller on
the floor was read with a torso score of 0.33 in one window, 0.25 in the window 5 pixels to the
right and not at all 10 pixels to the right, and the next windows, following those poor readings,
wandered off the faller; the fall was not raised. Chosen on the tune split summed over four wide
framings (the room at the sides with the clip at the left or centre, grey sides, and the 8:3
composites of ``benchmarks/two_people.py``): falls caught and false alarms 695, 82 re-centred;
704, 77 with places a quarter of a window apart; 695, 75 half a window apart (see
``benchmarks/README.md``, session 29). On all clips, quarter steps: 932 -> 948 falls, 176 -> 166
false alarms over the four framings. 4:3 frames are not windowed; the benchmark's own 16:9 clips
(six Le2i Home_02 falls) are, and its video frames give 303 of 328 falls instead of 302, 30 false
alarms as before.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from .preprocess import Decoded
from .rotation import MAX_TURNED_TORSO, estimate_upright_or_rotated
from .types import Box, Person, PoseResult

if TYPE_CHECKING:
    from .engine import PoseEngine

WIDE_MARGIN: Final = 0.05
"""A frame must be this much wider than the window's aspect to be windowed (no sliver windows)."""
WINDOW_STEP: Final = 0.25
"""The fixed windows start this share of their width apart (see the module)."""


def to_source(person: Person, x0: float, y0: float, scale: float) -> Person:
    """Map a person found in a view cut from the frame back to the frame.

    ``scale``: frame pixels per view pixel; ``x0``, ``y0``: the view's corner in the frame.
    """
    kps = person.keypoints.copy()
    kps[:, 0] = kps[:, 0] * scale + x0
    kps[:, 1] = kps[:, 1] * scale + y0
    return Person.from_keypoints(kps, person.score)


def cut(decoded: Decoded, rect: Box) -> tuple[Decoded, float]:
    """The frame cut to ``rect`` (frame pixels) and the view's frame pixels per view pixel.

    Parts past the frame's edge are black.
    """
    width, height = decoded.source_size
    image = decoded.image
    sx, sy = image.width / width, image.height / height
    crop = image.crop(
        (
            round(rect.xmin * sx),
            round(rect.ymin * sy),
            round(rect.xmax * sx),
            round(rect.ymax * sy),
        )
    )
    columns, rows = max(1, round(rect.width)), max(1, round(rect.height))
    return Decoded(crop, (columns, rows)), rect.width / columns


def window_around(size: tuple[int, int], box: Box, aspect: float) -> Box | None:
    """The part of a wide frame ``aspect`` times its height wide that best centres ``box``.

    One of the frame's fixed windows (``window_places``): the one whose left edge is nearest
    to that of the window centred on ``box`` and kept within the frame. None when the frame
    is not wider than ``aspect`` by ``WIDE_MARGIN``, or ``aspect`` is 0 (no window).
    """
    width, height = size
    span = aspect * height
    if aspect <= 0 or height <= 0 or width <= span * (1 + WIDE_MARGIN):
        return None
    centre, _ = box.centre
    centred = min(max(0.0, centre - span / 2), width - span)
    x0 = min(window_places(width, span), key=lambda place: abs(place - centred))
    return Box(x0, 0.0, x0 + span, float(height))


def window_places(width: float, span: float) -> list[float]:
    """Left edges of the fixed windows ``span`` wide in a frame ``width`` wide (see the module).

    From the frame's left edge at steps of ``WINDOW_STEP`` of the window's width, and the last
    at its right edge.
    """
    excess = width - span
    step = WINDOW_STEP * span
    return [k * step for k in range(math.ceil(excess / step))] + [excess]


def estimate_in_window(
    engine: PoseEngine, decoded: Decoded, window: Box, min_score: float
) -> PoseResult:
    """Everyone the pose model finds in ``window`` of the frame, in frame pixels.

    Retried turned by 90 degrees when no torso is confident, as the whole frame is; people
    found only turned are named in ``PoseResult.turned``. ``crops`` holds the window.
    """
    view, scale = cut(decoded, window)
    result = estimate_upright_or_rotated(
        engine, view, min_score, min_score, max_turned_torso=MAX_TURNED_TORSO
    )
    people = tuple(to_source(p, window.xmin, window.ymin, scale) for p in result.people)
    turned = tuple(
        mapped.box
        for found, mapped in zip(result.people, people, strict=True)
        if found.box in result.turned
    )
    width, height = decoded.source_size
    return PoseResult(people, width, height, engine.spec.name, crops=(window,), turned=turned)
