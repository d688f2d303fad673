"""Strict reading of stored and imported labels, the classifier's weights and odd frames."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from custom_components.fall_detection.core.errors import ImageError
from custom_components.fall_detection.core.learning.classifier import LogisticModel, train
from custom_components.fall_detection.core.learning.dataset import Dataset, DatasetError, Sample
from custom_components.fall_detection.core.learning.learner import evaluate, load_bootstrap
from custom_components.fall_detection.core.preprocess import MAX_OTHER_PIXELS, open_image
from tests.core.synthetic import body
from tests.paths import PAIRS, require


def _raw(sample_id: str = "a1", **changes: object) -> dict[str, object]:
    keypoints = np.round(body().keypoints, 2).tolist()
    raw: dict[str, object] = {
        "id": sample_id,
        "camera": "camera.x",
        "fall": True,
        "split": "train",
        "created": "2026-01-01T00:00:00+00:00",
        "sequence": [[0.0, keypoints], [1.0, keypoints]],
        "thumbnail": f"{sample_id}.jpg",
    }
    return raw | changes


BAD_SAMPLES = {
    "NaN keypoint": {"sequence": [[0.0, [[math.nan, 1.0, 0.5]] + [[1.0, 1.0, 0.5]] * 16]]},
    "infinite time": {"sequence": [[math.inf, [[1.0, 1.0, 0.5]] * 17]]},
    "16 keypoints": {"sequence": [[0.0, [[1.0, 1.0, 0.5]] * 16]]},
    "string fall": {"fall": "false"},
    "numeric fall": {"fall": 1},
    "id with a slash": {"id": "../x"},
    "boolean coordinate": {"sequence": [[0.0, [[True, 1.0, 0.5]] * 17]]},
    "empty sequence": {"sequence": []},
    "sequence is text": {"sequence": "abc"},
}


@pytest.mark.parametrize("name", list(BAD_SAMPLES))
def test_malformed_sample_is_refused(name: str) -> None:
    with pytest.raises(DatasetError):
        Sample.from_dict(_raw(**BAD_SAMPLES[name]))


@pytest.mark.parametrize("thumbnail", ["../../secrets.yaml", "/etc/passwd", 123, "b1.jpg"])
def test_foreign_thumbnail_names_are_dropped_on_import(thumbnail: object) -> None:
    data = {"schema": 1, "samples": [_raw(thumbnail=thumbnail), _raw("a2")]}
    dataset, rejected = Dataset.from_dict(data, strict=False)
    assert dataset.samples["a1"].thumbnail is None
    assert dataset.samples["a2"].thumbnail == "a2.jpg"
    assert rejected.thumbnails == 1
    with pytest.raises(DatasetError):  # our own store: the whole file is set aside instead
        Dataset.from_dict(data)


def test_import_drops_and_counts_bad_samples() -> None:
    samples = [_raw(f"s{i}") for i in range(5)] + [
        _raw(f"b{n}", **c) for n, c in enumerate(BAD_SAMPLES.values())
    ]
    dataset, rejected = Dataset.from_dict({"schema": 1, "samples": samples}, strict=False)
    assert sorted(dataset.samples) == [f"s{i}" for i in range(5)]
    assert rejected.samples == len(BAD_SAMPLES)


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe{}",
        b'{"schema": 1, "samples": 5}',
        b'{"schema": 1, "labelled_total": "abc"}',
        b'{"schema": 1, "labelled_total": null}',
        b'{"schema": 1, "labelled_total": -1}',
        b'{"schema": 1, "samples": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_damaged_store_is_a_dataset_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dataset.json"
    path.write_bytes(content)
    with pytest.raises(DatasetError):
        Dataset.load(path)


def test_cap_drops_oldest_training_samples_first() -> None:
    dataset = Dataset()
    for i in range(10):
        sample = Sample.from_dict(_raw(f"s{i}", created=f"2026-01-{i + 1:02d}"))
        dataset.label(sample)
    assert [s.split for s in dataset.samples.values()].count("test") == 1  # the 10th
    dropped = dataset.cap(limit=6)
    assert [s.sample_id for s in dropped] == ["s0", "s1", "s2", "s3"]
    assert "s9" in dataset.samples  # the test sample stays
    assert dataset.cap(limit=6) == []


def test_model_with_nan_is_refused_and_never_promoted() -> None:
    good = load_bootstrap()
    raw = good.to_dict() | {"weights": [math.nan] * len(good.weights)}
    with pytest.raises(ValueError, match="non-finite"):
        LogisticModel.from_dict(raw)
    with pytest.raises(ValueError, match="numbers each"):
        LogisticModel.from_dict(good.to_dict(), features=3)
    poisoned = LogisticModel(good.mean, good.std, np.full_like(good.weights, np.nan), 0.0)
    dataset = Dataset()
    for i in range(20):
        dataset.label(Sample.from_dict(_raw(f"t{i}", fall=i % 2 == 0)))
    for sample in dataset.samples.values():
        sample.split = "test"
    assert evaluate(poisoned, dataset).active == "heuristic"


def test_training_on_nan_features_keeps_weights_finite() -> None:
    x = np.ones((10, 3), np.float32)
    x[0, 0] = np.nan
    model = train(x, np.arange(10) % 2 == 0)
    assert not model.is_finite()  # what retrain() refuses to keep (it returns the prior)


def _encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def test_exif_orientation_is_applied() -> None:
    with Image.open(require(PAIRS / "images" / "fall_img_1.png")) as image:
        upright = image.convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = _encoded(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", exif=exif.tobytes())
    decoded = open_image(stored, (192, 192))
    assert decoded.source_size == upright.size
    assert decoded.image.size[0] > decoded.image.size[1]


def test_sixteen_bit_gray_is_scaled_not_white() -> None:
    ramp = (np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16).astype(np.uint16)
    decoded = open_image(_encoded(Image.fromarray(ramp), "PNG"))
    pixels = np.asarray(decoded.image)
    assert pixels.min() == 0
    assert 200 < pixels.max() < 256
    assert (pixels == 255).mean() < 0.01  # was 99 % white


def test_large_non_jpeg_refused_and_large_png_reduced() -> None:
    side = math.isqrt(MAX_OTHER_PIXELS) + 10
    with pytest.raises(ImageError, match="formats other than JPEG"):
        open_image(_encoded(Image.new("RGB", (side, side)), "PNG"), (192, 192))
    decoded = open_image(_encoded(Image.new("RGB", (3000, 2000)), "PNG"), (192, 192))
    assert decoded.source_size == (3000, 2000)
    assert decoded.image.size[0] <= 600  # reduced before the rotated retry ever sees it


def test_store_roundtrip_keeps_epoch_times(tmp_path: Path) -> None:
    raw = _raw(sequence=[[1796161399.352, np.round(body().keypoints, 2).tolist()]])
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"schema": 1, "samples": [raw], "labelled_total": 1}))
    dataset, _ = Dataset.load(path)
    assert dataset.samples["a1"].sequence[0][0] == pytest.approx(1796161399.352)
