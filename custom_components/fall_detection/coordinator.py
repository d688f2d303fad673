"""Per-camera frame loop: fetch a still, analyse it off the event loop, publish the result.

One coordinator per camera subentry. Its refreshes never overlap (the next is
scheduled when one finishes), so a frame that is still being analysed when the
next is due simply delays it: no queue builds up. All cameras of an entry share
one dedicated inference thread, so the interpreter never runs two frames at
once and the event loop never runs the model.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.camera import async_get_image
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    BURST_BUDGET,
    CAMERA_TIMEOUT,
    CONF_ACTIVE_SECONDS,
    CONF_BURSTS,
    CONF_CAMERA,
    CONF_FPS,
    CONF_KEEP_IMAGES,
    CONF_LONG_LIE_SECONDS,
    CONF_PROBLEM_SECONDS,
    CONF_ROTATION,
    CONF_THRESHOLD,
    DEFAULT_ACTIVE_SECONDS,
    DEFAULT_BURSTS,
    DEFAULT_FPS,
    DEFAULT_LONG_LIE_SECONDS,
    DEFAULT_PROBLEM_SECONDS,
    DEFAULT_THRESHOLD,
    DOMAIN,
    EVENT_FALL_DETECTED,
    EVENT_PERSON_ON_FLOOR,
    FLOOR_SAVE_SECONDS,
    FRAME_TIME_LIMIT,
    IDLE_AFTER_SECONDS,
    IDLE_INTERVAL_SECONDS,
    MAX_BACKOFF_SECONDS,
)
from .core.detector import (
    BURST_FPS,
    DetectorConfig,
    FallEventType,
    FloorModel,
    RateConfig,
)
from .core.errors import ImageError
from .core.pipeline import FramePipeline, FrameResult
from .core.render import make_thumbnail
from .detections import CameraDetections
from .inference import FrameTimeout
from .state import Analysis, CameraState

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant

    from .core.engine import PoseEngine
    from .data import FallDetectionConfigEntry
    from .floor_store import FloorStore
    from .inference import InferenceThread

_LOGGER = logging.getLogger(__name__)


class CameraCoordinator(DataUpdateCoordinator[CameraState]):
    """Analyses one camera's frames at its configured rate."""

    config_entry: FallDetectionConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FallDetectionConfigEntry,
        subentry: ConfigSubentry,
        engine: PoseEngine,
        inference: InferenceThread,
        floor_store: FloorStore | None = None,
        floor: FloorModel | None = None,
        checker: PoseEngine | None = None,
    ) -> None:
        """Set up the pipeline for ``subentry``'s camera (with its learned ``floor``).

        ``checker``: the model that reads a person again before a fall is raised
        (``engine_loader.load_checker``; None: ``engine`` mirrored).
        """
        options = subentry.data
        self.subentry = subentry
        self.camera_entity_id: str = options[CONF_CAMERA]
        self.fps: float = float(options.get(CONF_FPS, DEFAULT_FPS))
        self.keep_images: bool = bool(options.get(CONF_KEEP_IMAGES, True))
        self.active_seconds = float(options.get(CONF_ACTIVE_SECONDS, DEFAULT_ACTIVE_SECONDS))
        self.problem_seconds = float(options.get(CONF_PROBLEM_SECONDS, DEFAULT_PROBLEM_SECONDS))
        self.started = time.monotonic()
        self.last_analysed: float | None = None
        self._interval = timedelta(seconds=1.0 / self.fps)
        self._idle_interval = max(self._interval, timedelta(seconds=IDLE_INTERVAL_SECONDS))
        self._last_person: float = self.started
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {self.camera_entity_id}",
            update_interval=self._interval,
        )
        config = DetectorConfig(
            alert_threshold=float(options.get(CONF_THRESHOLD, DEFAULT_THRESHOLD)),
            long_lie_seconds=float(options.get(CONF_LONG_LIE_SECONDS, DEFAULT_LONG_LIE_SECONDS)),
        )
        bursts = bool(options.get(CONF_BURSTS, DEFAULT_BURSTS))
        self.pipeline = FramePipeline(
            engine,
            config,
            camera_rotation=int(options.get(CONF_ROTATION, "0")),
            floor=floor,
            rate=RateConfig(base_fps=self.fps, burst_fps=BURST_FPS if bursts else 0.0),
            checker=checker,
        )
        self._floor_store = floor_store
        self._floor_saved = self.started
        self._inference = inference
        self._failures = 0
        self._last_frame: float | None = None
        self._fall_until: float | None = None
        self.detections = CameraDetections(hass, self.camera_entity_id, subentry.subentry_id)
        self._last_result: FrameResult | None = None  # the latest frame, for a missed-fall report
        self.state = CameraState()

    async def _async_update_data(self) -> CameraState:
        """Fetch and analyse one frame."""
        # Detections belong to the frame that produced them: a failed refresh that
        # notifies the entities must not fire the previous detection again.
        self.state.new_detections = []
        try:
            image = await async_get_image(self.hass, self.camera_entity_id, timeout=CAMERA_TIMEOUT)
        except Exception as err:  # any camera integration's error is a camera error
            self._back_off()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="camera_error",
                translation_placeholders={"camera": self.camera_entity_id, "error": str(err)},
            ) from err
        now = time.monotonic()
        try:
            analysis = await self._inference.run(
                self.camera_entity_id, FRAME_TIME_LIMIT, self._analyse, image.content, now
            )
        except FrameTimeout as err:  # dropped so that the other cameras keep going
            self.state.skipped_frames += 1
            self.state.timed_out_frames += 1
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="frame_timeout",
                translation_placeholders={"camera": self.camera_entity_id, "error": str(err)},
            ) from err
        except ImageError as err:
            self.state.skipped_frames += 1
            self._back_off()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="bad_frame",
                translation_placeholders={"camera": self.camera_entity_id, "error": str(err)},
            ) from err
        self._recover()
        return self._publish(analysis, now)

    def _analyse(self, content: bytes, timestamp: float) -> Analysis:
        """Run in the inference executor: decode, pose, detector, render when needed."""
        start = time.perf_counter()
        result = self.pipeline.process(content, timestamp)
        if self.keep_images:
            self._last_result = result
        image = thumbnail = None
        if self.keep_images and any(e.is_alert for e in result.events):
            image = result.render()
            thumbnail = make_thumbnail(image)
        detector = self.pipeline.detector
        floor = None
        if detector.floor.changed and timestamp - self._floor_saved >= FLOOR_SAVE_SECONDS:
            floor, self._floor_saved = self._floor_snapshot(), timestamp
        return Analysis(
            len(result.pose.people),
            result.events,
            image,
            thumbnail,
            time.perf_counter() - start,
            detector.person_on_floor,
            floor,
            result.next_interval,
        )

    def _floor_snapshot(self) -> dict[str, object]:
        """The learned floor as stored (in the inference thread, where it changes)."""
        floor = self.pipeline.detector.floor
        floor.changed = False
        return floor.to_dict()

    async def async_save_floor(self) -> None:
        """Write the learned floor now if it changed (at unload)."""
        if self._floor_store is None or not self.pipeline.detector.floor.changed:
            return
        # On the loop: the camera loop has stopped and the inference thread may be gone
        # (Home Assistant stopping); a frame still in flight changes at most one count.
        await self._floor_store.async_save(self._floor_snapshot())

    async def async_thumbnail_now(self) -> bytes | None:
        """A thumbnail of the latest analysed frame (with skeletons), when images are kept."""
        result = self._last_result
        if result is None:
            return None
        return await self.hass.loop.run_in_executor(
            self._inference.executor, lambda: make_thumbnail(result.render())
        )

    def recent_sequence(self) -> list[tuple[float, Any]]:
        """The last seconds of the person seen most, for a missed-fall report."""
        detector = self.pipeline.detector
        track = detector.busiest_track()
        return detector.recent(track) if track is not None else []

    def _publish(self, analysis: Analysis, now: float) -> CameraState:
        state = self.state
        if self._last_frame is not None and now > self._last_frame:
            rate = 1.0 / (now - self._last_frame)
            state.analysed_fps = (
                rate if state.analysed_fps is None else (0.8 * state.analysed_fps + 0.2 * rate)
            )
        self._last_frame = now
        self.last_analysed = now
        state.analysed_frames += 1
        if analysis.people:
            self._last_person = now
        if not self._failures:  # a back-off keeps its own interval
            idle = now - self._last_person > IDLE_AFTER_SECONDS
            self.update_interval = self._idle_interval if idle else self._due(analysis)
        state.people = analysis.people
        state.person_on_floor = analysis.on_floor
        if analysis.floor is not None and self._floor_store is not None:
            self.config_entry.async_create_background_task(
                self.hass,
                self._floor_store.async_save(analysis.floor),
                f"{DOMAIN} save floor {self.camera_entity_id}",
            )
        state.inference_ms = analysis.seconds * 1000
        state.new_detections = [self.detections.detection(event) for event in analysis.events]
        for detection, event in zip(state.new_detections, analysis.events, strict=True):
            state.last_detection = detection
            if detection.event_type == FallEventType.DETECTED:
                self._fall_until = now + self.active_seconds
                self.config_entry.runtime_data.learning.register_detection(
                    detection.detection_id,
                    self.camera_entity_id,
                    list(event.sequence),
                    analysis.thumbnail,
                )
                self.detections.fire(detection, EVENT_FALL_DETECTED, "fall")
            elif detection.event_type == FallEventType.ON_FLOOR:
                self.detections.fire(detection, EVENT_PERSON_ON_FLOOR, "person_on_floor")
            elif detection.event_type == FallEventType.DISMISSED:
                self._fall_until = None
        if analysis.image is not None:
            state.last_fall_image = analysis.image
            state.last_fall_time = dt_util.utcnow()
        state.fall_active = self._fall_until is not None and now < self._fall_until
        return state

    def _due(self, analysis: Analysis) -> timedelta:
        """The detector's next interval: the base rate, or a burst within this camera's share.

        All cameras share one inference thread; a burst asks for frames no faster than
        this camera's fair share of ``BURST_BUDGET`` of it allows.
        """
        base = self._interval.total_seconds()
        if analysis.next_interval is None or analysis.next_interval >= base:
            return self._interval
        cameras = max(1, len(self.config_entry.runtime_data.cameras))
        share = cameras * analysis.seconds / BURST_BUDGET
        seconds = min(base, max(analysis.next_interval, share))
        return timedelta(seconds=seconds)

    def monitoring_stopped(self, now: float) -> bool:
        """No frame analysed for ``problem_seconds``: nobody is being watched."""
        since = self.last_analysed if self.last_analysed is not None else self.started
        return now - since > self.problem_seconds

    def _back_off(self) -> None:
        self._failures += 1
        seconds = min(MAX_BACKOFF_SECONDS, self._interval.total_seconds() * 2**self._failures)
        self.update_interval = timedelta(seconds=seconds)

    def _recover(self) -> None:
        if self._failures:
            self._failures = 0
            self.update_interval = self._interval
