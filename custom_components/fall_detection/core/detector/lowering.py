"""Getting down on purpose: a descent that ends a controlled lowering is not a fall.

Someone who gets down on the floor or lies down on a bed on purpose goes through kneeling,
crouching or sitting; a fall takes about a second from standing to the floor.
``lowered_on_purpose`` is asked of a descent the evidence already scores as a fall, and
vetoes it in three cases:

- **Too slow for a fall.** From the last standing posture (upright, not seated, hips within
  ``STANDING_HIPS`` torso lengths of their highest in the last 10 s) to the first frame lying
  (a seated person bending forward over their knees is not lying yet: ``bent_seated``) took
  more than ``lowering_seconds`` (2 s: a fall lasts about a second, and at 1 frame per second
  the last frame before it can be a second earlier), and the person was seen in between in at
  least ``LOWERING_FRAMES`` (2) frames: one frame half-way is what a fall leaves at a low
  frame rate. Two limits keep falls: a person not seen between standing and lying (the pose
  model lost them) is not judged, and one who had sat or knelt for longer than
  ``settled_seconds`` (4 s) before going down is judged as falling from there (a fall from a
  chair). Tuned on the tune split (one false alarm fewer, no fall lost: 2 s and 0.8 torso
  lengths; 1.5 s or 0.5 lost falls there). A standing posture is read at about the person's
  full size: an upright reading whose box is less than ``STANDING_SIZE`` (half) of the
  median upright box of those 10 s is a fragment (someone crouching read upright with the
  legs lost, a few keypoints of a seated person), not the moment they last stood, and would
  make a lowering look as quick as a fall. The median, not the biggest box: one huge guess
  read upright would make every real standing frame look small (at ``--wider 3`` that lost
  a fall). Eight replays (four phases each, the video's frames and JPEG stills): 2 false
  alarms fewer in 108 (UR adl-10 and adl-23 as stills), no fall lost; at ``--wider 2`` one
  fall more (a seated person's first, garbled reading no longer counts as standing);
  ``--wider 3`` unchanged. With the biggest box, 0.6 and 0.7 of it removed more false
  alarms, and 0.7 lost a tune-split fall at every phase (``benchmarks/README.md``).
- **Watched on the way down.** During a burst (5 fps) the way down is seen finer: seen in at
  least ``WATCHED_FRAMES`` (4) frames on the way and reaching lying more than
  ``WATCHED_SECONDS`` (1.5 s) after standing. A fall's second or so leaves fewer frames
  half-way even at 5 fps (tune split, all four frame phases of ``accuracy.py --phase``: every
  fall seen between standing and lying was seen there in 1 to 3 frames), someone getting down
  on the floor in four to eight over 1.8-2 s. The person must have reached lying: a fall onto
  the seat that leaves them sitting dazed for a while, head low, is seen the same way and is a
  fall (GMDCSA Subject1_fall_14). Tuned on the tune split at phases 0, 0.25, 0.5 and 0.75 s:
  4 false alarms fewer there, 4 in the report split, no fall lost anywhere; 3 frames instead
  of 4 lost falls.
  Since 2026-12-05 (session 27) the way down watched ends where the torso lies across the
  image (``LYING_TILT``), not where the head reaches hip level: someone getting down on the
  floor kneels, crouches and leans forward on the way, and those frames bring the head to hip
  level a second before the body lies (UR adl-32, report split: kneeling 1 s after standing,
  crouched forward 0.4 s later, lying across 0.4 s after that; counted as lying, the crouch
  left two frames on the way instead of four). Over the four phases of ``benchmarks/phases.py``,
  falls of 328 and false alarms (tune split in brackets): video frames 301, 32 -> 301, 30 (223,
  14 -> 223, 14); grey 300, 50 -> 301, 48 (227, 22 -> 228, 22); JPEG stills of quality 85 303,
  45 -> 303, 43 (225, 18 -> 225, 18); 16:9 with the room at the sides 279, 51 -> 279, 48 (209,
  27 -> 209, 26). Every alert changed is a UR clip of getting down on the floor or onto a bed,
  except one grey fall gained (Le2i Coffee_room_01_video_05). The same end for the slower path
  above lost two falls in grey (Le2i Home_02 sit on a chair, then fall: the seat's head-low
  frames had ended that lowering), so it keeps the head at hip level (``benchmarks/README.md``).
- **Crouched first** (``crouched_first``, with bursts on). At 1 frame per second a lowering
  of a second or two leaves one frame on the way, and the pose model often still reads that
  frame upright: a person bending the knees to kneel, to get on all fours or to sit back onto
  a sofa keeps the torso upright while the head sinks. A fall that sinks that far between two
  frames starts a burst (``rate``: the head 0.8 torso lengths lower than in the frame before),
  and its next frame comes 0.2 s later. So when the last upright frame before the descent
  showed the head more than ``CROUCH_DROP`` torso lengths below its highest in the
  ``CROUCH_LOOKBACK`` seconds before, and yet the next frame came at the base rate (no burst:
  the head sank slowly, over two frames or more), the person was lowering themselves when last
  seen upright, and the descent is theirs. A fall from standing is last seen at full height
  (or, in a burst, on the way down, which this does not judge); a fall that starts from a
  crouch is left to "stayed down" and the long lie. Without bursts (a camera option) every
  frame comes at the base rate, a fall caught half-way looks the same, and this is not asked
  (GMDCSA Subject1_fall_13 at a fixed 1 fps). Tuned on the tune split, summed over the four
  phases of ``accuracy.py --phase``: 0.5 torso lengths lost 6 falls, 0.7 and 0.9 lost none
  and removed 3 of 21 false alarms; 0.8, between them, landed (see ``benchmarks/README.md``,
  session 10, for all clips).
"""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING, Final

