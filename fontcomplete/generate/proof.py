"""Proof sheets: PNG pages of glyph images side by side (source | generated [| truth]) for review."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import replay
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.generate.review import Review, least_sure_first
from fontcomplete.outlines.checks import contour_segments, cubic_at

CELL_GAP, LABEL_HEIGHT, PAGE_MARGIN = 6, 14, 12


def page_paths(path: Path, pages: int) -> list[Path]:
    """FILE.png for one page; FILE-001.png, FILE-002.png, … for several."""
    if pages <= 1:
        return [path]
    return [path.with_name(f"{path.stem}-{i + 1:03d}{path.suffix}") for i in range(pages)]


def write_sheets(path: str | Path, cells: Sequence[tuple[str, Sequence[np.ndarray]]], *,
                 columns: int | None = None, rows_per_page: int = 20, page_width: int = 1800) -> list[Path]:
    """Lay out labelled cells (each a few same-size uint8 ink images) on as many pages as needed, `columns` cells
    a row (default: as many as fit in `page_width` px)."""
    path = Path(path)
    if not cells:
        raise ValueError("no glyphs to proof")
    size = cells[0][1][0].shape[0]
    per_cell = max(len(images) for _, images in cells)
    cell_w = per_cell * size + (per_cell - 1) * 2 + CELL_GAP
    cell_h = size + LABEL_HEIGHT + CELL_GAP
    columns = columns or max(1, page_width // cell_w)
    per_page = columns * rows_per_page
    pages = [cells[i:i + per_page] for i in range(0, len(cells), per_page)]
    font = ImageFont.load_default()
    paths = page_paths(path, len(pages))
    path.parent.mkdir(parents=True, exist_ok=True)
    for page_cells, page_path in zip(pages, paths):
        rows = -(-len(page_cells) // columns)
        width = 2 * PAGE_MARGIN + min(columns, len(page_cells)) * cell_w
        sheet = Image.new("L", (width, 2 * PAGE_MARGIN + rows * cell_h), 255)
        draw = ImageDraw.Draw(sheet)
        for i, (label, images) in enumerate(page_cells):
            x = PAGE_MARGIN + (i % columns) * cell_w
            y = PAGE_MARGIN + (i // columns) * cell_h
            draw.text((x, y), label, fill=0, font=font)
            for k, image in enumerate(images):
                left = x + k * (size + 2)
                sheet.paste(Image.fromarray(255 - image), (left, y + LABEL_HEIGHT))
                draw.rectangle((left, y + LABEL_HEIGHT, left + size - 1, y + LABEL_HEIGHT + size - 1), outline=200)
        sheet.save(page_path)
    return paths


def outline_with_points(outline, frame: EmFrame, size: int) -> np.ndarray:
    """The outline as an editor shows it, as a uint8 ink image: its path in grey, each on-curve point a dark dot (a
    square where two lines meet, a corner), each off-curve point a small ring on its handle."""
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    to_pixel = frame.font_to_pixel(size).transformPoint
    for segments in contour_segments(outline):
        for segment in segments:
            points = [to_pixel(p) for p in segment]
            path = points if len(points) == 2 else [to_pixel(cubic_at(*segment, i / 8)) for i in range(9)]
            draw.line(path, fill=110)
            for handle in points[1:-1]:
                draw.line((points[0] if handle == points[1] else points[-1], handle), fill=70)
                draw.ellipse((handle[0] - 1, handle[1] - 1, handle[0] + 1, handle[1] + 1), outline=200)
        for previous, segment in zip([segments[-1], *segments], segments):
            x, y = to_pixel(segment[0])
            if len(previous) == 2 and len(segment) == 2:
                draw.rectangle((x - 1, y - 1, x + 1, y + 1), fill=255)
            else:
                draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=255)
    return np.asarray(image)


def write_fill_proof(path, source, frames: Sequence[EmFrame], per_master: Sequence[dict],
                     reviews: Mapping[int, Review] | None = None, drawn=None, size: int = 128,
                     donors_shown: int = 2) -> list[Path]:
    """Every new glyph, least sure first (fontcomplete.generate.review), labelled with its confidence: the source glyph, its
    outline (fontcomplete.core.outline) in each master's frame, the first master's outline with its points (what the
    designer will edit), then up to `donors_shown` of the target's own glyphs of related characters (the review's
    donors, from `drawn`, the target's designer-drawn font), to judge it against. Returns the pages written."""
    reviews = reviews or {}
    cells = []
    for cp in least_sure_first(per_master[0], reviews):
        images = [render(source, source.cmap[cp], size),
                  *(render_outline(partial(replay, outlines[cp]), frame, size) for frame, outlines in zip(frames, per_master)),
                  outline_with_points(per_master[0][cp], frames[0], size)]
        donors = reviews[cp].donors if cp in reviews and drawn is not None else ()
        shown = list(dict.fromkeys(d for d in donors if d != cp and d in drawn.cmap))[:donors_shown]
        images += [render(drawn, drawn.cmap[d], size) for d in shown]
        label = f"U+{cp:04X}" + (f" {reviews[cp].confidence:.2f}" if cp in reviews else "") + \
            (f"  beside {' '.join(f'U+{d:04X}' for d in shown)}" if shown else "")  # the label font has no Han
        cells.append((label, images))
    return write_sheets(path, cells)
