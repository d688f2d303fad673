"""Train, evaluate and promote the classifier against the heuristic on the local test set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from .classifier import LogisticModel, train
from .features import NAMES, heuristic_says_fall, pose_features

if TYPE_CHECKING:
    from .dataset import Dataset, Sample

BOOTSTRAP_PATH: Final = Path(__file__).with_name("bootstrap.json")
PROMOTE_ACCURACY: Final = 0.9
MIN_TEST_SAMPLES: Final = 10
RETRAIN_EVERY: Final = 100
HEURISTIC: Final = "heuristic"
CLASSIFIER: Final = "classifier"


def load_bootstrap() -> LogisticModel:
    """The classifier shipped with the integration (trained on public fall clips)."""
    raw = json.loads(BOOTSTRAP_PATH.read_text(encoding="utf-8"))
    return LogisticModel.from_dict(raw, features=len(NAMES))


def matrix(samples: list[Sample]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """Features and labels of samples."""
    if not samples:
        return np.zeros((0, len(NAMES)), np.float32), np.zeros(0, bool)
    x = np.stack([pose_features(s.keypoints()) for s in samples])
    y = np.array([s.fall for s in samples], bool)
    finite = np.isfinite(x).all(axis=1)  # a degenerate pose must not poison the weights
    return x[finite], y[finite]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Test-set accuracies and the resulting active detector."""

    classifier_accuracy: float | None
    heuristic_accuracy: float | None
    test_samples: int
    active: str


def evaluate(model: LogisticModel, dataset: Dataset) -> Evaluation:
    """Compare classifier and heuristic on the test set and decide which one is active."""
    x, y = matrix(dataset.split("test"))
    if len(y) == 0:
        return Evaluation(None, None, 0, HEURISTIC)
    if not model.is_finite():  # never promote a model that cannot say "fall"
        return Evaluation(None, None, len(y), HEURISTIC)
    classifier = model.accuracy(x, y)
    heuristic = float(np.mean([heuristic_says_fall(x[i]) == y[i] for i in range(len(y))]))
    promoted = (
        len(y) >= MIN_TEST_SAMPLES and classifier >= PROMOTE_ACCURACY and classifier >= heuristic
    )
    return Evaluation(classifier, heuristic, len(y), CLASSIFIER if promoted else HEURISTIC)


def retrain(dataset: Dataset, prior: LogisticModel) -> LogisticModel:
    """Train on the training split, starting from ``prior`` (the bootstrap model)."""
    x, y = matrix(dataset.split("train"))
    if len(y) == 0 or y.all() or not y.any():
        return prior
    model = train(x, y, prior=prior, epochs=300)
    return model if model.is_finite() else prior
