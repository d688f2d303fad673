"""Falls seen from staying down rather than from one descent: per-track state and two rules.

``features.evidence`` judges one frame against an earlier one. Two kinds of fall slip
through it, and these rules catch them from how the person *stays*:

- ``slow_fall``: a slide to the floor that takes longer than the 10 s window; the hips end
  clearly lower than in the person's highest upright posture of the last minute, and stay
  there for ``slow_down_seconds``.
- ``stayed_down``: a fall the descent evidence scores near zero because the hips hardly
  move in the image. From a camera high in a corner (Le2i), someone falling away from or
  towards the camera lands where they stood: the hips keep their image height while the
  torso swings from upright to lying. The torso turning from an upright posture of the last
  10 s by at least ``stay_turn`` degrees, then lying (``stay_tilt`` from vertical) for
  ``stay_seconds`` (at least three frames; see ``lying_run``), is the evidence instead, unless the
  legs still stand in any of those frames (ankles confidently a torso length or more below
  the hips): that is someone bending over, tying shoes or picking something up. The torso
  length is the longest upright one of those 10 s, the least foreshortened view of the person
  (the upright frame the torso turned from shrank as the faller walked away from a ceiling
  camera, and their legs stretched out towards it then looked standing: tune split over the
  four phases of ``accuracy.py --phase``, 3 falls more, no false alarm more). Sitting
  does not keep the torso horizontal; lying down on purpose does, and is scored as a false
  alarm by the benchmark either way (tuned on the tune split: +2 falls, no false alarm;
  1.5 s instead of 2 s since 2026-12-02: one more tune fall whose clip ends 1.8 s after
  the turn, no alert changed anywhere else). Nor is it raised when the last upright posture
  before lying was *seated* (``seated``: knees at about hip height): someone who sat on a
  sofa or bed and lay back keeps the hips on the seat, and a fall from a chair drops the
  hips, which the descent sees (tune split: one false alarm fewer, no fall lost). Unless the
  person stood at most ``THROUGH_SEAT`` (1 s) before lying (``through_seat``: standing as
  ``lowering.last_standing`` tells it, hips near their highest, not a crouch read upright):
  that seated-looking frame is a fall caught on its way down by a burst, the knees at hip
  height for a moment (traced on Le2i Home_02_video_31 at the fourth frame phase, report
  split: standing at 8.17 s, "seated" at 8.38 s, lying across from 8.58 s, hips at the same
  image height, never raised). Sitting on a bed and lying back takes longer (UR adl-36:
  standing, seated a second later, lying a second after that). Over the four phases of
  ``benchmarks/phases.py``: video frames 301 -> 302 falls of 328, 16:9 with the room at the
  sides 279 -> 280, grey and JPEG stills unchanged, false alarms unchanged in each; the tune
  split unchanged; 0.6 s or 1.5 s give the same (``benchmarks/README.md``, session 28).
- ``bending``: not a fall. A descent that ends with the legs still standing below the hips
  and the hips less than half a torso length lower than before is someone bending over to
  pick something up (tune split: one false alarm fewer, no fall lost, also none with a second
  person in view; without the hip condition this veto lost a fall seen from a ceiling corner
  with the feet towards the camera, where the ankles are well below the hips too).
- ``lowering.lowered_on_purpose`` (its own module): not a fall, someone getting down on
  purpose.
- ``rolled_off``: a fall that starts low. Someone rolling or sliding off a bed or sofa
  starts lying, so no descent is seen. Once the camera knows its floor (``floor``), a
  person seen lying off the floor (on furniture: under a fifth of the body on floor cells)
  and then, within ``roll_seconds``, lying on the floor (half of the body or more) has
  come off the furniture without getting up: getting out of bed on purpose passes
  through sitting or standing, which clears the "lying off the floor" memory.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from statistics import median
from typing import TYPE_CHECKING, Final

from ..geometry import L_ANKLE, L_HIP, R_ANKLE, R_HIP
from .ambianic import leaning_angle
from .features import Evidence, Observation, evidence, ramp
from .lowering import LEG_SCORE, last_standing, seated

if TYPE_CHECKING:
    from .config import DetectorConfig
    from .events import FallEvent
    from .floor import FloorVerdict

SLOW_DOWN: Final = 0.8  # lying or head near hip level ...
SLOW_LYING_HIP_DROP: Final = 0.25  # ... with hips lower than when last upright (torso lengths)
STAY_FRAMES: Final = 3  # frames lying, at least, for "stayed down"
STAY_LOOKBACK: Final = 10.0  # seconds before lying in which the upright posture is sought
STAY_DIP: Final = 45.0
"""Degrees from vertical: a frame read at least this far over continues a run of lying.