from ..geometry import knee_y
from .longlie import across, lying

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from .config import DetectorConfig
    from .features import Observation
    from .rate import RateConfig
    from .rules import TrackState

LOOKBACK: Final = 10.0  # seconds before lying in which the standing posture is sought
LEG_SCORE: Final = 0.2  # a knee or ankle scoring above this is confidently seen
LOWERING_FRAMES: Final = 2  # frames, at least, seen between standing and lying
WATCHED_FRAMES: Final = 4  # frames between standing and lying that show a lowering at burst rate
WATCHED_SECONDS: Final = 1.5  # ... when standing to lying took longer than this
STANDING_HIPS: Final = 0.8  # hips within this many torso lengths of the highest: standing
SEATED_KNEES: Final = 0.3  # knees at most this many torso lengths below the hips: seated
STANDING_SIZE: Final = 0.5  # a standing posture's box is at least this share of the usual one
CROUCH_DROP: Final = 0.8  # head this many torso lengths below its highest: crouching
CROUCH_LOOKBACK: Final = 5.0  # seconds before the crouch in which the highest head is sought


def lowered_on_purpose(
    cfg: DetectorConfig, state: TrackState, obs: Observation, rate: RateConfig | None = None
) -> bool:
    """Whether ``obs`` (lying) ends a controlled lowering rather than a fall (see the module).

    ``rate``: the camera's analysis rate; "crouched first" is asked only when it has bursts.
    """
    if rate is not None and rate.adaptive and crouched_first(state, obs, rate):
        return True
    recent = looking_back(state.history, obs.timestamp)
    stood = last_standing(recent)
    if stood is None:
        return False
    after = [o for o in (*recent, obs) if o.timestamp > stood.timestamp]
    _, seen_between, took = way_down(
        after, stood.timestamp, lambda o: lying(o) and not bent_seated(o)
    )
    if took > cfg.settled_seconds:
        return False
    if seen_between >= LOWERING_FRAMES and took > cfg.lowering_seconds:
        return True
    # Watched at the burst rate: a slower way down than a fall's, seen until the torso lay
    # across the image (a head at hip level is a crouch on the way down: see the module).
    lay, seen, watched = way_down(after, stood.timestamp, across)
    return (
        lay is not None
        and seen >= WATCHED_FRAMES
        and WATCHED_SECONDS < watched <= cfg.settled_seconds
    )


