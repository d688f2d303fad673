"""The command line tool, on a real clip and a folder of real frames."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from custom_components.fall_detection.core import cli
from custom_components.fall_detection.core.detector import FloorModel
from tests.paths import FIXTURES, MODELS, PAIRS, require


@pytest.fixture(autouse=True)
def models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(require(MODELS)))


def test_clip_prints_the_fall_and_writes_a_video(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "annotated.mp4"
    clip = require(FIXTURES / "clips" / "Subject1_fall_15.mp4")
    assert cli.main([str(clip), "--annotate", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "fall_detected" in printed
    assert "1 fall(s)" in printed
    # Sampled as the integration samples a camera: 1 per second, faster while going down.
    assert "11 frames analysed" in printed
    with av.open(str(out)) as container:
        decoded = list(container.decode(video=0))
    assert 29 <= len(decoded) <= 33  # real time: about 6 s at 5 frames per second
    assert decoded[0].width == 640


def test_a_fixed_rate_without_bursts(capsys: pytest.CaptureFixture[str]) -> None:
    clip = require(FIXTURES / "clips" / "Subject1_fall_15.mp4")
    assert cli.main([str(clip), "--no-bursts"]) == 0
    printed = capsys.readouterr().out
    assert "6 frames analysed" in printed  # 6.0 s at 1 per second
    assert "1 fall(s)" in printed


def test_the_command_line_defaults_are_the_integrations() -> None:
    from custom_components.fall_detection import const

    args = cli.parse(["clip.mp4"])
    assert args.fps == const.DEFAULT_FPS
    assert args.bursts is const.DEFAULT_BURSTS
    assert args.threshold == const.DEFAULT_THRESHOLD


def test_image_folder_on_the_portable_backend(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([str(require(PAIRS / "images")), "--fps", "0.5", "--backend", "portable"]) == 0
    printed = capsys.readouterr().out
    assert "on portable" in printed
    assert "17 frames analysed" in printed


def test_missing_model_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(tmp_path))
    assert cli.main([str(tmp_path), "--model", "movenet_thunder_fp16"]) == 2
    assert "not found" in capsys.readouterr().err


def test_clip_as_camera_stills() -> None:
    """video_jpegs: what the development camera and the cameras benchmark replay."""
    import io

    from PIL import Image

    from custom_components.fall_detection.core.video import video_jpegs

    stills = video_jpegs(require(FIXTURES / "clips" / "Subject1_fall_15.mp4"), 2.0, width=320)
    assert len(stills) == 12  # 6.0 s at 2 frames per second
    with Image.open(io.BytesIO(stills[0])) as image:
        assert image.format == "JPEG"
        assert image.width == 320


def test_a_frame_as_a_camera_still() -> None:
    """camera_still: a real frame as the JPEG a camera serves; the quality is what was asked."""
    import io

    import numpy as np
    from PIL import Image

    from custom_components.fall_detection.core.video import camera_still, video_frames

    _t, rgb = next(iter(video_frames(require(FIXTURES / "clips" / "Subject1_fall_15.mp4"), 1.0)))
    assert isinstance(rgb, np.ndarray)
    good, poor = camera_still(rgb), camera_still(rgb, 30)
    assert len(poor) < len(good)
    with Image.open(io.BytesIO(good)) as image:
        assert image.format == "JPEG"
        assert (image.width, image.height) == (rgb.shape[1], rgb.shape[0])
        error = np.abs(np.asarray(image.convert("RGB"), np.float32) - rgb).mean()
    assert error < 4  # the same picture, not a blank or another frame
    with Image.open(io.BytesIO(poor)) as image:
        assert np.abs(np.asarray(image.convert("RGB"), np.float32) - rgb).mean() > error


def test_floor_is_learned_written_and_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Le2i, people walking: the floor file grows over two runs; the video shows it in blue."""
    floor = tmp_path / "floor.json"
    first = require(FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_01.mp4")
    second = require(FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_02.mp4")
    assert cli.main([str(first), "--floor", str(floor), "--fps", "5"]) == 0
    learned = FloorModel.from_dict(json.loads(floor.read_text()))
    assert learned.samples > 0
    out = tmp_path / "annotated.mp4"
    assert cli.main([str(second), "--floor", str(floor), "--annotate", str(out), "--fps", "5"]) == 0
    again = FloorModel.from_dict(json.loads(floor.read_text()))
    assert again.samples > learned.samples
    assert "learned floor" in capsys.readouterr().out
    mask = again.mask()
    assert mask is not None
    with av.open(str(out)) as container:
        last = list(container.decode(video=0))[-1].to_ndarray(format="rgb24").astype(float)
    rows, cols = mask.shape
    h, w = last.shape[0] // rows, last.shape[1] // cols
    cells = [
        last[r * h : (r + 1) * h, c * w : (c + 1) * w] for r in range(rows) for c in range(cols)
    ]
    blue = [float(cell[..., 2].mean() - cell[..., 0].mean()) for cell in cells]
    floor_blue = np.mean([b for b, m in zip(blue, mask.ravel(), strict=True) if m])
    other_blue = np.mean([b for b, m in zip(blue, mask.ravel(), strict=True) if not m])
    assert floor_blue > other_blue + 20  # the learned floor is tinted blue


def test_damaged_floor_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    floor = tmp_path / "floor.json"
    floor.write_text('{"version": 1, "grid": [24, 32], "cells": [[0, 0, NaN]]}')
    clip = require(FIXTURES / "clips" / "Subject1_fall_15.mp4")
    assert cli.main([str(clip), "--floor", str(floor)]) == 2
    assert "is not a learned floor" in capsys.readouterr().err
