"""The fall detector on real frames: Ambianic's pairs, fall clips, hard negatives, tracking."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from custom_components.fall_detection.core.detector import AmbianicHeuristic, FallEventType
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.evaluation import Labelled, Score, score_clip
from custom_components.fall_detection.core.pairs import run_pairs
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.video import frames
from tests.core.models import EngineFactory
from tests.paths import FIXTURES, NEGATIVES, PAIRS, require

CLIPS = FIXTURES / "clips"
DEFAULT = "movenet_lightning_int8"


def _clips() -> list[tuple[Labelled, Path]]:
    rows = list(csv.DictReader(require(CLIPS / "sequences.csv").open()))
    return [
        (
            Labelled(
                r["seq_id"],
                ((float(r["fall_start_s"]), float(r["fall_end_s"])),)
                if r["label"] == "fall"
                else (),
            ),
            FIXTURES / r["path"],
        )
        for r in rows
    ]


def _events(engine: PoseEngine, path: Path, fps: float, stretch: float = 1.0) -> list:
    pipeline = FramePipeline(engine)
    events = []
    for t, image in frames(path, fps):
        events += pipeline.process(image, t * stretch).events
    return events


@pytest.mark.parametrize("model", [DEFAULT, "movenet_thunder_int8", "movenet_multipose_fp16"])
def test_all_ambianic_pairs(engine_factory: EngineFactory, model: str) -> None:
    outcomes = run_pairs(engine_factory(model), require(PAIRS))
    assert len(outcomes) == 14
    failed = [(o.test_id, o.expected, o.got) for o in outcomes if not o.ok]
    assert failed == []
    for outcome in outcomes:
        for verdict, confidence in zip(outcome.got, outcome.confidences, strict=True):
            assert (verdict == "FALL") == (confidence >= 0.5)


def test_baseline_heuristic_reproduces_pairs(engine_factory: EngineFactory) -> None:
    """The fixed Ambianic baseline alone, on the people the pipeline finds."""
    pipeline = FramePipeline(engine_factory("movenet_thunder_fp16"))
    for row in csv.DictReader(require(PAIRS / "pairs.csv").open()):
        names = row["frames_in_order"].split(">")
        expected = row["expected_movenet_thunder_conf0.11"].split(",")
        expected = ["NO_FALL"] * (len(names) - len(expected)) + expected
        gap = 0.5 if row["test_id"] == "case_2_1" else 2.0
        heuristic, got = AmbianicHeuristic(), []
        for index, name in enumerate(names):
            people = pipeline.estimate((PAIRS / "images" / name).read_bytes()).people
            person = max(people, key=lambda p: p.score) if people else None
            got.append("FALL" if heuristic.update(person, index * gap) else "NO_FALL")
        assert got == expected, row["test_id"]


@pytest.mark.parametrize("fps", [1, 2, 5])
def test_every_fall_clip_detected_without_false_alarms(
    engine_factory: EngineFactory, fps: float
) -> None:
    engine, total = engine_factory(DEFAULT), Score()
    for clip, path in _clips():
        alerts = [e.timestamp for e in _events(engine, require(path), fps) if e.is_alert]
        score = score_clip(clip, alerts)
        assert score.false_alarms == 0, (clip.seq_id, alerts)
        assert score.detected == score.falls, (clip.seq_id, alerts)
        assert len(alerts) == len(clip.falls), (clip.seq_id, alerts)  # one alert per fall
        total.add(score)
    assert (total.falls, total.detected, total.false_alarms) == (6, 6, 0)


def test_doorbell_clip_of_upright_person_never_alerts(engine_factory: EngineFactory) -> None:
    clip = require(NEGATIVES / "edge_test2-cam-person1.mkv")
    assert _events(engine_factory(DEFAULT), clip, 5) == []


@pytest.mark.parametrize(
    "clip", ["Subject1_adl_16.mp4", "Subject2_adl_23.mp4", "Subject1_adl_10.mp4"]
)
def test_everyday_activities_never_alert_even_in_slow_motion(
    engine_factory: EngineFactory, clip: str
) -> None:
    """Bending to pick up a phone while seated, sitting on a bed, walking, at 1 x and 10 x."""
    engine = engine_factory(DEFAULT)
    assert _events(engine, require(CLIPS / clip), 5) == []
    assert _events(engine, require(CLIPS / clip), 5, stretch=10) == []


def test_getting_up_is_not_a_fall(engine_factory: EngineFactory) -> None:
    """A backward fall played in reverse: lying, then standing up."""
    pipeline = FramePipeline(engine_factory(DEFAULT))
    clip = list(frames(require(CLIPS / "Subject1_fall_13.mp4"), 2))
    for (t, _), (_, image) in zip(clip, reversed(clip), strict=True):
        assert pipeline.process(image, t).events == []


@pytest.mark.parametrize("clip", ["Subject1_fall_15.mp4", "Subject1_fall_13.mp4"])
def test_slow_slide_is_detected(engine_factory: EngineFactory, clip: str) -> None:
    """Real falls slowed 20 x: the descent takes ~20 s, far beyond the 10 s window."""
    engine = engine_factory(DEFAULT)
    pipeline = FramePipeline(engine)
    events, t = [], 0.0
    for t_clip, image in frames(require(CLIPS / clip), 10):
        t = t_clip * 20
        events += pipeline.process(image, t).events
    for second in range(1, 30):  # the person stays down
        events += pipeline.process(image, t + second).events
    detected = [e for e in events if e.type is FallEventType.DETECTED]
    assert len(detected) == 1
    assert detected[0].reason == "slow_descent"
    assert any(e.type is FallEventType.CONFIRMED for e in events)


def test_fall_confirmed_when_person_stays_down(engine_factory: EngineFactory) -> None:
    pipeline = FramePipeline(engine_factory(DEFAULT))
    events, t = [], 0.0
    for t, image in frames(require(CLIPS / "Subject1_fall_15.mp4"), 2):
        events += pipeline.process(image, t).events
    for extra in (1, 2, 3):
        events += pipeline.process(image, t + extra).events
    kinds = [e.type for e in events]
    assert kinds == [FallEventType.DETECTED, FallEventType.CONFIRMED]
    assert events[1].timestamp - events[0].timestamp >= 5.0


def test_fall_then_getting_up_is_dismissed(engine_factory: EngineFactory) -> None:
    pipeline = FramePipeline(engine_factory(DEFAULT))
    images = ["fall_img_1.png", "fall_img_2.png", "fall_img_1.png"]
    kinds = []
    for index, name in enumerate(images):
        kinds += [
            e.type
            for e in pipeline.process((PAIRS / "images" / name).read_bytes(), 2.0 * index).events
        ]
    assert kinds == [FallEventType.DETECTED, FallEventType.DISMISSED]


def _side_by_side(left: str, right: str) -> bytes:
    a = Image.open(require(PAIRS / "images" / left)).convert("RGB")
    b = Image.open(require(PAIRS / "images" / right)).convert("RGB").resize(a.size)
    canvas = Image.new("RGB", (a.width * 2, a.height))
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width, 0))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_two_people_tracked_apart_and_only_the_faller_reported(
    engine_factory: EngineFactory,
) -> None:
    """Two real scenes side by side: the left person falls, the right one keeps walking."""
    pipeline = FramePipeline(engine_factory("movenet_multipose_fp16"))
    sequence = [
        _side_by_side("fall_img_1.png", "fall_img_15.png"),
        _side_by_side("fall_img_1_1.png", "fall_img_16.png"),
        _side_by_side("fall_img_2.png", "fall_img_16.png"),
    ]
    ids_per_frame, events = [], []
    for index, frame in enumerate(sequence):
        result = pipeline.process(frame, 2.0 * index)
        events += result.events
        ids_per_frame.append(sorted(pipeline.detector.tracker.tracks))
    assert all(len(ids) == 2 for ids in ids_per_frame)
    assert ids_per_frame[0] == ids_per_frame[-1]  # nobody lost or swapped
    (event,) = events
    assert event.type is FallEventType.DETECTED
    assert event.box.xmax <= 640 + 20  # the left half
    xs = event.person.keypoints[:, 0][event.person.keypoints[:, 2] > 0.3]
    assert np.all(xs < 660)  # keypoints of one person, never mixed with the other
