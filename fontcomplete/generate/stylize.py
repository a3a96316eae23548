"""Model mode's path: source renders → the stylizer → traced outlines in the target's units, traced in worker
processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Protocol

import numpy as np

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import Generated, Outline
from fontcomplete.core.workers import init_worker
from fontcomplete.fonts.font import SourceFont
from fontcomplete.fonts.raster import render_many
from fontcomplete.outlines.steadiness import steadiness
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording

VIEWS = 5  # a model's output is averaged over 1 to VIEWS views of each glyph, VIEWS by default (ml.stylizer)


class Stylizer(Protocol):
    """Restyles source renders: uint8 (N, S, S) in the source's frame → float32 ink (N, S', S') in 0..1."""

    image_size: int
    model_id: str
    exemplars: int  # how many of the target's own glyphs it reads per glyph (0: it needs no with_target)
    ink_threshold: float | None  # the trace threshold calibrated for this model and style (None: 0.5)
    gap_opening: float | None  # the gap opening strength calibrated with it (None: 0, no opening)
    validation_topology: tuple[float, float] | None  # (its, the paste's) topology-ok share on validation glyphs

    def __call__(self, sources: np.ndarray) -> np.ndarray:
        """The mean of views_ink: the ink a glyph is traced from."""

    def views_ink(self, sources: np.ndarray) -> np.ndarray:
        """float32 (V, N, S', S'): each of its V views' ink (V = 1 for a stylizer with one view)."""

    def with_target(self, source: SourceFont, target: SourceFont, codepoints) -> Stylizer:
        """The stylizer to use for this target, whose designer-drawn characters are `codepoints`."""

    def donor_bank(self, source: SourceFont, target: SourceFont, codepoints):
        """The target's glyphs for `codepoints` as a fontcomplete.generate.donors.DonorBank (for review.review_glyphs)."""


def _trace_job(job: tuple[np.ndarray, EmFrame, TraceSettings, bool]) -> tuple[Outline, float | None]:
    """(the outline traced from the mean of a glyph's views, and their steadiness when asked)."""
    views, frame, settings, steady = job
    outline = trace_to_recording(views.mean(axis=0), frame, settings)
    return outline, steadiness(views, settings) if steady else None


@contextmanager
def tracer_pool(workers: int):
    """A map function that traces in `workers` forked processes (inline when workers <= 1), which end with this one
    and leave Ctrl-C to it.

    Create it before a model is loaded, so the forked workers carry no framework threads.
    """
    if workers <= 1:
        yield map
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                                   initargs=(os.getpid(),))
    try:
        executor.submit(int).result()  # forks every worker now, before the caller loads a model
        yield lambda function, jobs: executor.map(function, jobs, chunksize=8)
    except BaseException:  # Ctrl-C or an error: drop the queued traces instead of finishing them
        executor.shutdown(cancel_futures=True)
        raise
    finally:
        executor.shutdown()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def stylize_glyphs(source: SourceFont, codepoints: Sequence[int], target_frame: EmFrame, stylizer: Stylizer,
                   *, batch_size: int = 64, trace_settings: TraceSettings = TraceSettings(),
                   pool_map=map, progress: Callable[[int], None] = lambda n: None,
                   steadiness: dict[int, float] | None = None) -> Iterator[Generated]:
    """Model mode: render each source glyph in its em box, restyle it in batches, trace it in the target's frame.
    With a `steadiness` dict, each glyph's steadiness (fontcomplete.outlines.steadiness) is recorded in it, measured
    beside the trace from the views the model drew the glyph from."""
    settings = trace_settings.resolved(stylizer.ink_threshold, stylizer.gap_opening)
    for start in range(0, len(codepoints), batch_size):
        batch = list(codepoints[start:start + batch_size])
        renders = render_many(source, [source.cmap[c] for c in batch], stylizer.image_size)
        views = np.asarray(stylizer.views_ink(renders), dtype=np.float32)
        if views.shape[1] != len(batch) or not np.isfinite(views).all():
            raise RuntimeError(f"the model returned {views.shape} with non-finite values for a batch of {len(batch)}")
        jobs = [(views[:, i], target_frame, settings, steadiness is not None) for i in range(len(batch))]
        for codepoint, (outline, steady) in zip(batch, pool_map(_trace_job, jobs)):
            if steadiness is not None:
                steadiness[codepoint] = steady
            yield Generated(codepoint, outline)
            progress(1)
