"""Fit one outline's topology to another master's raster: move each point along its normal onto that raster's edge.

This is how generated glyphs stay interpolation-compatible across masters: the default master's outline (copied
or traced) is the topology; every other master gets the same contours and points, each on-curve point slid along
its outward normal to where that master's own render (a bolder source, or the model's output for that style)
crosses 50 % ink, its off-curve handles carried along with it.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates

from fontcomplete.core.frame import EmFrame
from fontcomplete.outlines.trace import as_coverage

ON_CURVE_OPS = {"moveTo", "lineTo", "curveTo", "qCurveTo"}


def _contours(outline: list) -> list[list]:
    contours, current = [], []
    for operator, operands in outline:
        current.append([operator, [list(map(float, point)) for point in operands]])
        if operator in ("closePath", "endPath"):
            contours.append(current)
            current = []
    if current:
        contours.append(current)
    return contours


def _unit(vectors: np.ndarray) -> np.ndarray:
    length = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, length, out=np.zeros_like(vectors), where=length > 1e-9)


def _normals(points: np.ndarray) -> np.ndarray:
    """Outward (away from ink) unit normals of a closed point sequence with outers counter-clockwise, y up."""
    previous, following = np.roll(points, 1, axis=0), np.roll(points, -1, axis=0)
    t_in, t_out = _unit(points - previous), _unit(following - points)
    perp = lambda t: np.stack([t[:, 1], -t[:, 0]], axis=1)  # noqa: E731
    return _unit(perp(t_in) + perp(t_out))


def edge_offsets(points: np.ndarray, normals: np.ndarray, coverage: np.ndarray, frame: EmFrame,
                 reach: float) -> np.ndarray:
    """For each point, the signed distance (font units) along its normal to the nearest ink→paper edge of
    `coverage` within ±reach; NaN where there is none."""
    size = coverage.shape[0]
    step = frame.side / size / 2
    ts = np.arange(-reach, reach + step / 2, step)
    samples = points[:, None, :] + ts[None, :, None] * normals[:, None, :]
    (a, b, c, d, e, f) = frame.font_to_pixel(size)
    cols = a * samples[..., 0] + c * samples[..., 1] + e - 0.5
    rows = b * samples[..., 0] + d * samples[..., 1] + f - 0.5
    values = map_coordinates(coverage, [rows.ravel(), cols.ravel()], order=1, mode="constant").reshape(rows.shape)
    inside, outside = values[:, :-1], values[:, 1:]
    crossing = (inside >= 0.5) & (outside < 0.5)
    fraction = np.divide(inside - 0.5, inside - outside, out=np.zeros_like(inside), where=crossing)
    positions = np.where(crossing, ts[None, :-1] + fraction * step, np.inf)
    best = np.take_along_axis(positions, np.abs(positions).argmin(axis=1)[:, None], axis=1)[:, 0]
    return np.where(np.isfinite(best), best, np.nan)


def fit_outline(outline: list, image: np.ndarray, frame: EmFrame, reach: float = 0.06) -> list:
    """The outline with the same structure, its points moved onto the edges of `image` (the em box of `frame`).

    `reach` is the largest move, as a fraction of the em. Points with no edge within reach move by their
    contour's median move (0 when none of its points found an edge).
    """
    coverage = as_coverage(image)
    fitted = []
    for contour in _contours(outline):
        owners, on_points = [], []  # per point: index of the on-curve point it moves with
        flat = []
        for operator, points in contour:
            if operator not in ON_CURVE_OPS or not points:
                continue
            for k, point in enumerate(points):
                is_end = k == len(points) - 1
                owner = len(on_points) if is_end else (len(on_points) - 1 if k == 0 else len(on_points))
                if is_end:
                    on_points.append(point)
                owners.append(max(owner, 0))
                flat.append(point)
        if not on_points:
            fitted.extend(contour)
            continue
        flat_array = np.array(flat)
        closed = len(flat) > 1 and flat[-1] == flat[0]  # an explicit closing point shares the start's normal
        normals = _normals(flat_array[:-1] if closed else flat_array)
        if closed:
            normals = np.vstack([normals, normals[:1]])
        on_normals = normals[_on_indices(contour)]
        offsets = edge_offsets(np.array(on_points), on_normals, coverage, frame, reach * frame.side)
        fill = np.nanmedian(offsets) if np.isfinite(offsets).any() else 0.0
        offsets = np.where(np.isfinite(offsets), offsets, fill)
        shifts = offsets[:, None] * on_normals
        moved = np.rint(flat_array + shifts[np.array(owners)])
        # pens drop a closing point that lands on the start: keep that coincidence exactly as in the base outline
        if closed:
            moved[-1] = moved[0]
        elif len(moved) > 1 and (moved[-1] == moved[0]).all():
            moved[-1, 0] += 1
        position = 0
        for operator, points in contour:
            if operator in ON_CURVE_OPS and points:
                count = len(points)
                fitted.append((operator, tuple(tuple(map(int, p)) for p in moved[position:position + count])))
                position += count
            else:
                fitted.append((operator, tuple(tuple(p) for p in points)))
    return fitted


def _on_indices(contour: list) -> np.ndarray:
    """Indices, in the contour's flat point list, of its on-curve points (the last point of each segment)."""
    indices, position = [], 0
    for operator, points in contour:
        if operator in ON_CURVE_OPS and points:
            position += len(points)
            indices.append(position - 1)
    return np.array(indices, dtype=int)
