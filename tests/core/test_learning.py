"""Dataset, features and classifier of the on-device learning, on real pose sequences."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.learning.classifier import train
from custom_components.fall_detection.core.learning.dataset import (
    Dataset,
    DatasetError,
    Sample,
    sequence_to_json,
)
from custom_components.fall_detection.core.learning.features import NAMES, pose_features
from custom_components.fall_detection.core.learning.learner import (
    CLASSIFIER,
    HEURISTIC,
    evaluate,
    load_bootstrap,
    retrain,
)
from custom_components.fall_detection.core.pipeline import FramePipeline
from tests.core.models import EngineFactory
from tests.core.synthetic import body
from tests.paths import PAIRS, require


def _sequence(engine: PoseEngine, names: list[str]) -> list[tuple[float, np.ndarray]]:
    """A real pose sequence: one person over fixture frames 2 s apart."""
    pipeline = FramePipeline(engine)
    for index, name in enumerate(names):
        pipeline.process(require(PAIRS / "images" / name).read_bytes(), 2.0 * index)
    track = pipeline.detector.busiest_track()
    assert track is not None
    return pipeline.detector.recent(track)


def _sample(i: int, fall: bool, sequence: list) -> Sample:
    return Sample(f"id{i}", "camera.x", fall, "train", "", sequence_to_json(sequence))


def test_features_tell_a_fall_from_standing(engine_factory: EngineFactory) -> None:
    engine = engine_factory("movenet_lightning_int8")
    fall = pose_features(_sequence(engine, ["fall_img_1.png", "fall_img_2.png"]))
    still = pose_features(_sequence(engine, ["fall_img_1.png", "fall_img_4.png"]))
    assert fall.shape == still.shape == (len(NAMES),)
    assert fall[0] >= 0.5 > still[0]  # heuristic confidence
    assert fall[NAMES.index("hip_drop")] > still[NAMES.index("hip_drop")]
    bootstrap = load_bootstrap()
    assert bootstrap.proba(fall)[0] > 0.5 > bootstrap.proba(still)[0]


def test_every_tenth_label_goes_to_test_and_relabel_replaces() -> None:
    dataset = Dataset()
    seq = [(0.0, body().keypoints), (2.0, body().keypoints)]
    for i in range(25):
        dataset.label(_sample(i, i % 2 == 0, seq))
    assert dataset.counts() == {"train": 23, "test": 2}
    assert [s.sample_id for s in dataset.split("test")] == ["id9", "id19"]
    relabelled = dataset.label(_sample(9, fall=True, sequence=seq))
    assert relabelled.split == "test"
    assert len(dataset.samples) == 25
    assert dataset.samples["id9"].fall is True


def test_retention_forgets_old_images_then_old_samples() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    seq = [(0.0, body().keypoints), (2.0, body().keypoints)]
    dataset = Dataset()
    for i, age in enumerate((1, 40, 400)):
        sample = _sample(i, fall=True, sequence=seq)
        sample.created = (now - timedelta(days=age)).isoformat()
        sample.thumbnail = f"id{i}.jpg"
        dataset.label(sample)
    undated = _sample(9, fall=False, sequence=seq)
    undated.thumbnail = "id9.jpg"
    dataset.label(undated)

    assert dataset.expire(now, image_days=0, sample_days=0) == ([], 0)  # 0 keeps everything
    assert dataset.expire(now, image_days=30, sample_days=0) == (["id1.jpg", "id2.jpg"], 0)
    assert [s.thumbnail for s in dataset.samples.values()] == ["id0.jpg", None, None, "id9.jpg"]
    assert dataset.expire(now, image_days=30, sample_days=365) == ([], 1)
    assert sorted(dataset.samples) == ["id0", "id1", "id9"]  # undated samples are kept


def test_save_load_roundtrip_and_atomic(tmp_path: Path) -> None:
    dataset = Dataset()
    dataset.label(_sample(1, True, [(0.0, body().keypoints)]))
    path = tmp_path / "sub" / "dataset.json"
    dataset.save(path)
    assert [p.name for p in path.parent.iterdir()] == ["dataset.json"]  # no temp file left
    loaded, _ = Dataset.load(path)
    assert loaded.samples["id1"].fall is True
    assert loaded.labelled_total == 1
    np.testing.assert_allclose(loaded.samples["id1"].keypoints()[0][1], body().keypoints, atol=1e-3)


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"schema": 99}', b'{"schema": 1, "samples": [{"id": 1}]}']
)
def test_broken_file_is_a_dataset_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dataset.json"
    path.write_bytes(content)
    with pytest.raises(DatasetError):
        Dataset.load(path)


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert Dataset.load(tmp_path / "nope.json")[0].samples == {}


def test_logistic_regression_learns_separable_data() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)).astype(np.float32)
    y = x[:, 0] + 0.5 * x[:, 1] > 0
    model = train(x, y)
    assert model.accuracy(x, y) > 0.95
    restored = type(model).from_dict(json.loads(json.dumps(model.to_dict())))
    np.testing.assert_allclose(restored.proba(x), model.proba(x), rtol=1e-6)


def _labelled_dataset(engine: PoseEngine, wrong_heuristic: bool = False) -> Dataset:
    """Real sequences: falls (agree) and standing still (disagree), 30 labels."""
    falls = [
        _sequence(engine, ["fall_img_1.png", "fall_img_2.png"]),
        _sequence(engine, ["fall_img_1.png", "fall_img_3.png"]),
        _sequence(engine, ["fall_img_11.png", "fall_img_12.png"]),
        _sequence(engine, ["fall_img_1_1.png", "fall_img_2.png"]),
    ]
    still = [
        _sequence(engine, ["fall_img_1.png", "fall_img_4.png"]),
        _sequence(engine, ["fall_img_15.png", "fall_img_16.png"]),
        _sequence(engine, ["fall_img_5.png", "fall_img_7.png"]),
    ]
    dataset = Dataset()
    for i in range(30):
        fall = i % 2 == 0
        seq = falls[i % len(falls)] if fall else still[i % len(still)]
        dataset.label(_sample(i, fall != wrong_heuristic, seq))
    return dataset


def test_promotion_needs_ten_test_samples_and_ninety_percent(engine_factory: EngineFactory) -> None:
    engine = engine_factory("movenet_lightning_int8")
    dataset = _labelled_dataset(engine)
    model = retrain(dataset, load_bootstrap())
    assert dataset.counts()["test"] == 3
    assert evaluate(model, dataset).active == HEURISTIC  # only 3 test samples
    for i in range(30, 100):
        src = dataset.samples[f"id{i % 30}"]
        dataset.label(Sample(f"id{i}", "camera.x", src.fall, "train", "", src.sequence))
    result = evaluate(retrain(dataset, load_bootstrap()), dataset)
    assert result.test_samples == 10
    assert result.classifier_accuracy is not None
    assert result.classifier_accuracy >= 0.9
    assert result.active == CLASSIFIER


def test_demoted_when_labels_contradict_it(engine_factory: EngineFactory) -> None:
    """A user who disagrees with every fall: the classifier learns it, the heuristic cannot."""
    engine = engine_factory("movenet_lightning_int8")
    dataset = _labelled_dataset(engine, wrong_heuristic=True)
    for i in range(30, 100):
        src = dataset.samples[f"id{i % 30}"]
        dataset.label(Sample(f"id{i}", "camera.x", src.fall, "train", "", src.sequence))
    result = evaluate(load_bootstrap(), dataset)
    assert result.active == HEURISTIC  # the bootstrap model agrees with the heuristic: < 90 %
    assert result.classifier_accuracy is not None
    assert result.classifier_accuracy < 0.9
