"""Small grey copies of the last frames, to ask whether anything moved in a box.

The pose model, given a room, sometimes strings a "person" across furniture, so a new person
must be found with a confident torso before they are followed (``people``). A real person who
is small in the frame, far away or half in the dark scores lower than that, and is lost. What
tells them apart from furniture is that people move: the pixels of a person walking into view
differ from the same pixels a second before, a chair's do not. ``people`` asks how much a new
person's box changed since then; this keeps what it needs to answer.

Every analysed frame is kept as a grey copy ``WIDTH`` pixels wide (19 KB for 4:3) for
``keep_seconds``, at most ``MAX_FRAMES`` of them. The change over a box is the mean absolute
grey difference (0-255) of its pixels. Light that changes over the whole frame (a camera's
exposure) shows as change everywhere; the caller keeps a moving person away from the people
it already follows, whose own movement changes the pixels where they were and are.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    import numpy.typing as npt

    from .types import Box

WIDTH: Final = 160  # pixels across a kept copy
MAX_FRAMES: Final = 300  # kept copies, at most


class FrameMemory:
    """Grey copies of the frames of the last ``keep_seconds``, oldest first."""

    def __init__(self, keep_seconds: float) -> None:
        """Keep nothing yet."""
        self.keep_seconds = keep_seconds
        self._frames: deque[tuple[float, npt.NDArray[np.uint8]]] = deque(maxlen=MAX_FRAMES)
        self._scale = 1.0  # kept pixels per source pixel

    def __len__(self) -> int:
        """How many copies are kept."""
        return len(self._frames)

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

    def box_change(self, box: Box, since: float) -> float | None:
        """Mean change over ``box`` (source pixels) from ``since`` to the newest frame.

        The mean absolute grey difference over the kept pixels inside the box between the
        newest kept frame and the newest one taken at or before ``since``. None when no such
        older frame is kept, the two differ in shape (the camera's view changed), or the
        box lies outside the frame.
        """
        if not self._frames:
            return None
        now = self._frames[-1][1]
        then = next((f for t, f in reversed(self._frames) if t <= since + 1e-6), None)
        if then is None or then is now or then.shape != now.shape:
            return None
        height, width = now.shape
        x0, x1 = max(0, int(box.xmin * self._scale)), min(width, int(box.xmax * self._scale) + 1)
        y0, y1 = max(0, int(box.ymin * self._scale)), min(height, int(box.ymax * self._scale) + 1)
        if x0 >= x1 or y0 >= y1:
            return None
        return float(np.abs(now[y0:y1, x0:x1].astype(np.int16) - then[y0:y1, x0:x1]).mean())
