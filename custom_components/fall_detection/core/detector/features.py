"""Per-frame body measurements and the evidence that one frame shows a fall after another.

All lengths are normalised by the person's torso length (shoulder-mid to
hip-mid), so the rules hold for people near or far from the camera.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from ..geometry import Spine, head_y, hip_y, shoulder_y, spine
from .ambianic import leaning_angle

if TYPE_CHECKING:
    from ..types import Person

UPRIGHT_TILT: Final = 35.0  # degrees from vertical
UPRIGHT_HEAD_ABOVE_HIP: Final = 0.9  # torso lengths
RECOVERED_TORSO: Final = 0.7  # torso at least this share of its upright length again
RECOVERED_DROP: Final = 0.6  # head and hips within this many torso lengths of upright
# Box height against the upright posture: below 0.3 the body is foreshortened (lying along the
# camera axis), above 0.45 it is sitting, kneeling or bending (see ``down_score``).
COMPACT_BOX: Final = (0.3, 0.45)
# A body on the floor that the image shows upright (``on_the_floor``): hips this many torso
# lengths below the upright frame (ramp), box and torso at most these shares of the upright ones.
FLOOR_DROP: Final = (1.4, 2.0)
FLOOR_BOX: Final = 0.5
FLOOR_TORSO: Final = 0.7


def ramp(value: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


@dataclass(frozen=True, slots=True)
class Observation:
    """What one analysed frame shows of one person."""

    timestamp: float
    person: Person
    spine: Spine
    head: float | None
    hip: float | None
    shoulder: float | None

    @classmethod
    def of(cls, person: Person, timestamp: float, min_score: float) -> Observation:
        """Measure ``person``."""
        return cls(
            timestamp,
            person,
            spine(person, min_score),
            head_y(person, min_score),
            hip_y(person, min_score),
            shoulder_y(person, min_score),
        )

    @property
    def usable(self) -> bool:
        """Whether the torso was seen well enough to measure."""
        return self.spine.tilt is not None and self.hip is not None

    @property
    def top(self) -> float | None:
        """Highest confident point of the upper body: head, else shoulders."""
        return self.head if self.head is not None else self.shoulder

    def head_above_hip(self, torso: float) -> float | None:
        """Height of the head (or shoulders) above the hips, in torso lengths."""
        if self.top is None or self.hip is None or torso <= 0:
            return None
        return (self.hip - self.top) / torso

    @property
    def upright(self) -> bool:
        """Torso near vertical and head well above hips, as seen in the image.

        A person lying towards the camera can look like this too (torso
        foreshortened); ``back_up`` also checks the height against a reference.
        """
        tilt, above = self.spine.tilt, self.head_above_hip(self.spine.length)
        return tilt is not None and tilt < UPRIGHT_TILT and (above or 0) >= UPRIGHT_HEAD_ABOVE_HIP

    def back_up(self, reference: Observation) -> bool:
        """Upright again, at about the height of ``reference`` (an earlier upright posture)."""
        if not self.upright:
            return False
        torso = max(reference.spine.length, 1.0)
        if self.spine.length < RECOVERED_TORSO * reference.spine.length:
            return False
        if self.top is None or reference.top is None or self.hip is None or reference.hip is None:
            return True
        return (
            self.top - reference.top < RECOVERED_DROP * torso
            and self.hip - reference.hip < RECOVERED_DROP * torso
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """How strongly ``after`` shows a fall that happened since ``before``.

    ``confidence`` is in [0, 1]: the product of "now down" (lying, head near hip
    level, or torso foreshortened), "hips went lower" and "torso turned or head
    dropped". Keypoint visibility is reported apart, not mixed in.
    """

    confidence: float
    leaning_angle: float
    head_drop: float
    hip_drop: float
    down: float
    visibility: float
    seconds: float
    reference: Observation


def down_score(before: Observation, after: Observation) -> float:
    """How much ``after`` looks like a person down on the floor or bed (0-1).

    Lying across the image (torso tilted) counts as it is. A torso that still stands up in the
    image (tilt under 40 degrees) with the head near hip level or a shortened torso is either
    someone lying along the camera's axis (foreshortened) or someone sitting, kneeling or
    bending. Foreshortening shrinks the whole body, legs included, to a small part of its
    upright height; sitting or kneeling keeps about half of it or more. So those two signs
    count only as far as the body's box has become compact against the upright posture
    (``COMPACT_BOX``).
    """
    torso = max(before.spine.length, after.spine.length)
    tilt = after.spine.tilt or 0.0
    lying = ramp(tilt, 40.0, 70.0)
    above = after.head_above_hip(torso)
    head_low = 0.0 if above is None else 1.0 - ramp(above, 0.4, 0.9)
    shrink = 0.0
    if before.spine.length > 0 and before.upright:
        shrink = ramp(1.0 - after.spine.length / before.spine.length, 0.4, 0.7)
    compact = 1.0
    if before.upright and before.person.box.height > 0:
        ratio = after.person.box.height / before.person.box.height
        compact = 1.0 - ramp(ratio, *COMPACT_BOX)
    return max(lying, max(head_low, shrink) * max(compact, lying))


def evidence(before: Observation, after: Observation) -> Evidence:
    """Compare two observations of the same person."""
    torso = max(before.spine.length, after.spine.length, 1.0)
    tilt_before, tilt_after = before.spine.tilt or 0.0, after.spine.tilt or 0.0
    angle = leaning_angle(before.spine, after.spine) if tilt_after > tilt_before else 0.0
    head_drop = (
        (after.top - before.top) / torso
        if after.top is not None and before.top is not None
        else 0.0
    )
    hip_drop = (
        (after.hip - before.hip) / torso
        if after.hip is not None and before.hip is not None
        else 0.0
    )
    down = down_score(before, after)
    return Evidence(
        confidence=_confidence(down, hip_drop, angle, head_drop),
        leaning_angle=angle,
        head_drop=head_drop,
        hip_drop=hip_drop,
        down=down,
        visibility=(before.spine.score + after.spine.score) / 2,
        seconds=after.timestamp - before.timestamp,
        reference=before,
    )


def _confidence(down: float, hip_drop: float, angle: float, head_drop: float) -> float:
    """Now down, times hips lower, times torso turned or head dropped (``Evidence``)."""
    turned_or_dropped = max(ramp(angle, 40.0, 70.0), ramp(head_drop, 0.6, 1.4))
    return down * ramp(hip_drop, 0.1, 0.5) * turned_or_dropped


def on_the_floor(before: Observation, after: Observation, hip_drop: float) -> float:
    """How much ``after`` looks like a body on the floor that the image shows upright (0-1).

    Someone lying along the axis of a camera high in a corner, head away from it, shows a
    torso upright in the image: ``down_score`` sees no lying torso and, with the head not low
    against that torso, nothing down. Three signs together tell them from someone who still
    stands, sits or crouches: the box at most ``FLOOR_BOX`` of the upright one (lying along the
    axis is seen end on), the torso at most ``FLOOR_TORSO`` of its upright length (foreshortened:
    seated, crouching or kneeling, the torso keeps its length) and the hips ``FLOOR_DROP`` torso
    lengths below the upright frame (ramped: a seat is about one below, the floor about two).
    Traced in 16:9 on Le2i Coffee_room_01_video_02 (tune split): the faller read upright, hips
    1.8-2.4 torso lengths down, for 4 s, and never raised. Over the four phases of
    ``benchmarks/phases.py``: 16:9 272 -> 278 falls of 328, ``--wider 2`` 279 -> 282, video
    frames 301 -> 302, grey 296 -> 297, without the checker 296 -> 297, JPEG stills 303, false
    alarms unchanged in each; all gains in the tune split. Without the torso condition a sofa
    on the far side of a ceiling corner's room (hips 2.4 torso lengths down, torso whole) was
    raised (``benchmarks/README.md``, session 23).
    """
    if not before.upright or before.person.box.height <= 0 or before.spine.length <= 0:
        return 0.0
    if after.person.box.height > FLOOR_BOX * before.person.box.height:
        return 0.0
    if after.spine.length > FLOOR_TORSO * before.spine.length:
        return 0.0
    return ramp(hip_drop, *FLOOR_DROP)


def descent_evidence(before: Observation, after: Observation) -> Evidence:
    """``evidence``, with a body on the floor that the image shows upright counted as down.

    The fall detector's descent (``fall``) and the second readings of it (``second``) use this;
    the other rules and the classifier's features keep ``evidence`` (``on_the_floor``).
    """
    ev = evidence(before, after)
    floor = on_the_floor(before, after, ev.hip_drop)
    if floor <= ev.down:
        return ev
    confidence = _confidence(floor, ev.hip_drop, ev.leaning_angle, ev.head_drop)
    return replace(ev, down=floor, confidence=confidence)
