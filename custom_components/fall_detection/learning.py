"""Labels, the local dataset and the on-device classifier, for Home Assistant.

Detections wait in memory for a caregiver's Agree or Disagree; a label turns
one into a sample saved under ``<config>/fall_detection/``. Every 100 new
labels the classifier is retrained in the inference thread and compared with
the heuristic on the test set; the better one (by the promotion rule) detects
falls from then on. Nothing here talks to the network.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .core.learning.dataset import (
    Dataset,
    DatasetError,
    Rejected,
    Sample,
    thumbnail_name,
    write_atomic,
)
from .core.learning.features import pose_features
from .core.learning.learner import (
    CLASSIFIER,
    HEURISTIC,
    RETRAIN_EVERY,
    Evaluation,
    evaluate,
    load_bootstrap,
    retrain,
)
from .core.learning.validate import short
from .labels import PendingDetections, Sequence, missed
from .learning_files import LearningFiles

if TYPE_CHECKING:
    from pathlib import Path

    from .core.detector.fall import Scorer
    from .core.learning.classifier import LogisticModel

_LOGGER = logging.getLogger(__name__)
EVENT_LABELLED = f"{DOMAIN}_labelled"
EVENT_DETECTOR_CHANGED = f"{DOMAIN}_detector_changed"
ISSUE_DATASET = "dataset_unreadable"


class LearningManager:
    """Owns the dataset and the classifier of one config entry."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Files live in the config directory, outside custom_components/."""
        self.hass = hass
        self.files = LearningFiles(hass)
        self._lock = asyncio.Lock()
        self.pending = PendingDetections()
        self._listeners: list[CALLBACK_TYPE] = []
        self._scorer_listeners: list[CALLBACK_TYPE] = []
        self.dataset = Dataset()
        self.model: LogisticModel  # set by async_load: the trained one or the bootstrap
        self.evaluation = Evaluation(None, None, 0, HEURISTIC)
        self._closed = False

    # -- state ------------------------------------------------------------

    async def async_load(self) -> None:
        """Read the dataset and the trained model; a damaged file is kept aside, not lost."""
        self.dataset, model, evaluation, aside = await self._run(self.files.load)
        if aside is not None:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                ISSUE_DATASET,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_DATASET,
                translation_placeholders={"path": str(aside), "filename": aside.name},
            )
        self.model = model
        if evaluation is not None:
            self.evaluation = evaluation
        if self.dataset.new_since_training >= RETRAIN_EVERY:  # stopped before training finished
            async with self._lock:
                await self._retrain_locked()

    async def async_expire(self, image_days: int, sample_days: int) -> tuple[int, int]:
        """Retention: delete thumbnails and samples older than the given days (0: keep)."""
        async with self._lock:
            images, removed = self.dataset.expire(
                dt_util.utcnow(), image_days=image_days, sample_days=sample_days
            )
            if images or removed:
                await self._run(self.files.forget, self.dataset, images)
                self._notify(scorer_changed=False)
            return len(images), removed

    @property
    def active(self) -> str:
        """Which detector decides: heuristic or classifier."""
        return self.evaluation.active

    def scorer(self) -> Scorer | None:
        """The classifier as a detector scorer, when it is the active detector."""
        if self.active != CLASSIFIER:
            return None
        model = self.model
        return lambda sequence: float(model.proba(pose_features(sequence))[0])

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE, *, scorer: bool = False) -> CALLBACK_TYPE:
        """Call ``update`` when counts or the active detector change."""
        target = self._scorer_listeners if scorer else self._listeners
        target.append(update)
        return lambda: target.remove(update)

    @callback
    def _notify(self, scorer_changed: bool) -> None:
        for update in [*self._listeners, *(self._scorer_listeners if scorer_changed else [])]:
            update()

    # -- detections and labels ---------------------------------------------

    @callback
    def register_detection(
        self, detection_id: str, camera: str, sequence: Sequence, thumbnail: bytes | None
    ) -> None:
        """Remember a detection so it can be labelled (the oldest are forgotten)."""
        self.pending.register(detection_id, camera, sequence, thumbnail)

    async def async_label(
        self, verdict: str, detection_id: str | None, camera: str | None
    ) -> Sample:
        """Agree (a fall) or Disagree (not a fall) with a detection."""
        sample, thumbnail = self.pending.labelled(verdict, detection_id, camera, self.dataset)
        return await self._add(sample, thumbnail, verdict)

    async def async_report_missed(
        self, camera: str, sequence: Sequence, thumbnail: bytes | None
    ) -> Sample:
        """Label the camera's last seconds as a fall the detector missed."""
        return await self._add(missed(camera, sequence), thumbnail, "missed_fall")

    async def _add(self, sample: Sample, thumbnail: bytes | None, verdict: str) -> Sample:
        async with self._lock:
            self._check_open()
            if thumbnail is not None:
                sample.thumbnail = thumbnail_name(sample.sample_id)
            labelled = self.dataset.label(sample)
            dropped = [s.thumbnail for s in self.dataset.cap() if s.thumbnail]
            try:
                await self._run(self.files.save, self.dataset, thumbnail, labelled, dropped)
            except OSError as err:  # disk full, read-only: the label stays in memory
                _LOGGER.error("Could not save the Fall Detection dataset: %s", err)  # noqa: TRY400
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="save_failed",
                    translation_placeholders={"error": str(err)},
                ) from err
            counts = self.dataset.counts()
            self.hass.bus.async_fire(
                EVENT_LABELLED,
                {
                    "detection_id": labelled.sample_id,
                    "camera_entity_id": labelled.camera,
                    "verdict": verdict,
                    "fall": labelled.fall,
                    "split": labelled.split,
                    **counts,
                },
            )
            if self.dataset.new_since_training >= RETRAIN_EVERY:
                await self._retrain_locked()
            elif labelled.split == "test":
                await self._evaluate_locked()
            self._notify(scorer_changed=False)
            return labelled

    def _check_open(self) -> None:
        """After unload began, a label is refused (not silently lost with the old manager)."""
        if self._closed:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_loaded")

    async def async_close(self) -> None:
        """Unload: wait for a save or training in flight, then refuse further changes."""
        async with self._lock:
            self._closed = True

    # -- training -----------------------------------------------------------

    async def async_retrain(self) -> Evaluation:
        """Train now (the service), then evaluate and promote or demote."""
        async with self._lock:
            self._check_open()
            await self._retrain_locked()
            self._notify(scorer_changed=False)
            return self.evaluation

    async def _retrain_locked(self) -> None:
        # Home Assistant's executor, not the inference thread: analysis goes on meanwhile.
        self.model = await self._run(_retrain_from_bootstrap, self.dataset)
        self.dataset.new_since_training = 0
        await self._evaluate_locked()

    async def _evaluate_locked(self) -> None:
        before = self.evaluation.active
        self.evaluation = await self._run(evaluate, self.model, self.dataset)
        await self._run(self.files.save_model, self.model, self.evaluation, self.dataset)
        if self.evaluation.active != before:
            _LOGGER.info("Fall Detection now uses the %s", self.evaluation.active)
            self.hass.bus.async_fire(
                EVENT_DETECTOR_CHANGED,
                {
                    "active": self.evaluation.active,
                    "classifier_accuracy": self.evaluation.classifier_accuracy,
                    "heuristic_accuracy": self.evaluation.heuristic_accuracy,
                    "test_samples": self.evaluation.test_samples,
                },
            )
            self._notify(scorer_changed=True)

    # -- export, import, delete ---------------------------------------------------

    async def async_export(self, name: str) -> Path:
        """Write the dataset as one JSON file inside the integration's folder."""
        path = self.files.export_path(name)
        text = json.dumps(self.dataset.to_dict()).encode()
        try:
            await self._run(write_atomic, path, text)
        except OSError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="export_failed",
                translation_placeholders={"error": short(err.strerror or str(err))},
            ) from err
        return path

    async def async_import(self, name: str) -> tuple[int, Rejected]:
        """Merge a dataset file (from this folder) into the dataset.

        Returns the new samples and what was dropped (malformed samples, thumbnail names
        that are not ours).
        """
        path = self.files.resolve_path(name)
        try:
            if not await self._run(path.is_file):
                raise DatasetError(f"{short(name)} does not exist in {self.files.folder}")  # noqa: TRY301
            other, rejected = await self._run(partial(Dataset.load, path, strict=False))
        except DatasetError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="bad_dataset",
                translation_placeholders={"error": str(err)},
            ) from err
        async with self._lock:
            self._check_open()
            new = self.dataset.merge(other)
            dropped = [s.thumbnail for s in self.dataset.cap() if s.thumbnail]
            await self._run(self.files.forget, self.dataset, dropped)
            if self.dataset.new_since_training >= RETRAIN_EVERY:
                await self._retrain_locked()
            else:
                await self._evaluate_locked()
            self._notify(scorer_changed=False)
        return new, rejected

    async def async_delete(self) -> None:
        """Forget every sample, thumbnail and the trained model; back to the heuristic."""
        async with self._lock:
            self._check_open()
            self.dataset = Dataset()  # first: whatever the disk does, nothing is kept
            await self._run(self.files.delete_all)
            self.pending.clear()
            self.model = await self._run(load_bootstrap)
            changed = self.evaluation.active != HEURISTIC
            self.evaluation = Evaluation(None, None, 0, HEURISTIC)
            self._notify(scorer_changed=changed)

    async def _run(self, fn: Any, *args: Any) -> Any:  # noqa: ANN401
        return await self.hass.async_add_executor_job(fn, *args)


def _retrain_from_bootstrap(dataset: Dataset) -> LogisticModel:
    """Executor: train starting from the shipped weights."""
    return retrain(dataset, load_bootstrap())
