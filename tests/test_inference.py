"""The shared inference thread: a frame over its time limit never stalls the other cameras."""

from __future__ import annotations

import asyncio
import threading

import pytest

from custom_components.fall_detection.inference import (
    FrameTimeout,
    InferenceStopped,
    InferenceThread,
)


async def test_stuck_frame_is_dropped_and_the_queue_moves_on() -> None:
    thread = InferenceThread("test_inference")
    release = threading.Event()
    stuck = asyncio.ensure_future(thread.run("front", 0.2, release.wait, 5))
    await asyncio.sleep(0.05)
    other = asyncio.ensure_future(thread.run("hall", 0.2, lambda: "hall analysed"))
    with pytest.raises(FrameTimeout, match="longer than 0.2 s"):
        await stuck
    assert await asyncio.wait_for(other, 2) == "hall analysed"  # ran on the fresh thread
    with pytest.raises(FrameTimeout, match="still being analysed"):  # never two at once
        await thread.run("front", 0.2, lambda: "front again")
    release.set()
    await asyncio.sleep(0.1)
    assert await thread.run("front", 0.2, lambda: "front again") == "front again"
    assert len(thread.abandoned) == 1
    thread.shutdown()


async def test_errors_and_queued_time() -> None:
    thread = InferenceThread("test_inference")
    slow = threading.Event()
    first = asyncio.ensure_future(thread.run("a", 1.0, slow.wait, 0.3))
    second = asyncio.ensure_future(thread.run("b", 0.2, lambda: 2))  # queued 0.3 s: not counted
    assert await first is False
    assert await second == 2
    with pytest.raises(ZeroDivisionError):
        await thread.run("a", 1.0, lambda: 1 / 0)
    assert thread.abandoned == []
    thread.shutdown()


async def test_shutdown_cancels_queued_frames() -> None:
    thread = InferenceThread("test_inference")
    gate = threading.Event()
    running = asyncio.ensure_future(thread.run("a", 5, gate.wait, 5))
    queued = asyncio.ensure_future(thread.run("b", 5, lambda: 1))
    await asyncio.sleep(0.05)
    stopping = asyncio.get_running_loop().run_in_executor(
        None, lambda: thread.shutdown(cancel_futures=True)
    )
    await asyncio.sleep(0.05)
    gate.set()
    await stopping
    assert await running is True
    with pytest.raises(asyncio.CancelledError):
        await queued


async def test_a_frame_after_shutdown_is_dropped_not_an_unexpected_error() -> None:
    """A refresh that fires while Home Assistant stops gets a dropped frame (``FrameTimeout``)."""
    inference = InferenceThread("test")
    assert await inference.run("cam", 5.0, lambda: 1) == 1
    inference.shutdown()
    with pytest.raises(InferenceStopped):
        await inference.run("cam", 5.0, lambda: 2)
    assert issubclass(InferenceStopped, FrameTimeout)  # the coordinator's dropped-frame path
