"""The inference thread shared by an entry's cameras, with a time limit per frame.

All cameras of an entry analyse their frames one at a time in one thread, so the
interpreter never runs two frames at once. A frame that takes longer than the
limit (a pathological image, a stalled device) must not stall every camera: its
caller gets ``FrameTimeout``, the thread is abandoned (a running Python function
cannot be interrupted; it finishes on its own), and the frames queued behind it
move to a fresh thread. Until the abandoned frame finishes, its camera's new
frames are refused with ``FrameTimeout`` too, so one camera's detector is never
run by two threads at once. The model itself is serialised by its backend's lock:
a frame stuck inside the model still delays the others until it returns.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable


class FrameTimeout(Exception):  # noqa: N818 - a timeout, named as the caller sees it
    """The frame was dropped: it took too long, or its camera's last frame still runs."""


class InferenceStopped(FrameTimeout):
    """The frame was dropped: the thread has been shut down (Home Assistant is stopping).

    A camera's refresh can still fire while Home Assistant stops; the executor then refuses
    new work with a bare ``RuntimeError``, which would reach Home Assistant as an unexpected
    error (seen once in the fault suite's "stops mid-training").
    """


@dataclass(slots=True)
class _Job:
    key: Hashable
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    started: asyncio.Future[None]
    done: asyncio.Future[Any]


class InferenceThread:
    """One worker thread at a time; replaced when a frame overstays its limit."""

    def __init__(self, name: str) -> None:
        """Start the first thread."""
        self._name = name
        self.executor = self._new_executor()
        self._jobs: dict[Future[Any], _Job] = {}
        self._busy: set[Hashable] = set()  # keys whose abandoned frame is still running
        self.abandoned: list[ThreadPoolExecutor] = []

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)

    async def run(self, key: Hashable, limit: float, fn: Callable[..., Any], *args: Any) -> Any:  # noqa: ANN401
        """Run ``fn(*args)`` in the thread; ``FrameTimeout`` after ``limit`` seconds of running."""
        if key in self._busy:
            raise FrameTimeout("the previous frame of this camera is still being analysed")
        loop = asyncio.get_running_loop()
        job = _Job(key, fn, args, loop.create_future(), loop.create_future())
        self._submit(loop, job)
        await asyncio.shield(job.started)  # queued time does not count
        try:
            return await asyncio.wait_for(asyncio.shield(job.done), limit)
        except TimeoutError:
            job.done.cancel()  # its result, whenever it comes, is not wanted
            self._busy.add(key)
            self._replace(loop)
            raise FrameTimeout(f"analysis took longer than {limit:g} s") from None

    def _submit(self, loop: asyncio.AbstractEventLoop, job: _Job) -> None:
        def work() -> Any:  # noqa: ANN401
            loop.call_soon_threadsafe(_resolve, job.started, None, None)
            return job.fn(*job.args)

        try:
            future = self.executor.submit(work)
        except RuntimeError as err:  # shut down: no new futures
            raise InferenceStopped("the analysis thread has stopped") from err
        self._jobs[future] = job
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finished, f))

    def _finished(self, future: Future[Any]) -> None:
        job = self._jobs.pop(future, None)
        if job is None:  # moved to a new thread
            return
        if future.cancelled():  # the thread was shut down before it ran
            job.started.cancel()
            job.done.cancel()
            return
        self._busy.discard(job.key)
        error = future.exception()
        _resolve(job.done, None if error else future.result(), error)

    def _replace(self, loop: asyncio.AbstractEventLoop) -> None:
        """Abandon the stuck thread; frames queued behind it move to a new one."""
        old, self.executor = self.executor, self._new_executor()
        self.abandoned.append(old)
        for future, job in list(self._jobs.items()):
            if future.cancel():  # not started yet
                del self._jobs[future]
                self._submit(loop, job)
        old.shutdown(wait=False)

    def shutdown(self, *, cancel_futures: bool = False) -> None:
        """Stop the thread after the running frame (abandoned threads end on their own)."""
        self.executor.shutdown(wait=True, cancel_futures=cancel_futures)


def _resolve(target: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:  # noqa: ANN401
    if target.done():
        return
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(result)
