"""Cutting a clip into shots from its sampled frames: a new shot starts where the colours change a lot."""

from __future__ import annotations

import numpy as np

from streams.video.media import signature_of

# Cosine distance between consecutive frames' colour signatures above which the picture is a new one.
CUT = 0.35


def shots(frames: list[tuple[float, np.ndarray]], duration: float, cut: float = CUT) -> list[tuple[float, float]]:
    """[(start, end)] covering [0, duration]; a boundary sits at the first frame that looks different."""
    if not frames:
        return [(0.0, duration)] if duration > 0 else []
    signatures = [np.asarray(signature_of(bgr[:, :, ::-1])) for _, bgr in frames]
    starts = [0.0]
    for (t, _), before, after in zip(frames[1:], signatures, signatures[1:], strict=False):
        if 1.0 - float(np.dot(before, after)) > cut:
            starts.append(t)
    ends = starts[1:] + [max(duration, starts[-1])]
    return [(round(s, 3), round(e, 3)) for s, e in zip(starts, ends, strict=True)]