The pose model's reading of someone lying jumps from frame to frame, most of all lying along a
ceiling camera's axis: traced on Le2i Coffee_room_01_video_15 (tune split), the faller lying
still reads 54, 84, 77, 90, 38 and 48 degrees in consecutive frames, so a run that asks for
``stay_tilt`` (60) in every frame keeps starting over and the clip ends first. A run now goes
on through frames of ``STAY_DIP`` or more, starts and ends at frames of ``stay_tilt`` or more,
and its median is ``stay_tilt`` or more. Four phases of ``accuracy.py --phase`` each, against
the every-frame run: video frames 293 -> 294 of 328 falls, false alarms 42 -> 42; JPEG stills
297 -> 297, 64 -> 65 (UR adl-35, getting down on the floor); ``--wider 2`` 272 -> 273, 66 -> 66;
``--wider 3`` 275 -> 275, 60 -> 59 (``benchmarks/README.md``, session 17).
"""
THROUGH_SEAT: Final = 1.0  # seconds from standing to lying, at most, when a seat was passed
OFF_FLOOR_SHARE: Final = 0.2  # at most this share of a lying body on floor cells: on furniture
STANDING_LEGS: Final = 1.0  # ankles this many (upright) torso lengths below the hips: standing
LEG_SLANT: Final = 0.58  # tan(30 degrees): standing legs are within 30 degrees of vertical
BEND_HIPS: Final = 0.5  # hips lowered by less than this (torso lengths) when bending over

SIZE_SECONDS: Final = 3.0
"""Seconds before someone's last upright frame whose upright boxes give their size.

