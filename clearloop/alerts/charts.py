"""Small PNG charts for email: a daily series as a line with its baseline, drawn with
Pillow so every mail client shows it (no scripts, no remote images; ADR 0020)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

WIDTH, HEIGHT, MARGIN = 480, 120, 10
LINE = (37, 84, 214)
BASE = (138, 148, 166)
TARGET = (31, 138, 76)


def sparkline_png(values: Sequence[float], *, target: float | None = None) -> bytes:
    """The values left to right, scaled to the chart; an empty chart for no values."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.line([(MARGIN, HEIGHT - MARGIN), (WIDTH - MARGIN, HEIGHT - MARGIN)], fill=BASE)
    if values:
        lows = [*values, target] if target is not None else list(values)
        low, high = min(lows), max(lows)
        span = (high - low) or 1.0

        def y(value: float) -> float:
            return HEIGHT - MARGIN - (value - low) / span * (HEIGHT - 2 * MARGIN)

        step = (WIDTH - 2 * MARGIN) / max(1, len(values) - 1)
        points = [(MARGIN + index * step, y(value)) for index, value in enumerate(values)]
        if target is not None:
            draw.line([(MARGIN, y(target)), (WIDTH - MARGIN, y(target))], fill=TARGET)
        if len(points) > 1:
            draw.line(points, fill=LINE, width=2)
        else:
            x, top = points[0]
            draw.ellipse([x - 3, top - 3, x + 3, top + 3], fill=LINE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
