"""The fall detector: tracks people, weighs the evidence, and raises each fall once.

Per tracked person, every observation is compared with the earlier ones 1 to
``descent_seconds`` (4 s) back (``features.descent_evidence``): a fall is a fast descent, so
someone who kneels or sits first and lies down seconds later is not compared with the
standing posture of long before (Ambianic compares up to 10 s back). When the best
comparison reaches the alert threshold a fall is *detected* (suspected, at the moment
of descent), unless it ends a controlled lowering (``lowering.lowered_on_purpose``) or is
someone bending over: legs standing and hips hardly lower (``rules.bending``; the legs
alone are no veto: seen from a ceiling corner, someone lying with their feet towards the
camera has the ankles well below the hips too).

During a burst of frames (``rate``) a fall must be seen in two analysed frames in a row,
at most ``agree_seconds`` apart: a fall ends with the person down, while one frame of
someone leaning, crouching or caught mid-movement is gone 0.2 s later. A next frame that
loses the person (nobody matched to the track, or no measurable torso) cannot contradict
the fall, and the pose model loses someone lying still more often than anyone, so the
fall is raised on that frame (tune split: no change; report split: +2 falls, no false
alarm). Only while one person is tracked: with two people side by side
(``benchmarks/two_people.py``) a person missing for a frame was as often a mix-up, and it
added false alarms there. At the base rate one frame is enough (waiting a second would
cost a second of every alert). Either way a descent must first stand against second
readings of its frame, when the caller supplies them (``second``): the person mirrored (or
read by the checker model), and the frame cut around where they were last seen. When the
checker model sees the fall in that frame too, a burst raises it there without waiting.

If the person stays down for ``confirm_seconds`` it is *confirmed*; if they get up first
it is *dismissed*. A slow slide to the floor that never looks like a fall within 10 s is
detected once the person has stayed low, relative to their last upright posture, for
``slow_down_seconds``. A torso that turned from upright to lying and has stayed lying for
``stay_seconds`` is a fall too, even when the hips hardly moved in the image
(``rules.stayed_down``), and so is someone lying on a bed or sofa who is lying on the
learned floor moments later (``rules.rolled_off``). After an alert the person is not
alerted on again until they have been up again or the cool-down has passed. (Lying *on*
a bed or sofa is told from the floor for the long lie only: as a veto of falls it also
silenced a real fall, see ``benchmarks/README.md``.)

Apart from falls, the detector reports a *long lie* (``longlie``): someone lying on the
camera's learned floor (``floor``) for ``long_lie_seconds``, however they got there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from .config import DetectorConfig
from .events import FallEvent, on_floor_event
from .features import Evidence, Observation, descent_evidence
from .floor import FloorModel, FloorVerdict
from .lifecycle import agreed, expire, follow, raise_fall, raise_lost, window
from .longlie import LongLieMonitor, lying
from .lowering import lowered_on_purpose
from .rate import AdaptiveRate, RateConfig
from .roster import Roster
from .rules import (
    TrackState,
    bending,
    rolled_off,
    slow_fall,
    stayed_down,
)
from .second import Check, SecondReadings, stands

if TYPE_CHECKING:
    from ..types import FloatArray, Person
    from .tracking import Track


type Scorer = Callable[[list[tuple[float, FloatArray]]], float]


class FallDetector(Roster):
    """Stateful fall detector for one camera (its people and their queries: ``Roster``).

    With a ``scorer`` (the trained classifier, once promoted), the fall
    probability of the person's last seconds replaces the heuristic's
    confidence for the descent decision.
    """

    def __init__(
        self,
        config: DetectorConfig | None = None,
        scorer: Scorer | None = None,
        floor: FloorModel | None = None,
        rate: RateConfig | None = None,
    ) -> None:
        """Start with no history (and the camera's learned ``floor``, when there is one).

        ``rate``: the analysis rate to ask for (``next_interval``); by default a fixed
        1 frame per second (``rate.RateConfig``).
        """
        self.config = config or DetectorConfig()
        super().__init__(self.config.max_seconds)
        self.scorer = scorer
        self.floor = floor or FloorModel()
        self.long_lie = LongLieMonitor(self.floor, self.config.long_lie_seconds)
        self.rate = AdaptiveRate(rate)
        self.next_interval = self.rate.interval(float("-inf"))
        """Seconds until the next frame should be analysed, as of the last update."""
        self._burst_frame = False

    @property
    def person_on_floor(self) -> bool:
        """Someone has been on the floor for ``long_lie_seconds`` and is still there."""
        return self.long_lie.active

    def update(
        self,
        people: tuple[Person, ...],
        timestamp: float,
        frame_size: tuple[int, int] | None = None,
        second_opinion: SecondReadings | None = None,
    ) -> list[FallEvent]:
        """Feed one frame (possibly empty); return the events it produced.

        ``frame_size`` (width, height of the image the keypoints are in) lets the
        floor model learn and judge; without it there is no long lie.
        ``second_opinion``: reads this frame again (the person mirrored, ``core.mirror``, and
        around where they were) before a descent is raised (``second``); without it one
        reading decides.
        """
        cfg = self.config
        events: list[FallEvent] = []
        seen: list[tuple[int, Observation]] = []
        pairs: list[tuple[Observation, Observation]] = []
        # Was this frame asked for at the burst rate? Then a fall needs two frames in a row.
        self._burst_frame = self.next_interval < self.rate.base_interval
        matched = self.tracker.update(people, timestamp)
        self.last_tracks = tuple((track.track_id, person) for track, person in matched)
        for track, person in matched:
            state = self._states.setdefault(track.track_id, TrackState())
            obs = Observation.of(person, timestamp, cfg.keypoint_threshold)
            seen.append((track.track_id, obs))
            if state.history and obs.usable:
                pairs.append((state.history[-1], obs))
            events.extend(self._observe(track, state, obs, frame_size, second_opinion))
        self.next_interval = self.rate.update(pairs, timestamp)
        self._last_update = timestamp
        lie = self.long_lie.update(seen, timestamp, frame_size, cfg.keypoint_threshold)
        if lie is not None:
            events.append(on_floor_event(lie))
        # People the pose stage lost in this frame, or found without a measurable torso. Only
        # with one person tracked: with several, a missing person is as likely a mix-up.
        alone = self._alone(timestamp)
        measured = {
            tid for tid, obs in seen if obs.usable and obs.spine.score >= cfg.keypoint_threshold
        }
        for tid in list(self._states):
            state = self._states[tid]
            if tid not in self.tracker.tracks:
                events.extend(expire(self.config, tid, state, timestamp))
                del self._states[tid]
            else:
                lost = alone and tid not in measured
                if lost and (raised := raise_lost(self.config, tid, state, timestamp)):
                    events.append(raised)
                events.extend(follow(self.config, tid, state, timestamp, seen=None))
        return events

    def reset(self) -> None:
        """Forget all people and pending falls."""
        self.forget()
        self.long_lie.reset()
        self.rate.reset()
        self.next_interval = self.rate.interval(float("-inf"))

    @property
    def active_falls(self) -> list[FallEvent]:
        """Detections not yet dismissed (pending or confirmed)."""
        return [s.fall for s in self._states.values() if s.fall is not None]

    # -- per-track logic -------------------------------------------------

    def _observe(
        self,
        track: Track,
        state: TrackState,
        obs: Observation,
        size: tuple[int, int] | None,
        second: SecondReadings | None,
    ) -> list[FallEvent]:
        cfg = self.config
        timestamp = obs.timestamp
        events: list[FallEvent] = []
        if not obs.usable or obs.spine.score < cfg.keypoint_threshold:
            return events
        for past in (state.history, state.uprights):
            while past and timestamp - past[0].timestamp > cfg.slow_window_seconds:
                past.popleft()
        if state.fall is not None:
            events.extend(follow(cfg, track.track_id, state, timestamp, seen=obs))
        elif timestamp >= state.quiet_until:
            found = self._fall(state, obs, size)
            check = Check.STANDS if found is None else self._check(state, obs, found[1], second)
            if check is Check.VETOED:
                found = None  # a second reading of the frame shows no fall (``second``)
            if found is not None and (
                check is Check.SEEN_AGAIN or agreed(cfg, state, obs, burst_frame=self._burst_frame)
            ):
                events.append(raise_fall(cfg, track.track_id, state, obs, *found))
            elif found is not None:
                state.pending = (obs, *found)
            else:
                state.pending = None
        if obs.upright and (
            not state.uprights or timestamp - state.uprights[-1].timestamp >= cfg.min_seconds
        ):
            state.uprights.append(obs)
        state.history.append(obs)
        return events

    def _fall(
        self, state: TrackState, obs: Observation, size: tuple[int, int] | None
    ) -> tuple[Evidence, str] | None:
        """The first rule that sees a fall in ``obs``: descent, slow, stayed down, off furniture."""
        cfg = self.config
        best, reason = self._descent(state, obs)
        if (
            best is not None
            and best.confidence >= cfg.alert_threshold
            and not lowered_on_purpose(cfg, state, obs, self.rate.config)
            and not bending(best, obs)
        ):
            return best, reason
        if (slow := slow_fall(cfg, state, obs)) is not None:
            return slow, "slow_descent"
        if (stayed := stayed_down(cfg, state, obs)) is not None:
            return stayed, "stayed_down"
        if (rolled := rolled_off(cfg, state, obs, self._verdict(obs, size))) is not None:
            return rolled, "from_furniture"
        return None

    def _check(
        self, state: TrackState, obs: Observation, reason: str, second: SecondReadings | None
    ) -> Check:
        """What second readings of the frame say of a fall seen in ``obs`` (``second``)."""
        if reason != "descent" or second is None:
            return Check.STANDS
        # Only while one person is tracked: with two side by side, the crop around one can
        # show the other standing there (a helper next to someone who fell).
        alone = self._alone(obs.timestamp)
        previous = state.history[-1].person.box if state.history and alone else None
        # A "descent" is the heuristic's: no classifier.
        return stands(
            self.config,
            obs,
            previous,
            second,
            lambda o: self._best_evidence(state, o),
            lambda o: self._hip_drop(state, o),
        )

    def _verdict(self, obs: Observation, size: tuple[int, int] | None) -> FloorVerdict | None:
        """Where a lying person lies, when the floor is known (else None)."""
        if size is None or not self.floor.known or not lying(obs):
            return None
        return self.floor.judge(obs.person, size, self.config.keypoint_threshold)

    def _descent(self, state: TrackState, obs: Observation) -> tuple[Evidence | None, str]:
        """The heuristic's best evidence, scored by the classifier when one is active."""
        best = self._best_evidence(state, obs)
        if best is None or self.scorer is None:
            return best, "descent"
        score = self.scorer(list(window(self.config, state, obs)))
        return replace(best, confidence=score), "classifier"

    def _best_evidence(self, state: TrackState, obs: Observation) -> Evidence | None:
        best: Evidence | None = None
        for ev in self._evidences(state, obs):
            if best is None or ev.confidence > best.confidence:
                best = ev
        return best

    def _hip_drop(self, state: TrackState, obs: Observation) -> float:
        """How far ``obs``'s hips are below the person's frames 1 to 4 s before, at most."""
        return max((ev.hip_drop for ev in self._evidences(state, obs)), default=0.0)

    def _evidences(self, state: TrackState, obs: Observation) -> Iterator[Evidence]:
        """``obs`` against each earlier frame ``min_seconds`` to ``descent_seconds`` before it."""
        cfg = self.config
        for earlier in state.history:
            if cfg.min_seconds <= obs.timestamp - earlier.timestamp <= cfg.descent_seconds:
                yield descent_evidence(earlier, obs)