The people stage zooms on a person who is small for the pose model (``people.zoom_square``) and
asks the detector how big they are standing (``TrackState.upright_size``). The biggest upright
box of the last minute (until 2026-12-03) stayed that of someone who had come in close to the
camera, so the zoom never started once they walked to the far side of the room and fell there
(the Le2i rooms, filmed from a ceiling corner). The upright frames of the last 3 s (about three
at the base rate) follow the walk and still outlast a fall or one poor frame. Tuned on the tune
split at ``accuracy.py --wider 2`` and ``3`` (the room 2 and 3 times smaller), phase 0: 45 -> 50
and 51 -> 53 of 60 falls (1.5 s: 51 and 53, but 5 more false alarms in the tune split at the
clips' own size over four phases; 6 s: 47 and 52; 10 s: 46 and 52). Reported on all clips, four
phases: 261 -> 272 and 267 -> 275 of 328 falls, 64 -> 66 and 59 -> 60 false alarms; at the
clips' own size 295 -> 293 (video frames) and 298 -> 297 (JPEG stills), false alarms unchanged
(``benchmarks/README.md``, session 16).
"""


@dataclass(slots=True)
class TrackState:
    """What the detector remembers of one tracked person."""

    history: deque[Observation] = field(default_factory=deque)
    uprights: deque[Observation] = field(default_factory=deque)  # about one a second
    low_since: float | None = None
    fall: FallEvent | None = None  # the detection awaiting confirmation or dismissal
    fall_reference: Observation | None = None  # the posture the person fell from
    quiet_until: float = float("-inf")  # cool-down
    confirmed: bool = False
    lying_off_floor: Observation | None = None  # last seen lying on furniture
    # The last sighting of a fall not raised yet (bursts need a second), its evidence, rule.
    pending: tuple[Observation, Evidence, str] | None = None

    def upright_size(self) -> float | None:
        """The longer side of the biggest upright box within ``SIZE_SECONDS`` of the last one.

        None when the person was never seen upright.
        """
        if not self.uprights:
            return None
        last = self.uprights[-1].timestamp
        return max(
            o.person.box.longer_side for o in self.uprights if last - o.timestamp <= SIZE_SECONDS
        )


def slow_fall(cfg: DetectorConfig, state: TrackState, obs: Observation) -> Evidence | None:
    """Detect a slide to the floor: low for long, against an upright posture."""
    # Cheap check first: hips clearly lower than in the highest upright posture?
    highest = min(
        (u for u in state.uprights if u.hip is not None),
        key=lambda u: u.hip or 0.0,
        default=None,
    )
    if highest is None or highest.hip is None or obs.hip is None:
        state.low_since = None
        return None
    torso = max(highest.spine.length, 1.0)
    if obs.hip - highest.hip < SLOW_LYING_HIP_DROP * torso:
        state.low_since = None
        return None
    low = [
        ev
        for ev in (evidence(ref, obs) for ref in state.uprights)
        if ev.hip_drop >= cfg.slow_hip_drop
        or (ev.down >= SLOW_DOWN and ev.hip_drop >= SLOW_LYING_HIP_DROP)
    ]
    if not low:
        state.low_since = None
        return None
    if state.low_since is None:
        state.low_since = obs.timestamp
    if obs.timestamp - state.low_since < cfg.slow_down_seconds:
        return None
    ev = max(low, key=lambda e: (e.down, e.hip_drop))
    confidence = cfg.slow_confidence * max(ramp(ev.hip_drop, 0.5, 1.5), ev.down) + 0.4 * ev.down
    return replace(ev, confidence=min(1.0, max(confidence, cfg.alert_threshold)))


def stayed_down(cfg: DetectorConfig, state: TrackState, obs: Observation) -> Evidence | None:
    """Detect a torso that turned from upright to lying and stayed lying (see the module)."""
    run = lying_run(cfg, state, obs)
    if not run:
        return None
    first = run[-1]
    if len(run) < STAY_FRAMES or obs.timestamp - first.timestamp < cfg.stay_seconds:
        return None
    recent = [u for u in state.uprights if 0 < first.timestamp - u.timestamp <= STAY_LOOKBACK]
    turn, upright = max(
        ((leaning_angle(u.spine, first.spine), u) for u in recent),
        key=lambda t: t[0],
        default=(0.0, None),
    )
    if upright is None or turn < cfg.stay_turn:
        return None
    # Legs against the longest upright torso of those seconds: the least foreshortened view.
    torso = max(u.spine.length for u in recent)
    if any(legs_standing(o, torso) for o in run):
        return None
    before = next(
        (o for o in reversed(state.history) if o.upright and o.timestamp < first.timestamp), None
    )
    if before is not None and seated(before) and not through_seat(state, first):
        return None  # lay back from sitting: on the seat (a fall from a chair drops the hips)
    ev = evidence(upright, obs)
    return replace(ev, confidence=max(cfg.alert_threshold, cfg.slow_confidence))


def through_seat(state: TrackState, first: Observation) -> bool:
    """Whether the person stood at most ``THROUGH_SEAT`` seconds before ``first`` (lying).

    A seated-looking frame between standing and lying that quick is a fall caught on its way
    down (see the module), not someone who sat and then lay back.
    """
    recent = [o for o in state.history if 0 < first.timestamp - o.timestamp <= STAY_LOOKBACK]
    stood = last_standing(recent)
    return stood is not None and first.timestamp - stood.timestamp <= THROUGH_SEAT


def lying_run(cfg: DetectorConfig, state: TrackState, obs: Observation) -> list[Observation]:
    """The frames, newest first, that have shown the person lying up to ``obs`` (or none).

    ``obs`` and the run's first frame lie (``stay_tilt``); the frames between read at least
    ``STAY_DIP`` (see there), and the run's median tilt is ``stay_tilt`` or more.
    """
    if (obs.spine.tilt or 0.0) < cfg.stay_tilt:
        return []
    run = [obs]
    for earlier in reversed(state.history):
        if (earlier.spine.tilt or 0.0) < STAY_DIP:
            break
        run.append(earlier)
    while (run[-1].spine.tilt or 0.0) < cfg.stay_tilt:  # ``obs`` ends the loop
        run.pop()
    if median(o.spine.tilt or 0.0 for o in run) < cfg.stay_tilt:
        return []
    return run


def bending(ev: Evidence, obs: Observation) -> bool:
    """Whether a descent ending in ``obs`` is someone bending over rather than falling.

    The legs still stand below the hips (``legs_standing``) and the hips went down by less
    than ``BEND_HIPS`` torso lengths from the posture compared with: bending over keeps the
    hips at about standing height, a fall takes them down with the body.
    """
    return ev.hip_drop < BEND_HIPS and legs_standing(obs, ev.reference.spine.length)


def legs_standing(obs: Observation, torso: float) -> bool:
    """Whether the ankles are confidently seen well below the hips: the person stands on them.

    Standing legs go down from the hips: the ankles at most ``LEG_SLANT`` to the side for
    each unit below (30 degrees from vertical). Legs stretched out on the floor towards the
    bottom of the image slant further.
    """
    kps = obs.person.keypoints
    hips = kps[[L_HIP, R_HIP]]
    hips = hips[hips[:, 2] > 0]
    if obs.hip is None or torso <= 0 or not len(hips):
        return False
    ankles = kps[[L_ANKLE, R_ANKLE]]
    good = ankles[ankles[:, 2] > LEG_SCORE]
    if not len(good):
        return False
    below = float(good[:, 1].mean()) - obs.hip
    aside = abs(float(good[:, 0].mean()) - float(hips[:, 0].mean()))
    return below >= STANDING_LEGS * torso and aside <= LEG_SLANT * below


def rolled_off(
    cfg: DetectorConfig, state: TrackState, obs: Observation, verdict: FloorVerdict | None
) -> Evidence | None:
    """Detect a roll or slide from a bed or sofa to the floor (see the module)."""
    if verdict is None:  # not lying, or the floor is not known
        if not obs.usable or obs.upright:
            state.lying_off_floor = None  # sitting up or standing: out of bed on purpose
        return None
    if verdict.share <= OFF_FLOOR_SHARE:
        state.lying_off_floor = obs
        return None
    on_furniture = state.lying_off_floor
    if not verdict.on_floor or on_furniture is None:
        return None
    if obs.timestamp - on_furniture.timestamp > cfg.roll_seconds:
        state.lying_off_floor = None
        return None
    state.lying_off_floor = None
    ev = evidence(on_furniture, obs)
    return replace(ev, confidence=max(cfg.alert_threshold, cfg.slow_confidence))
