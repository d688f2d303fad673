"""A second reading of one person: the same view, mirrored left to right.

MoveNet is not mirror-symmetric: on a mirrored frame it places the keypoints of the same
body a little differently, and a misreading (a seated person's shoulders found beside the
hips, so the torso "lies") is seldom repeated there, while a body that really lies reads
lying both ways. The detector asks for this second reading before it raises a fall seen
in one frame (``detector.fall``); it costs one more inference, only then.

The view is the one the person was found in: the crop around them when the people stage
cut one for them (``PoseResult.crops``: a small person's zoom, or one crop per person when
several are tracked), else the whole frame. A mirrored whole frame would look for a small
person at the model's whole-frame scale, where the zoom had found them.

``checked_reading`` reads the person on the same view with another model (the checker,
``detector.second``), not mirrored: that model's mistakes are its own.

``Mirrored`` reads whole frames and crops mirrored, for the look for a person who was lost
(``core.vanished``) in an install without the checker model: there, too, the mirrored frame
is the second draw that does not repeat the first one's mistakes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from PIL import Image

from .crops import centre_in
from .preprocess import Decoded
from .rotation import MAX_TURNED_TORSO, estimate_upright_or_rotated
from .types import KEYPOINT_NAMES, Box, Person, PoseResult
from .window import cut, to_source

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .engine import PoseEngine, PoseReader


def _mirror_name(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name.removeprefix("left_")
    if name.startswith("right_"):
        return "left_" + name.removeprefix("right_")
    return name


# Keypoint i of a mirrored body is keypoint MIRRORED[i] of the original (left <-> right).
MIRRORED: Final = [KEYPOINT_NAMES.index(_mirror_name(n)) for n in KEYPOINT_NAMES]
SAME_PERSON_IOU: Final = 0.1  # the mirrored reading must overlap the person's box this much


def _view(box: Box, crops: Sequence[Box]) -> Box | None:
    """The crop that holds ``box``'s centre, if any (None: the whole frame)."""
    return next((c for c in crops if centre_in(box, c)), None)


def unmirror(person: Person, width: float) -> Person:
    """``person`` found on a frame ``width`` pixels wide mirrored, mapped back to the frame."""
    kps = person.keypoints[MIRRORED].copy()
    kps[:, 0] = width - kps[:, 0]
    return Person.from_keypoints(kps, person.score)


class Mirrored:
    """A pose model that reads every frame it is given mirrored (a ``PoseReader``).

    The people it finds are mapped back to the frame as given, left and right keypoints
    swapped back: the same body read a second time, with other mistakes.
    """

    def __init__(self, engine: PoseReader) -> None:
        """Read with ``engine``."""
        self.engine = engine

    def estimate(self, image: Decoded) -> PoseResult:
        """Everyone the model finds on ``image`` mirrored, in ``image``'s pixels."""
        width = image.source_size[0]
        view = Decoded(image.image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), image.source_size)
        result = self.engine.estimate(view)
        return replace(result, people=tuple(unmirror(p, width) for p in result.people))


def mirrored_reading(
    engine: PoseEngine,
    decoded: Decoded,
    person: Person,
    min_score: float,
    crops: Sequence[Box] = (),
) -> Person | None:
    """``person`` read again on their view mirrored, in frame pixels; None if not found there."""
    return _read_again(engine, decoded, person, min_score, crops, mirrored=True)


def checked_reading(
    checker: PoseEngine,
    decoded: Decoded,
    person: Person,
    min_score: float,
    crops: Sequence[Box] = (),
) -> Person | None:
    """``person`` read again by another model (``checker``) on the same view, not mirrored.

    The checker's own mistakes are not the first model's, so no mirroring is needed to
    read the person differently (``detector.second``).
    """
    return _read_again(checker, decoded, person, min_score, crops, mirrored=False)


def _read_again(
    engine: PoseEngine,
    decoded: Decoded,
    person: Person,
    min_score: float,
    crops: Sequence[Box],
    *,
    mirrored: bool,
) -> Person | None:
    """Whoever ``engine`` finds on ``person``'s view overlapping them most, in frame pixels."""
    square = _view(person.box, crops)
    if square is not None:
        view, scale = cut(decoded, square)
        x0, y0 = square.xmin, square.ymin
    else:
        view, scale, x0, y0 = decoded, 1.0, 0.0, 0.0
    width = view.source_size[0]
    if mirrored:
        view = Decoded(view.image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), view.source_size)
    result = estimate_upright_or_rotated(
        engine, view, min_score, min_score, max_turned_torso=MAX_TURNED_TORSO
    )
    best, best_iou = None, SAME_PERSON_IOU
    for found in result.people:
        # Mirrored back, still in the view's pixels.
        back = unmirror(found, width) if mirrored else found
        candidate = to_source(back, x0, y0, scale)
        iou = candidate.box.iou(person.box)
        if iou > best_iou:
            best, best_iou = candidate, iou
    return best
