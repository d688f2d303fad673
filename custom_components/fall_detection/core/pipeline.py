"""Frame pipeline: image and timestamp in, people and fall events out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PIL import Image

from .crops import reading_around
from .detector import DetectorConfig, FallDetector, FallEvent, FloorModel, RateConfig
from .detector.second import AROUND_GROW, SecondReadings
from .mirror import Mirrored, checked_reading, mirrored_reading
from .people import DEFAULT_PEOPLE, PeopleConfig, estimate_people
from .preprocess import Decoded, ImageInput, open_image
from .render import render
from .rotation import MAX_TURNED_TORSO, estimate_upright_or_rotated
from .stills import FrameMemory
from .vanished import found_lying

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .engine import PoseEngine
    from .types import Box, Person, PoseResult


_TURN = {
    90: Image.Transpose.ROTATE_270,  # camera mounted turned 90 degrees clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
CAMERA_ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True, slots=True)
class FrameResult:
    """What one frame produced, and the decoded (upright) frame for rendering."""

    timestamp: float
    pose: PoseResult
    events: list[FallEvent]
    frame: Decoded
    next_interval: float = 1.0
    """Seconds until the next frame should be analysed (the adaptive rate)."""
    tracks: tuple[tuple[int, Person], ...] = ()
    """The people the detector followed in this frame, with their track ids."""
    found: bool = False
    """The person was lost by the pose model and found lying by the checker, or by the pose
    model on the mirrored frame (``vanished``)."""

    @property
    def caption(self) -> str:
        """The annotated frame's top line: the time, what was found, and the events."""
        told = [f"{e.type.value} #{e.track_id} {e.reason} {e.confidence:.2f}" for e in self.events]
        found = ["found lying where they stood"] if self.found else []
        return "  ".join([f"{self.timestamp:.1f} s", *found, *told])

    def render(
        self, *, floor: npt.NDArray[np.bool_] | None = None, annotate: bool = False
    ) -> bytes:
        """JPEG of the frame with everyone drawn, the person of the first fall in red.

        ``floor``: learned floor cells to tint; ``annotate``: write each tracked person's id
        and the frame's time and events, and outline the crops of the people module (the
        command line's annotated video).
        """
        alert = next((e for e in self.events if e.is_alert), None)
        labels: tuple[tuple[Person, str], ...] = ()
        caption = None
        if annotate:
            labels = tuple((person, f"#{track_id}") for track_id, person in self.tracks)
            caption = self.caption
        return render(
            self.frame.image,
            self.pose.people,
            alert.person if alert else None,
            source_size=self.frame.source_size,
            floor=floor,
            labels=labels,
            caption=caption,
            crops=self.pose.crops if annotate else (),
        )


