"""The files of the learning loop under ``<config>/fall_detection/``, and nothing else.

Every method runs in an executor (blocking I/O). Only our own files are ever
written or deleted: the dataset, the classifier, thumbnails named ``<id>.jpg``
and interrupted saves; exports go to new ``.json`` files beside them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .core.learning.classifier import LogisticModel
from .core.learning.dataset import Dataset, DatasetError, Sample, write_atomic
from .core.learning.features import NAMES
from .core.learning.learner import CLASSIFIER, HEURISTIC, Evaluation, load_bootstrap
from .core.learning.validate import SAMPLE_ID, read_json, short

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)
RESERVED = ("dataset.json", "classifier.json")  # the integration's own files: never exported over


class LearningFiles:
    """Paths and file operations of one config entry's learning data."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Files live in the config directory, outside custom_components/."""
        self.folder = Path(hass.config.path(DOMAIN))
        self.dataset_path = self.folder / "dataset.json"
        self.model_path = self.folder / "classifier.json"
        self.thumbnails = self.folder / "thumbnails"

    def load(self) -> tuple[Dataset, LogisticModel, Evaluation | None, Path | None]:
        """The dataset, the model and its evaluation, and where a damaged store was put."""
        aside = None
        try:
            dataset, _ = Dataset.load(self.dataset_path)
        except DatasetError as err:
            aside = self.dataset_path.with_name(
                f"dataset.corrupt-{dt_util.utcnow():%Y%m%d%H%M%S}.json"
            )
            self.dataset_path.replace(aside)
            _LOGGER.error(  # noqa: TRY400 - the reason is in the message
                "Fall Detection dataset unreadable (%s); kept as %s, starting empty. After "
                "repairing it, fall_detection.import_dataset with filename %s brings it back",
                err,
                aside,
                aside.name,
            )
            dataset = Dataset()
        try:
            raw = read_json(self.model_path)
            model = LogisticModel.from_dict(raw["model"], features=len(NAMES))
            return dataset, model, _evaluation(raw["evaluation"]), aside
        except FileNotFoundError:
            return dataset, load_bootstrap(), None, aside
        except (DatasetError, ValueError, KeyError, TypeError) as err:
            _LOGGER.warning(
                "Fall Detection classifier file unreadable (%s); using the bootstrap until "
                "the next training",
                err,
            )
            return dataset, load_bootstrap(), None, aside

    def save(
        self, dataset: Dataset, thumbnail: bytes | None, sample: Sample, dropped: list[str]
    ) -> None:
        """A new label: its thumbnail, the dataset, and the thumbnails the cap dropped."""
        if thumbnail is not None and sample.thumbnail:
            write_atomic(self.thumbnails / sample.thumbnail, thumbnail)
        self.forget(dataset, dropped)

    def forget(self, dataset: Dataset, images: list[str]) -> None:
        """Save the dataset, then delete thumbnails it no longer refers to."""
        dataset.save(self.dataset_path)  # first: a crash then leaves orphans, not dangling
        for name in images:
            self.delete_thumbnail(name)

    def delete_thumbnail(self, name: str) -> None:
        """Delete one of our thumbnails; any other name is refused (never leaves the folder)."""
        if name.endswith(".jpg") and SAMPLE_ID.fullmatch(name.removesuffix(".jpg")):
            (self.thumbnails / name).unlink(missing_ok=True)

    def save_model(self, model: LogisticModel, ev: Evaluation, dataset: Dataset) -> None:
        """The classifier with its evaluation, and the dataset (training resets its counter)."""
        data = {
            "model": model.to_dict(),
            "evaluation": {
                "classifier_accuracy": ev.classifier_accuracy,
                "heuristic_accuracy": ev.heuristic_accuracy,
                "test_samples": ev.test_samples,
                "active": ev.active,
            },
        }
        write_atomic(self.model_path, json.dumps(data).encode())
        dataset.save(self.dataset_path)

    def resolve_path(self, name: str) -> Path:
        """A file path given by a user, confined to the integration's folder."""
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="path_not_allowed",
                translation_placeholders={"path": name},
            )
        return path

    def export_path(self, name: str) -> Path:
        """Where an export may go: a new ``.json`` file directly in the integration's folder.

        Never one of the integration's own files (dataset, classifier, a file kept aside,
        the models and thumbnails folders), so an export cannot destroy what it exports.
        """
        path = self.resolve_path(name)
        if (
            path.parent != self.folder.resolve()
            or path.suffix != ".json"
            or path.name in RESERVED
            or path.name.startswith((".", "dataset.corrupt-"))
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="export_not_allowed",
                translation_placeholders={"path": short(name)},
            )
        return path

    def delete_all(self) -> None:
        """Our files only: the dataset, the classifier, our thumbnails, interrupted saves."""
        for path in (self.dataset_path, self.model_path):
            path.unlink(missing_ok=True)
        for pattern in (".dataset.json.*.tmp", ".classifier.json.*.tmp"):
            for tmp in self.folder.glob(pattern):
                tmp.unlink(missing_ok=True)
        if self.thumbnails.is_dir():
            for file in self.thumbnails.iterdir():
                if file.is_file() and not file.is_symlink():
                    if file.name.startswith(".") and file.name.endswith(".tmp"):
                        file.unlink(missing_ok=True)
                    else:
                        self.delete_thumbnail(file.name)


def _evaluation(raw: object) -> Evaluation:
    """The stored evaluation, checked: anything odd means "heuristic" until re-evaluated."""
    if not isinstance(raw, dict):
        raise TypeError("evaluation is not an object")
    accuracies = [raw.get("classifier_accuracy"), raw.get("heuristic_accuracy")]
    tests = raw.get("test_samples")
    if (
        raw.get("active") not in (HEURISTIC, CLASSIFIER)
        or not isinstance(tests, int)
        or isinstance(tests, bool)
        or tests < 0
        or any(
            a is not None and not (isinstance(a, float | int) and 0 <= a <= 1) for a in accuracies
        )
    ):
        raise ValueError("evaluation has values out of range")
    return Evaluation(accuracies[0], accuracies[1], tests, raw["active"])