def last_standing(recent: Sequence[Observation]) -> Observation | None:
    """The last of ``recent`` (a person's frames, oldest first) that shows them standing.

    Upright and not seated, the box at least ``STANDING_SIZE`` of the usual upright one (not
    a fragment), and the hips within ``STANDING_HIPS`` torso lengths of their highest in those
    frames (not a crouch read upright). None when no frame does.
    """
    uprights = [o for o in recent if o.upright and o.hip is not None and not seated(o)]
    typical = usual_upright(recent)
    uprights = [o for o in uprights if o.person.box.longer_side >= STANDING_SIZE * typical]
    if not uprights:
        return None
    highest = min(uprights, key=lambda o: o.hip or 0.0)
    reach = STANDING_HIPS * max(highest.spine.length, 1.0)
    standing = [o for o in uprights if (o.hip or 0.0) - (highest.hip or 0.0) < reach]
    return standing[-1]


def looking_back(history: Iterable[Observation], timestamp: float) -> list[Observation]:
    """The frames of ``history`` within ``LOOKBACK`` seconds before ``timestamp``, oldest first."""
    return [o for o in history if timestamp - o.timestamp <= LOOKBACK]


def usual_upright(recent: Sequence[Observation]) -> float:
    """The median longer side of the upright boxes of ``recent`` (0 when none is upright).

    A standing posture's box is at least ``STANDING_SIZE`` of it: an upright reading less
    than half that size is a fragment (someone crouching or sitting down read from the
    shoulders to the hips), not the person standing.
    """
    return median([o.person.box.longer_side for o in recent if o.upright] or [0.0])


def way_down(
    after: list[Observation], standing: float, ends: Callable[[Observation], bool]
) -> tuple[Observation | None, int, float]:
    """Where the way down from standing (at ``standing``) ended, as ``ends`` tells it.

    ``after``: the frames since standing, the last the one judged. The first frame that ends
    it (None: none did, the way down goes on to the last frame), how many frames came before
    it, and its seconds since standing.
    """
    end = next((o for o in after if ends(o)), None)
    until = after[-1].timestamp if end is None else end.timestamp
    return end, sum(1 for o in after if o.timestamp < until), until - standing


def crouched_first(state: TrackState, obs: Observation, rate: RateConfig) -> bool:
    """Whether the last upright frame before ``obs`` was a crouch followed at the base rate.

    See the module: the head more than ``CROUCH_DROP`` torso lengths below its highest in the
    ``CROUCH_LOOKBACK`` seconds before (the torso the longest of those frames), and the next
    frame not a burst's (a burst's frames mid-fall are not judged): it came later than
    half-way between the burst's interval and the base interval.
    """
    half_way = (1.0 / rate.base_fps + 1.0 / rate.burst_fps) / 2
    after = obs.timestamp  # when the frame after the crouch came
    for crouch in reversed(state.history):
        if crouch.upright:
            break
        after = crouch.timestamp
    else:
        return False
    if crouch.top is None or after - crouch.timestamp < half_way:
        return False
    before = [
        o
        for o in state.history
        if o.upright and o.top is not None and 0 < crouch.timestamp - o.timestamp <= CROUCH_LOOKBACK
    ]
    if not before:
        return False
    highest = min(o.top or 0.0 for o in before)
    torso = max(o.spine.length for o in (*before, crouch))
    return crouch.top - highest > CROUCH_DROP * max(torso, 1.0)


def seated(obs: Observation) -> bool:
    """Whether the knees are confidently seen at about hip height: sitting, kneeling or crouching.

    Standing knees are half a torso length or more below the hips in the image; seated,
    the thighs point forward or sideways and the knees are at most ``SEATED_KNEES`` torso
    lengths below the hips (0.2 to 0.4 give the same alerts on the benchmark; 0.5 lost four
    falls of the tune split).
    """
    knees = knee_y(obs.person, LEG_SCORE)
    if knees is None or obs.hip is None or obs.spine.length <= 0:
        return False
    return knees - obs.hip < SEATED_KNEES * obs.spine.length


def bent_seated(obs: Observation) -> bool:
    """Seated with the torso short of lying across (``LYING_TILT``).

    Asked of a frame that looks lying because the head is near hip level: seated, that is
    someone bent forward over their knees, not lying.
    """
    return seated(obs) and not across(obs)
