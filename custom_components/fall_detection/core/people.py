"""Several people in view with a single-pose model: one crop per tracked person.

A single-pose model (MoveNet Lightning, the default) reports one person per pass: with two
people in view it follows whichever it finds first, or mixes their keypoints, and each
person is small in the frame. Measured on the benchmark's fall clips placed side by side
with an everyday clip of the same room (so a second person is always in view), the
whole-frame pass caught 32 of 82 falls; with this module 51, with no more false alarms
(``benchmarks/two_people.py``, 2026-12-02); since a new person who moves is followed at a
lower score, 55 against the whole frame's 30 (2026-12-03).

How it works, per frame (``estimate_people``):

- Nobody tracked in the last ``recent_seconds``: the whole frame, as always (retried
  turned by 90 degrees when no torso is confident). An empty room costs what it did.
- One person tracked: the whole frame finds them (in a frame wider than 4:3, the 4:3 window
  around them, ``window``; the whole frame when the window finds nobody). Then a
  *discovery* pass runs on the whole frame with that person's box greyed out (in the
  model's input: one more inference);
  whoever it finds with a confident torso (``new_person_score``, stricter than for a
  tracked person: nobody is invented on furniture) is a second person. So is someone found
  less confidently (``moving_person_score``) whose box *moved* since a second before
  (``moved_grey``: furniture does not move; see ``stills``), well away from the people
  already followed. In the composites of ``benchmarks/two_people.py`` a second person is
  often small and scores under 0.4; with this, 55 of 82 falls instead of 47, 16 false
  alarms instead of 15 (tune split 49/60 instead of 41/60, 8 instead of 7); the clips with
  one person alert as before.
- Two or more tracked: each gets their own pass on a square crop around their last box
  (``crop_grow`` times its longer side, so a fall of one body length stays inside; ``crops``),
  retried turned by 90 degrees when no torso is confident; then the discovery pass with all of
  them greyed out. Crops reaching past the frame's edge are padded black. In a frame wider
  than ``window_aspect`` each is read on the 4:3 window around them instead, as one person
  alone is (``window``): the rules were tuned on people read with a room around them, and a
  tight crop changes which sitting and crouching frames look like falls. The crop is still
  read for someone whose window shows nobody confident within that crop (they moved, or the
  model followed the other person there) or only someone already found. On the 8:3
  composites of ``benchmarks/two_people.py``: 60 of 82 falls with 22 false alarms -> 60 with
  17 (tune split 45 -> 46 falls, 10 -> 8 false alarms); one person framed 16:9 over the four
  phases of ``benchmarks/phases.py``: 279 of 328 falls, 48 -> 51 false alarms with the room
  at the sides, 295 and 62 -> 295 and 62 with grey sides (``benchmarks/README.md``, session
  25).

The discovery pass runs at most once per ``discover_seconds`` (the caller decides: the frame
pipeline asks for it once per second, so the 5 frames per second of a burst, spent on the
people already tracked, do not pay for it five times).

With one person in view this costs two passes per frame instead of one. For one person of
ordinary size, cropping around the last position changed which clips alerted in both
directions and added false alarms (see ``benchmarks/README.md``), so they keep the
whole-frame pass. A *small* one gets a crop instead (``zoom_square``):

- **Zoom on a small person.** The model sees the whole frame at its input size (192 pixels
  for Lightning), so someone far away in a wide or high-resolution view is a few dozen pixels
  tall there and their keypoints fall apart, most of all once they are down. When the one
  tracked person, standing, was less than ``zoom_below`` of the model's input pixels tall
  (48: a quarter of it), their pass runs on a square crop of the frame ``zoom_grow`` (2) times
  their size around their last box, at the frame's full resolution; if the crop finds no
  confident torso, the whole frame as always. The size is their biggest upright box of the
  last seconds they were seen upright (``detector.rules.TrackState.upright_size``), which a
  fall or one poor frame does not shrink and which follows them across the room. Measured on
  the benchmark with every frame placed in a grey frame two or three times as wide and tall
  (as a camera of that much more resolution and field of view sees the room; ``accuracy.py
  --wider``): 42 and 18 of 82 falls without the zoom, 60 and 69 with it (67 and 71 since the
  size follows the person, 2026-12-03). At the benchmark's own size few
  people are that small (the far side of the Le2i rooms): one more fall caught, no false
  alarm added. With a second person in view (``benchmarks/two_people.py``) it costs 4 of 52
  falls and saves 5 of 26 false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .crops import MIN_CROP, centre_in, centred, crop_square, estimate_in_crop
from .engine import Prepared
from .geometry import spine
from .preprocess import mean_colour
from .rotation import MAX_TURNED_TORSO, estimate_upright_or_rotated
from .types import Box, Person, PoseResult
from .window import estimate_in_window, window_around

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .engine import PoseEngine
    from .preprocess import Decoded

SAME_PERSON_IOU: Final = 0.3  # a discovered person overlapping a found one this much is them


@dataclass(frozen=True, slots=True)
class PeopleConfig:
    """How tracked people are cropped and new people discovered."""

    recent_seconds: float = 2.0
    crop_grow: float = 1.6
    mask_grow: float = 0.15
    new_person_score: float = 0.4
    moving_person_score: float = 0.2
    """A new person who moved, away from everyone followed, needs only this torso score."""
    moved_grey: float = 10.0
    """Mean grey change (0-255) over a new person's box since ``moved_since`` that is motion."""
    moved_since: float = 1.0
    """Seconds back to the frame a new person's box is compared with."""
    apart: float = 1.0
    """A moving new person's box keeps this many times the longer side of each followed
    person's box away from it (a part of someone followed is not someone new)."""
    max_people: int = 4
    discover_seconds: float = 1.0
    zoom_below: float = 48.0
    """Model-input pixels: a person standing less tall than this gets a crop (0: never)."""
    zoom_grow: float = 2.0
    window_aspect: float = 4 / 3
    """In a frame wider than this (width / height) each person followed is read on a window of
    this aspect around them (``window``; 0: never)."""


