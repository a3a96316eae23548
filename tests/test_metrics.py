import numpy as np
import pytest

from fontcomplete.core.scores import counters, ink_iou, l1, pieces, score, ssim, summarize


def square(top, left, size=32, side=10):
    image = np.zeros((size, size), dtype=np.uint8)
    image[top:top + side, left:left + side] = 255
    return image


def test_identical_images_score_perfectly():
    image = square(5, 5)
    assert ink_iou(image, image) == 1.0 and ssim(image, image) == pytest.approx(1.0) and l1(image, image) == 0


def test_half_overlap():
    a, b = square(0, 0), square(0, 5)  # 10x10 squares shifted by 5 columns: 50 shared of 150
    assert ink_iou(a, b) == pytest.approx(50 / 150)
    assert l1(a, b) == pytest.approx(100 / 1024)
    assert ssim(a, b) < 0.9


def test_blank_pair_counts_as_a_match():
    blank = np.zeros((8, 8), dtype=np.uint8)
    assert ink_iou(blank, blank) == 1.0


def test_summary_reports_mean_and_weak_tail():
    scores = [score(i, square(0, i), square(0, 0)) for i in range(10)]
    summary = summarize(scores)
    assert summary["count"] == 10
    assert summary["iou_p10"] < summary["iou_mean"] < 1
    assert summary["l1_p90"] > summary["l1_mean"]


def test_pieces_counts_broken_strokes_specks_and_merged_strokes():
    truth = np.zeros((32, 32), np.uint8)
    truth[4:28, 8:12] = truth[4:28, 20:24] = 255  # two vertical strokes
    broken = truth.copy()
    broken[15:17, 8:12] = 0  # the left stroke cut in two
    speck = truth.copy()
    speck[1, 30] = 255
    diagonal = truth.copy()
    diagonal[0, 0] = diagonal[1, 1] = 255  # touching at a corner: one piece (8-connected)
    merged = truth.copy()
    merged[14:16, 12:20] = 255  # a bar joins the strokes
    assert [score(0, image, truth).pieces for image in (truth, broken, speck, diagonal, merged)] == [0, 1, 1, 1, -1]
    summary = summarize([score(0, image, truth) for image in (truth, broken, speck, merged)])
    assert summary["pieces_more"] == 0.5 and summary["pieces_fewer"] == 0.25


def ring(filled_counter: bool = False, gap: bool = False) -> np.ndarray:
    """口: a square ring (one counter); the counter filled in, or the ring opened by a gap (no counter)."""
    image = np.zeros((32, 32), np.uint8)
    image[4:28, 4:28] = 255
    if not filled_counter:
        image[8:24, 8:24] = 0
    if gap:
        image[4:8, 14:18] = 0
    return image


def test_counters_count_enclosed_background_only():
    assert counters(ring()) == 1 and counters(ring(filled_counter=True)) == 0 and counters(ring(gap=True)) == 0
    four = ring()
    four[8:24, 15:17] = four[15:17, 8:24] = 255  # 田
    assert counters(four) == 4 and pieces(four) == 1


def test_topology_flags_merged_broken_and_counters():
    truth = ring()
    filled, opened = score(0, ring(filled_counter=True), truth), score(0, ring(gap=True), truth)
    assert filled.flags() == "C" and not filled.topology_ok and filled.counters == -1
    assert opened.flags() == "C" and opened.pieces == 0
    two = np.zeros((32, 32), np.uint8)
    two[4:28, 8:12] = two[4:28, 20:24] = 255
    joined = two.copy()
    joined[14:16, 12:20] = 255
    assert score(0, joined, two).flags() == "M" and score(0, two, joined).flags() == "B"
    assert score(0, truth, truth).topology_ok and score(0, truth, truth).flags() == ""
    summary = summarize([score(0, truth, truth), filled, score(0, joined, two), score(0, two, joined)])
    assert (summary["topology_ok"], summary["pieces_fewer"], summary["pieces_more"], summary["counters_wrong"]) == \
        (0.25, 0.25, 0.25, 0.25)
