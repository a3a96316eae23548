"""Proof sheets show what a designer will edit: the outline with its points."""

from __future__ import annotations

from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.core.frame import EmFrame
from fontcomplete.generate.proof import outline_with_points

FRAME = EmFrame(0, -120, 1000)


def test_the_points_view_marks_each_on_curve_point_and_draws_the_path_between():
    pen = RecordingPen()
    pen.moveTo((100, 0))
    pen.lineTo((900, 0))
    pen.lineTo((900, 600))
    pen.curveTo((900, 800), (300, 800), (100, 600))
    pen.closePath()
    image = outline_with_points(pen.value, FRAME, 100)  # 10 units a pixel; y = 88 - units / 10

    def at(x, y):
        return int(image[round(88 - y / 10), round(x / 10)])
    assert at(100, 0) == at(900, 0) == at(900, 600) == at(100, 600) == 255  # the on-curve points
    assert at(500, 0) == 110 and at(100, 300) == 110  # the path between them, lines and the closing line
    assert at(500, 300) == 0  # nothing inside
    handles = {(round(x / 10), round(88 - y / 10)) for x, y in ((900, 800), (300, 800))}
    assert all(image[y - 1:y + 2, x - 1:x + 2].max() == 200 for x, y in handles)  # the off-curve points as rings