DEFAULT_PEOPLE: Final = PeopleConfig()


def zoom_square(
    size: tuple[int, int], box: Box, upright: float | None, scale: float, cfg: PeopleConfig
) -> Box | None:
    """The crop for the one tracked person when they are small for the model (see module).

    ``size``: the frame (width, height); ``box``: the person's last box; ``upright``: the
    longer side of their biggest upright box (None when never seen upright); ``scale``:
    model-input pixels per frame pixel on the whole frame. None when no crop is needed.
    """
    if upright is None or upright * scale >= cfg.zoom_below:
        return None
    return centred(box, max(box.longer_side, upright, MIN_CROP * min(size)) * cfg.zoom_grow)


def estimate_people(
    engine: PoseEngine,
    decoded: Decoded,
    tracked: Sequence[Box],
    min_score: float,
    config: PeopleConfig | None = None,
    *,
    discover: bool = True,
    sizes: Sequence[float | None] = (),
    moved: Callable[[Box], float | None] | None = None,
) -> PoseResult:
    """Everyone in the frame, given the boxes of the people tracked recently (see module).

    ``discover``: also look for people not tracked yet (the discovery pass). ``sizes``: of
    the tracked people, in the same order, the longer side of their biggest upright box
    (None when never seen upright): one person is zoomed on when small (``zoom_square``).
    """
    cfg = config or PeopleConfig()
    width, height = decoded.source_size
    crops: tuple[Box, ...] = ()
    turned: tuple[Box, ...] = ()  # found on the whole frame turned (``PoseResult.turned``)
    if len(tracked) >= 2:  # noqa: PLR2004 - several people: a pass each
        found, crops, turned = _each_followed(engine, decoded, tracked, min_score, cfg)
    else:
        zoomed = None
        if len(tracked) == 1:
            spec = engine.spec
            scale = min(spec.input_width / width, spec.input_height / height)
            upright = sizes[0] if sizes else None
            zoom = zoom_square((width, height), tracked[0], upright, scale, cfg)
            if zoom is not None:
                crops = (zoom,)
                zoomed = estimate_in_crop(engine, decoded, zoom, min_score)
        if zoomed is not None:
            found = [zoomed]
        else:
            # Not zoomed on: the window around them in a wide frame, else the whole frame.
            around = tracked[0] if tracked and not crops else None
            whole = _window_or_whole(engine, decoded, around, min_score, cfg)
            if not tracked:
                return whole
            crops = whole.crops or crops
            found = [p for p in whole.people if spine(p, min_score).score >= min_score]
            turned = tuple(p.box for p in found if p.box in whole.turned)
    if discover and (found or len(tracked) >= 2) and len(found) < cfg.max_people:  # noqa: PLR2004
        found += _discover(engine, decoded, found, min_score, cfg, moved, tracked)
    return PoseResult(tuple(found), width, height, engine.spec.name, crops=crops, turned=turned)


