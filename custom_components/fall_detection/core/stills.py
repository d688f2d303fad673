"""Small grey copies of the last minute's frames, to ask whether anything moved at a place.

A fall moves a body to where it was not a moment before: the pixels where the fallen person
lies now differ from the same pixels in the frame in which they still stood. A guess of the
pose model strung across a table and the floor (given a whole room in which it cannot read
the real person) lies where nothing moved. The detector asks how much the pixels at a lying
torso changed since the frame it measures the fall against (``detector.second``); this keeps
what it needs to answer.

Every analysed frame is kept as a grey copy ``WIDTH`` pixels wide (19 KB for 4:3) for
``keep_seconds``, at most ``MAX_FRAMES`` of them (a minute at the burst rate of 5 frames per
second). The change at a point is the mean absolute grey difference (0-255) over a square patch
around it. Light that changes over the whole frame (a camera's exposure) shows as change
everywhere, so it can only make a guess pass, never hide a fall.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy.typing as npt

WIDTH: Final = 160  # pixels across a kept copy
MAX_FRAMES: Final = 300  # kept copies, at most
MIN_HALF: Final = 1  # a patch is at least 3 x 3 kept pixels


class FrameMemory:
    """Grey copies of the frames of the last ``keep_seconds``, oldest first."""

    def __init__(self, keep_seconds: float = 60.0) -> None:
        """Keep nothing yet."""
        self.keep_seconds = keep_seconds
        self._frames: deque[tuple[float, npt.NDArray[np.uint8]]] = deque(maxlen=MAX_FRAMES)
        self._scale = 1.0  # kept pixels per source pixel

    def add(self, timestamp: float, image: Image.Image, source_size: tuple[int, int]) -> None:
        """Keep ``image`` (a frame of ``source_size`` pixels, maybe decoded smaller)."""
        if self._frames and timestamp < self._frames[-1][0]:
            self._frames.clear()  # a clock that went back starts over
        width = max(1, source_size[0])
        height = max(1, round(WIDTH * source_size[1] / width))
        grey = image.convert("L").resize((WIDTH, height), Image.Resampling.BOX)
        self._scale = WIDTH / width
        self._frames.append((timestamp, np.asarray(grey, dtype=np.uint8)))
        while timestamp - self._frames[0][0] > self.keep_seconds:
            self._frames.popleft()

    def change(
        self, points: Iterable[tuple[float, float]], radius: float, since: float
    ) -> float | None:
        """The largest change at ``points`` (source pixels) from ``since`` to the newest frame.

        Per point, the mean absolute grey difference over a square of half-side ``radius``
        (source pixels) between the newest kept frame and the one taken at ``since`` (the
        newest at or before it). None when no older frame of that time is kept, the two
        differ in size, or no point falls inside the frame.
        """
        if not self._frames:
            return None
        now = self._frames[-1][1]
        then = next((f for t, f in reversed(self._frames) if t <= since + 1e-6), None)
        if then is None or then is now or then.shape != now.shape:
            return None
        height, width = now.shape
        half = max(MIN_HALF, round(radius * self._scale))
        found: list[float] = []
        for x, y in points:
            cx, cy = round(x * self._scale), round(y * self._scale)
            x0, x1 = max(0, cx - half), min(width, cx + half + 1)
            y0, y1 = max(0, cy - half), min(height, cy + half + 1)
            if x0 < x1 and y0 < y1:
                patch_now = now[y0:y1, x0:x1].astype(np.int16)
                found.append(float(np.abs(patch_now - then[y0:y1, x0:x1]).mean()))
        return max(found) if found else None
