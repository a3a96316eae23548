"""Donor drafts: assembled from the target's other drawings, never from the character itself or an excluded one."""

from __future__ import annotations

import numpy as np
import pytest

from fontcomplete.generate.donors import DonorBank

SIZE = 64


def block(rows: slice, cols: slice) -> np.ndarray:
    image = np.zeros((SIZE, SIZE), np.uint8)
    image[rows, cols] = 255
    return image


LEFT, RIGHT = (slice(8, 56), slice(6, 26)), (slice(8, 56), slice(38, 58))
TOP, BOTTOM = (slice(6, 26), slice(8, 56)), (slice(38, 58), slice(8, 56))


def bank() -> DonorBank:
    """Sources: 1 = left bar, 2 = right bar, 3 = top bar, 4 = bottom bar, 5 = left+right. Targets: each source shape
    drawn 4 px lower (a 'style' the draft must carry)."""
    shapes = {1: [LEFT], 2: [RIGHT], 3: [TOP], 4: [BOTTOM], 5: [LEFT, RIGHT]}
    sources = np.stack([np.max([block(*part) for part in parts], axis=0) for parts in shapes.values()])
    targets = np.roll(sources, 4, axis=1)
    return DonorBank(list(shapes), sources, targets)


def test_a_character_is_assembled_from_the_parts_of_others():
    query = np.maximum(block(*LEFT), block(*RIGHT))
    draft = bank().draft(99, query, exclude=[5])  # 5 draws exactly this: excluded, so it takes 1 and 2
    assert {p.donor for p in draft.pieces} == {1, 2} and draft.confidence > 0.9
    truth = np.roll(query, 4, axis=0) / 255
    assert ((draft.image >= 0.5) == (truth >= 0.5)).mean() > 0.97  # the target's drawing, in the target's place


def test_a_character_never_drafts_from_itself():
    query = np.maximum(block(*LEFT), block(*RIGHT))
    draft = bank().draft(5, query)  # 5 is in the bank, and would be a perfect whole-character donor
    assert all(p.donor != 5 for p in draft.pieces)


@pytest.mark.parametrize("excluded", [[1], [1, 3], [2, 4]])
def test_excluded_characters_are_never_donors(excluded):
    query = np.maximum(block(*TOP), block(*LEFT))
    draft = bank().draft(99, query, exclude=excluded)
    assert not {p.donor for p in draft.pieces} & set(excluded)


def test_confidence_is_low_when_no_donor_has_the_parts():
    query = block(slice(28, 36), slice(28, 36))  # a dot in the middle: nobody draws it
    assert bank().draft(99, query).confidence < 0.5
    with pytest.raises(ValueError, match="no donor"):
        bank().draft(99, query, exclude=[1, 2, 3, 4, 5])


def test_a_donor_is_placed_where_the_character_has_the_part():
    query = np.roll(np.maximum(block(*LEFT), block(*RIGHT)), (3, -2), axis=(0, 1))  # the pair, 3 px down, 2 px left
    draft = bank().draft(99, query, exclude=[1, 2])  # only 5 draws it: placed whole, shifted
    assert [p.donor for p in draft.pieces] == [5] and draft.confidence > 0.95
    assert draft.pieces[0].shift == pytest.approx((3 / 64, -2 / 64))
    truth = np.roll(query, 4, axis=0) / 255
    assert ((draft.image >= 0.5) == (truth >= 0.5)).mean() > 0.97


@pytest.mark.slow  # worker processes
def test_drafting_in_worker_processes_gives_what_drafting_inline_does():
    from fontcomplete.generate.donors import map_drafts

    queries = np.stack([np.roll(np.maximum(block(*LEFT), block(*RIGHT)), k % 5, axis=1) for k in range(70)])
    codepoints = [100 + k for k in range(70)]

    def keep(draft):
        return draft.layout, tuple(p.donor for p in draft.pieces), round(draft.confidence, 6)
    inline = map_drafts(bank(), codepoints, queries, keep, workers=1)
    assert map_drafts(bank(), codepoints, queries, keep, workers=2) == inline and len(inline) == 70


CTRL_C_SCRIPT = """
import faulthandler, os, signal, sys, threading, time
faulthandler.dump_traceback_later(60, exit=True)  # a hang shows where it is
import numpy as np
from fontcomplete.generate.donors import DonorBank, map_drafts
rng = np.random.default_rng(0)
images = (rng.random((40, 64, 64)) > 0.7).astype(np.uint8) * 255
bank = DonorBank(list(range(40)), images, images)
timer = threading.Timer(1.0, lambda: os.killpg(os.getpgrp(), signal.SIGINT))
timer.daemon = True
timer.start()
started = time.monotonic()
try:  # 20 s of work on two workers, however fast the machine: Ctrl-C lands while they draft
    map_drafts(bank, list(range(100, 4100)), np.repeat(images[:1], 4000, 0),
               lambda d: time.sleep(0.01) or d.confidence, workers=2)
except KeyboardInterrupt:
    print(f"stopped {time.monotonic() - started:.1f}")
"""


def test_ctrl_c_stops_forked_drafting_at_once():
    import subprocess
    import sys

    from processes import interruptible

    done = subprocess.run([sys.executable, "-c", CTRL_C_SCRIPT], capture_output=True, text=True, timeout=120,
                          start_new_session=True,  # its own process group: the Ctrl-C reaches it and its workers only
                          preexec_fn=interruptible)
    assert done.stdout.startswith("stopped"), done.stdout + done.stderr
    assert float(done.stdout.split()[1]) < 5