class FramePipeline:
    """Decode, estimate poses (retrying rotated frames), and run the fall detector.

    One pipeline per camera: it holds that camera's detector state. The
    engine may be shared between pipelines (it is thread-safe).
    """

    def __init__(
        self,
        engine: PoseEngine,
        config: DetectorConfig | None = None,
        *,
        rotate_retry: bool = True,
        camera_rotation: int = 0,
        floor: FloorModel | None = None,
        rate: RateConfig | None = None,
        people: PeopleConfig | None = DEFAULT_PEOPLE,
        second_opinion: bool = True,
        look_around: bool = True,
        checker: PoseEngine | None = None,
    ) -> None:
        """Wrap ``engine`` with a fresh detector.

        ``camera_rotation`` (0, 90, 180, 270): how far the camera is turned
        clockwise; frames are turned back upright before anything else.
        ``floor``: the camera's floor as learned so far (kept by the caller).
        ``rate``: base and burst analysis rates (``detector.rate``).
        ``people``: how a single-pose model follows several people (``people``); None
        for the whole frame only (also what multi-person models always use).
        ``rotate_retry`` False: one upright pass on the whole frame and nothing more (no
        turned retry, no people module). ``second_opinion``: read a person again on the
        mirrored view before a fall seen in one frame is raised (``core.mirror``), and, with
        ``look_around``, again on the frame cut around where they were (``detector.second``);
        without a checker it also has ``engine`` look, on the mirrored frame, for a person who
        stood in the last frame and is lost in this one (``core.vanished``).
        ``checker``: a second, more accurate single-pose model that makes both readings
        instead of ``engine``, not mirrored; when it sees the fall too, a burst raises it
        without waiting for its next frame (``detector.second``); and it looks for a person
        who stood in the last frame and is lost in this one (``core.vanished``). None:
        ``engine`` mirrored makes the readings and the look (with ``second_opinion``).
        """
        if camera_rotation not in CAMERA_ROTATIONS:
            raise ValueError(f"camera_rotation must be one of {CAMERA_ROTATIONS}")
        self.engine = engine
        self.detector = FallDetector(config, floor=floor, rate=rate)
        self.rotate_retry = rotate_retry
        self.camera_rotation = camera_rotation
        self.people = None if engine.spec.multi_person else people
        self.second_opinion = second_opinion
        self.checker = checker
        self.look_around = look_around
        # Without the checker, the mirrored second reading also looks for a lost person.
        self._mirrored = Mirrored(engine) if second_opinion and checker is None else None
        self._discovered = float("-inf")  # when the last discovery pass ran
        # Grey copies of the last frames, to tell a new person who moves from furniture: long
        # enough to hold a frame from ``moved_since`` back at the slowest base rate too.
        self.stills = None
        if self.people is not None:
            base = self.detector.rate.base_interval
            self.stills = FrameMemory(2 * max(self.people.moved_since, base))

    def decode(self, image: ImageInput) -> Decoded:
        """Decode at reduced size and turn upright."""
        spec = self.engine.spec
        decoded = open_image(image, (spec.input_width, spec.input_height))
        if not self.camera_rotation:
            return decoded
        turned = decoded.image.transpose(_TURN[self.camera_rotation])
        w, h = decoded.source_size
        return Decoded(turned, (h, w) if self.camera_rotation in (90, 270) else (w, h))

    def estimate(self, image: ImageInput | Decoded) -> PoseResult:
        """Poses in one frame, retried on the turned frame when no torso is confident."""
        decoded = image if isinstance(image, Decoded) else self.decode(image)
        if not self.rotate_retry:
            return self.engine.estimate(decoded)
        threshold = self.detector.config.keypoint_threshold
        return estimate_upright_or_rotated(
            self.engine, decoded, threshold, threshold, max_turned_torso=MAX_TURNED_TORSO
        )

    def process(self, image: ImageInput, timestamp: float) -> FrameResult:
        """Analyse one frame taken at ``timestamp`` (seconds, any origin)."""
        decoded = self.decode(image)
        if self.people is not None and self.rotate_retry:
            recent = self.detector.recent_people(timestamp, self.people.recent_seconds)
            threshold = self.detector.config.keypoint_threshold
            discover = timestamp - self._discovered >= 0.9 * self.people.discover_seconds
            moved = None
            if self.stills is not None:
                self.stills.add(timestamp, decoded.image, decoded.source_size)
                since = timestamp - self.people.moved_since
                moved = partial(self.stills.box_change, since=since)

            pose = estimate_people(
                self.engine,
                decoded,
                tuple(box for box, _ in recent),
                threshold,
                self.people,
                discover=discover,
                sizes=tuple(size for _, size in recent),
                moved=moved,
            )
            if discover or timestamp < self._discovered:  # a clock that went back starts over
                self._discovered = timestamp
        else:
            pose = self.estimate(decoded)
        threshold = self.detector.config.keypoint_threshold

        checker = self.checker
        # People who stood in the last frame, lost in this one: the checker looks for them;
        # without it, the pose model on the frame mirrored (``core.vanished``).
        looker = checker or self._mirrored
        found = None
        if looker is not None and self.people is not None and self.rotate_retry:
            for stood in self.detector.stood_boxes():
                look = found_lying(
                    looker, decoded, found or pose, stood, threshold, turned=checker is None
                )
                found = look or found
        pose = found or pose

        def again(person: Person) -> Person | None:
            if checker is not None:
                return checked_reading(checker, decoded, person, threshold, pose.crops)
            return mirrored_reading(self.engine, decoded, person, threshold, pose.crops)

        def around(box: Box) -> Person | None:
            engine = checker or self.engine
            return reading_around(engine, decoded, box, AROUND_GROW, threshold)

        # A reading the checker made is no independent check of itself (``core.vanished``).
        second = SecondReadings(
            again,
            around if self.look_around else None,
            independent=checker is not None and found is None,
            turned=pose.turned,
        )
        events = self.detector.update(
            pose.people, timestamp, decoded.source_size, second if self.second_opinion else None
        )
        return FrameResult(
            timestamp,
            pose,
            events,
            decoded,
            self.detector.next_interval,
            self.detector.last_tracks,
            found=found is not None,
        )
