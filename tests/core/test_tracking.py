"""The tracker keeps a person through a fall, also when the pose model lost them for a moment."""

from __future__ import annotations

from custom_components.fall_detection.core.detector.tracking import Tracker, affinity
from tests.core.models import EngineFactory
from tests.core.replay import replay_clip
from tests.core.synthetic import body
from tests.paths import FIXTURES, require


def test_a_person_unseen_for_longer_may_have_moved_further() -> None:
    standing = body((300, 300))
    elsewhere = body((700, 700), tilt=85, legs=False)  # the body's centre moved a lot
    assert affinity(standing, elsewhere) < 0.1  # a moment later: somebody else
    assert affinity(standing, elsewhere, unseen=2.0) > 0.1  # two seconds later: may be them
    # The reach is capped: ten seconds unseen is no further than two.
    assert affinity(standing, elsewhere, unseen=10.0) == affinity(standing, elsewhere, unseen=2.0)


def test_the_tracker_keeps_a_person_lost_for_a_frame_mid_fall() -> None:
    tracker = Tracker(max_age=10.0)
    (first,) = tracker.update((body((300, 300)),), 0.0)
    assert tracker.update((), 1.0) == []  # lost for a frame
    (later,) = tracker.update((body((700, 700), tilt=85, legs=False),), 2.0)
    assert later[0].track_id == first[0].track_id
    # The same jump 0.2 s after the last sighting is a second person, not the first one.
    tracker = Tracker(max_age=10.0)
    ((standing, _),) = tracker.update((body((300, 300)),), 0.0)
    ((other, _),) = tracker.update((body((700, 700), tilt=85, legs=False),), 0.2)
    assert other.track_id != standing.track_id
    assert len(tracker.tracks) == 2


def test_with_two_people_a_lost_track_does_not_reach_further() -> None:
    """Two people tracked, one missed for 2 s: someone far from them is not taken for them."""
    tracker = Tracker(max_age=10.0)
    left, right = body((300, 300)), body((1500, 300))
    ((a, _), (b, _)) = tracker.update((left, right), 0.0)
    tracker.update((right,), 1.0)  # the left person missed
    far = body((700, 700), tilt=85, legs=False)  # as far as in the one-person test above
    pairs = tracker.update((right, far), 2.0)
    assert pairs[0][0].track_id == b.track_id
    assert pairs[1][0].track_id not in (a.track_id, b.track_id)  # someone new
    assert len(tracker.tracks) == 3


def test_a_real_fall_whose_faller_is_lost_mid_fall_is_caught(
    engine_factory: EngineFactory,
) -> None:
    """Le2i Coffee_room_01_video_12 (fall 2.08-2.96 s): nobody is found at 3 s, then lying."""
    clip = require(FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_12.mp4")
    replayed = replay_clip(engine_factory("movenet_lightning_int8"), clip, 25.0)
    ids, alerts = replayed.track_ids, [e.timestamp for e in replayed.alerts]
    assert ids == {1}  # one person, one track, before and after the gap
    assert len(alerts) == 1
    assert 2.08 - 0.5 <= alerts[0] <= 2.96 + 5.0


def test_a_track_born_in_this_frame_is_not_established() -> None:
    """``established`` counts the tracks seen before the frame at hand (the detector's "alone")."""
    tracker = Tracker()
    tracker.update((body((300, 300)),), 0.0)
    assert tracker.established(0.0) == 0  # everyone is new in the first frame
    tracker.update((body((300, 300)), body((600, 300))), 1.0)
    assert tracker.established(1.0) == 1  # the second person was first seen just now
    tracker.update((body((300, 300)), body((600, 300))), 2.0)
    assert tracker.established(2.0) == 2
    tracker.update((), 3.0)
    assert tracker.established(3.0) == 2  # unseen now, but seen before