def _each_followed(
    engine: PoseEngine,
    decoded: Decoded,
    tracked: Sequence[Box],
    min_score: float,
    cfg: PeopleConfig,
) -> tuple[list[Person], tuple[Box, ...], tuple[Box, ...]]:
    """A pass for each of several people followed: found, the views read, found turned.

    In a frame wider than ``window_aspect`` each is read on the window around them, as one
    person alone is (``window``); the square crop instead when the window shows nobody
    within that crop (the model followed someone else there) or someone already found. In
    other frames, and for them, the square crop around their last box (``crop_square``).
    """
    size = decoded.source_size
    found: list[Person] = []
    views: list[Box] = []
    turned: list[Box] = []
    read: dict[Box, PoseResult] = {}  # two people near a frame's edge can share one window

    def new(person: Person) -> bool:  # side by side, two views can hold both people
        return all(person.box.iou(q.box) <= SAME_PERSON_IOU for q in found)

    for box in tracked[: cfg.max_people]:
        square = crop_square(size, box, cfg.crop_grow)
        window = window_around(size, box, cfg.window_aspect)
        if window is not None:
            if window not in read:
                read[window] = estimate_in_window(engine, decoded, window, min_score)
            inside = read[window]
            person = next(
                (
                    p
                    for p in inside.people
                    if spine(p, min_score).score >= min_score and centre_in(p.box, square)
                ),
                None,
            )
            if person is not None and new(person):
                found.append(person)
                views.append(window)
                if person.box in inside.turned:
                    turned.append(person.box)
                continue
        views.append(square)
        person = estimate_in_crop(engine, decoded, square, min_score)
        if person is not None and new(person):
            found.append(person)
    return found, tuple(views), tuple(turned)


def _window_or_whole(
    engine: PoseEngine, decoded: Decoded, around: Box | None, min_score: float, cfg: PeopleConfig
) -> PoseResult:
    """The frame read on the window around the person followed, or whole.

    The window (``window``) when the frame is wider than ``window_aspect`` and a torso is
    found there; ``around``: the person's last box (None: the whole frame).
    """
    window = (
        None if around is None else window_around(decoded.source_size, around, cfg.window_aspect)
    )
    if window is not None:
        inside = estimate_in_window(engine, decoded, window, min_score)
        if any(spine(p, min_score).score >= min_score for p in inside.people):
            return inside
    return estimate_upright_or_rotated(
        engine, decoded, min_score, min_score, max_turned_torso=MAX_TURNED_TORSO
    )


def near(box: Box, other: Box, reach: float) -> bool:
    """Whether ``box`` touches ``other`` grown by ``reach`` times its longer side each way."""
    grow = reach * other.longer_side
    return (
        box.xmin <= other.xmax + grow
        and other.xmin - grow <= box.xmax
        and box.ymin <= other.ymax + grow
        and other.ymin - grow <= box.ymax
    )


def _discover(
    engine: PoseEngine,
    decoded: Decoded,
    found: Sequence[Person],
    min_score: float,
    cfg: PeopleConfig,
    moved: Callable[[Box], float | None] | None = None,
    tracked: Sequence[Box] = (),
) -> list[Person]:
    """People in the frame with ``found`` greyed out, confident enough to be someone new.

    The boxes are filled in the model's input tensor (the frame already scaled to the
    model's size) with the frame's mean value, which costs next to nothing. Someone new
    needs a torso score of ``new_person_score``, or of ``moving_person_score`` when their
    box moved (``moved``: its grey change since ``moved_since`` seconds before, from
    ``stills``) and keeps ``apart`` body lengths from everyone followed (``tracked``) or
    found: where a followed person walked or fell the pixels changed too, and a leg or
    arm read as a "person" there is part of them.
    """
    prepared = engine.prepare(decoded)
    tensor, lb = prepared.tensor.copy(), prepared.letterbox
    fill = mean_colour(tensor[0, : lb.content_h, : lb.content_w])
    sx, sy = lb.content_w / lb.src_w, lb.content_h / lb.src_h
    for person in found:
        b = person.box
        gw, gh = cfg.mask_grow * b.width, cfg.mask_grow * b.height
        left, top = max(0, int((b.xmin - gw) * sx)), max(0, int((b.ymin - gh) * sy))
        right = min(lb.content_w, int((b.xmax + gw) * sx) + 1)
        bottom = min(lb.content_h, int((b.ymax + gh) * sy) + 1)
        tensor[0, top:bottom, left:right] = fill
    people = engine.decode(engine.infer(Prepared(tensor, lb, decoded)), lb)

    def new(person: Person) -> bool:
        score = spine(person, min_score).score
        if score >= cfg.new_person_score:
            return True
        if score < cfg.moving_person_score or moved is None:
            return False
        if any(near(person.box, b, cfg.apart) for b in (*tracked, *(q.box for q in found))):
            return False
        change = moved(person.box)
        return change is not None and change >= cfg.moved_grey

    return [p for p in people if all(p.box.iou(q.box) <= SAME_PERSON_IOU for q in found) and new(p)]
