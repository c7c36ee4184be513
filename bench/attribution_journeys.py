"""Generated journeys for bench/attribution.py, written as a paths file.

A ground-truth chain over 10 channels: the first channel drawn from a realistic mix, then after
each touch the journey converts (a per-channel chance), ends without converting, or moves on
(often to the same channel again). Simulated for all journeys at once with numpy, then
identical journeys are added up into rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHANNELS = (
    "Organic Search",
    "Paid Search",
    "Direct",
    "Email",
    "Paid Social",
    "Organic Social",
    "Display",
    "Referral",
    "Webinar",
    "Partner",
)
FIRST = np.array([0.24, 0.2, 0.12, 0.04, 0.14, 0.08, 0.1, 0.05, 0.01, 0.02])
# Where journeys go next (before the repeat chance): a base mix, email and direct being common.
NEXT = np.array([0.15, 0.13, 0.17, 0.17, 0.08, 0.05, 0.05, 0.06, 0.08, 0.06])
CONVERT = np.array([0.012, 0.015, 0.03, 0.02, 0.006, 0.008, 0.004, 0.015, 0.04, 0.025])
END = 0.25
REPEAT = 0.2
LONGEST = 40


def journeys_write(path: Path, *, journeys: int, seed: int) -> dict[str, int]:
    """Simulate `journeys` journeys, write their paths file; its shape (rows, touches...)."""
    rng = np.random.default_rng(seed)
    touches, converted = _simulate(journeys, rng=rng)
    values = np.where(converted, np.round(rng.lognormal(7.5, 0.8, journeys), 2), 0.0)
    rows = np.ascontiguousarray(touches).view(np.dtype((np.void, LONGEST)))[:, 0]
    unique, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    conversions = np.bincount(inverse, weights=converted, minlength=len(unique))
    nulls = np.bincount(inverse, weights=~converted, minlength=len(unique))
    value = np.bincount(inverse, weights=values, minlength=len(unique))
    with path.open("w", encoding="utf-8") as out:
        out.write("path,total_conversions,total_null,total_conversion_value\n")
        for row, conv, null, worth in zip(touches[first], conversions, nulls, value, strict=True):
            names = " > ".join(CHANNELS[c] for c in row[row >= 0])
            out.write(f"{names},{int(conv)},{int(null)},{worth:.2f}\n")
    return {
        "rows": len(unique),
        "touches": int((touches >= 0).sum()),
        "channels": len(CHANNELS),
    }


def _simulate(journeys: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Touches (journeys x LONGEST, -1 after the end) and whether each journey converted."""
    size = len(CHANNELS)
    moves = np.tile(NEXT, (size, 1)) * (1 - REPEAT)
    moves[np.arange(size), np.arange(size)] += REPEAT
    cumulative = np.cumsum(moves / moves.sum(axis=1, keepdims=True), axis=1)
    touches = np.full((journeys, LONGEST), -1, dtype=np.int8)
    converted = np.zeros(journeys, dtype=bool)
    current = rng.choice(size, size=journeys, p=FIRST)
    alive = np.arange(journeys)
    for step in range(LONGEST):
        touches[alive, step] = current
        draw = rng.random(len(alive))
        converts = draw < CONVERT[current]
        converted[alive[converts]] = True
        going = draw >= CONVERT[current] + END
        alive, current = alive[going], current[going]
        if not len(alive):
            break
        pick = rng.random(len(alive))[:, None]
        current = (pick > cumulative[current]).sum(axis=1)
        current = np.minimum(current, size - 1)
    return touches, converted
