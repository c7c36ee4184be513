"""The quickest reading of a paths file: the whole file as one numpy byte array, never a Python
object per touch.

Reading a million journeys (some 3.7 million touches) is most of `smarketing attribution
--from FILE`'s time; splitting every path into Python strings and looking each up in a dict
took about 0.4 s of it. Here the touches are found as byte offsets, each touch gets a key made
of its length and its bytes read as 8-byte words, keys are coded against the few distinct ones
through a small table, and every touch is then checked word for word against the first touch
with its code, so the result is exact, not probable.

It covers the common file: ASCII only (channel names are stripped of ASCII white space), the
`>` separator used only in the path column, numbers that numpy's own parser reads. Anything
else gives None, and the reader falls back to its slower readings, which handle every valid
file and name the line and column of a bad one.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np

from smarketing.analytics.attribution.paths import IntArray, Paths

SEPARATOR = ord(">")
NEWLINE = ord("\n")
# What str.strip() removes, among ASCII bytes.
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_POWER = 10.0 ** np.arange(16)  # exact floats
_SAMPLE = 4_096  # touches coded first; most files name every channel among them
# The mixed keys are cut to this many bits to index a small table; two channels whose keys
# land on one slot fail the check and the dict-based reading takes over.
_TABLE_BITS = 20
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def columns_parse(
    raw: bytes, *, header: dict[str, int], start: int, delimiter: str, numeric: tuple[str, ...]
) -> Paths | None:
    """`raw` is the whole file (no BOM, no quotes, no carriage returns, ending in a newline);
    the lines after `start` are the rows of a table with the columns of `header`. The path
    column is `header["path"]`; `numeric` names the columns read as numbers, of which the first
    two are the conversions and the nulls and a third, if given, the value."""
    body = np.frombuffer(raw, dtype=np.uint8)[start:]
    if not len(body) or np.any(body >= 0x80):
        return None
    width = len(header)
    newlines = np.flatnonzero(body == NEWLINE)
    delimiters = np.flatnonzero(body == ord(delimiter))
    count = len(newlines)
    if len(delimiters) != count * (width - 1) or np.any(np.diff(newlines, prepend=-1) == 1):
        return None
    cuts = delimiters.reshape(count, width - 1)
    line_starts = np.concatenate(([0], newlines[:-1] + 1))
    # Every line must hold exactly width - 1 delimiters, in order.
    if width > 1 and (np.any(cuts[:, 0] < line_starts) or np.any(cuts[:, -1] > newlines)):
        return None

    def field(k: int) -> tuple[IntArray, IntArray]:
        first = line_starts if k == 0 else cuts[:, k - 1] + 1
        end = newlines if k == width - 1 else cuts[:, k]
        return first, end

    numbers = _numbers(body, [field(header[name]) for name in numeric], delimiter=delimiter)
    if numbers is None:
        return None
    coded = _touches(body, *field(header["path"]))
    if coded is None:
        return None
    channels, touches, starts = coded
    return Paths(
        channels=channels,
        touches=touches,
        starts=starts,
        conversions=numbers[0],
        nulls=numbers[1],
        values=numbers[2] if len(numbers) > 2 else None,
    )


def _numbers(
    body: np.ndarray, fields: list[tuple[IntArray, IntArray]], *, delimiter: str
) -> list[np.ndarray] | None:
    """The fields' numbers, or None unless every one is a finite number ≥ 0. Plain decimals are
    read a character position at a time over all lines; anything else by numpy's parser."""
    columns = []
    for first, end in fields:
        numbers = _decimals(body, first, end)
        if numbers is None:
            numbers = _parsed(body, first, end, delimiter=delimiter)
        if numbers is None:
            return None
        columns.append(numbers)
    return columns


def _decimals(body: np.ndarray, first: IntArray, end: IntArray) -> np.ndarray | None:
    """Fields of plain decimals (digits with at most one point, 15 digits at most) as floats,
    or None for anything else. Each value is its digits as a whole number divided by a power of
    ten: both are exact floats, so the one division rounds correctly and the result equals
    float(text)."""
    widths = end - first
    if not len(widths):
        return np.zeros(0)
    if widths.min() == 0 or widths.max() > 16:
        return None
    whole = np.zeros(len(first), dtype=np.int64)
    after = np.zeros(len(first), dtype=np.int64)  # digits after the point
    points = np.zeros(len(first), dtype=np.int64)
    for k in range(int(widths.max())):
        inside = widths > k
        byte = body[np.where(inside, first + k, 0)]
        digit = (byte >= ord("0")) & (byte <= ord("9")) & inside
        point = (byte == ord(".")) & inside
        if np.any(inside & ~digit & ~point):
            return None
        whole = np.where(digit, whole * 10 + (byte - ord("0")), whole)
        after += digit & (points > 0)
        points += point
    if points.max() > 1 or np.any(widths - points > 15) or np.any(widths == points):
        return None
    return whole / _POWER[after]


def _parsed(
    body: np.ndarray, first: IntArray, end: IntArray, *, delimiter: str
) -> np.ndarray | None:
    """The fields read by numpy's parser in one call (each field with the byte that ends it,
    turned into the delimiter), or None unless every one is a finite number ≥ 0."""
    sizes = end - first + 1
    offsets = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    picked = body[np.repeat(first, sizes) + offsets]
    picked[picked == NEWLINE] = ord(delimiter)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = np.fromstring(picked.tobytes(), sep=delimiter)
    except ValueError:
        return None
    if len(parsed) != len(first) or not (np.all(np.isfinite(parsed)) and parsed.min() >= 0):
        return None
    return parsed


def _touches(
    body: np.ndarray, first: IntArray, end: IntArray
) -> tuple[tuple[str, ...], IntArray, IntArray] | None:
    """Channel names in order of first appearance, every touch's code and the journeys'
    offsets, as `reader._channels` gives them; None on an empty name, a `>` outside the path
    column or keys that do not tell channels apart (then the dict-based reading decides)."""
    count = len(first)
    marks = np.flatnonzero(body == SEPARATOR)
    # Separators per line, counted within the path field; any outside it is unusual.
    per_line = np.searchsorted(marks, end) - np.searchsorted(marks, first)
    if int(per_line.sum()) != len(marks):
        return None
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(per_line + 1, out=starts[1:])
    total = int(starts[-1])
    inner = np.ones(total, dtype=bool)  # touches after a separator
    inner[starts[:-1]] = False
    begin = np.empty(total, dtype=np.int64)
    begin[starts[:-1]] = first
    begin[inner] = marks + 1
    inner[starts[:-1]] = True
    inner[starts[1:] - 1] = False  # now: touches before a separator
    stop = np.empty(total, dtype=np.int64)
    stop[starts[1:] - 1] = end
    stop[inner] = marks
    del inner, marks
    _strip(body, begin, stop)
    lengths = stop - begin
    if not total or lengths.min() == 0:
        return None
    codes, representative = _codes(body, begin, stop, lengths)
    if codes is None:
        return None
    names = tuple(body[begin[r] : stop[r]].tobytes().decode("ascii") for r in representative)
    return names, codes, starts


def _strip(body: np.ndarray, begin: IntArray, stop: IntArray) -> None:
    """Move each touch's bounds inwards past white space, in place. (A bound's byte is always
    within the body: a touch lies inside its line, and stop - 1 = -1 only when begin = 0.)"""
    while True:
        lead = _SPACE[body[begin]]
        lead &= begin < stop
        if not lead.any():
            break
        np.add(begin, lead, out=begin)
    while True:
        trail = _SPACE[body[stop - 1]]
        trail &= stop > begin
        if not trail.any():
            break
        np.subtract(stop, trail, out=stop)


def _codes(
    body: np.ndarray, begin: IntArray, stop: IntArray, lengths: IntArray
) -> tuple[IntArray | None, list[int]]:
    """Each touch's channel code (channels numbered by first appearance) and, per code, the
    index of its first touch.

    A touch's key is its length and its bytes, read as 8-byte words: the first and the last
    word, and for names over 16 bytes every word between. Keys are told apart by a 64-bit mix
    of them looked up in a small table, and every touch is then compared, word by word, with
    its code's first touch. (None, []) when two keys met in the table."""
    padded = np.concatenate((body, np.zeros(8, dtype=np.uint8)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, 8)
    head = windows[begin].view("<u8").ravel()
    tail = windows[np.maximum(stop - 8, 0)].view("<u8").ravel()
    short = np.flatnonzero(lengths < 8)
    if len(short):
        keep = (np.uint64(1) << (np.uint64(8) * lengths[short].astype(np.uint64))) - np.uint64(1)
        head[short] &= keep
        tail[short] = 0
    mixed = tail * _MIX[1]
    mixed ^= head
    mixed *= _MIX[0]
    mixed ^= lengths.astype(np.uint64) * _MIX[2]
    long = np.flatnonzero(lengths > 16)
    for words, inside in _middle_words(windows, begin[long], lengths[long]):
        mixed[long] = (mixed[long] ^ np.where(inside, words, 0)) * _MIX[0]
    mixed >>= np.uint64(64 - _TABLE_BITS)
    slot, firsts = _slots(mixed)
    del mixed
    same = head == head[firsts][slot]
    same &= tail == tail[firsts][slot]
    same &= lengths == lengths[firsts][slot]
    if not same.all():
        return None, []
    theirs = begin[firsts][slot[long]]
    for (words, inside), (reference, _) in zip(
        _middle_words(windows, begin[long], lengths[long]),
        _middle_words(windows, theirs, lengths[long]),
        strict=True,
    ):
        if np.any(inside & (words != reference)):
            return None, []
    # Number the channels by their first touch, as the file reads.
    by_appearance = np.argsort(firsts)
    rank = np.empty(len(firsts), dtype=np.int64)
    rank[by_appearance] = np.arange(len(firsts))
    return rank[slot], [int(firsts[k]) for k in by_appearance]


def _middle_words(
    windows: np.ndarray, begin: IntArray, lengths: IntArray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The 8-byte words of names over 16 bytes between their first and last word: at offsets
    8, 16, ... while a whole word fits before the last; with, per name, whether it has one
    there."""
    if not len(lengths):
        return
    for offset in range(8, int(lengths.max()) - 8, 8):
        inside = lengths - 8 > offset
        yield windows[np.where(inside, begin + offset, 0)].view("<u8").ravel(), inside


def _slots(mixed: np.ndarray) -> tuple[IntArray, IntArray]:
    """Number the distinct values of `mixed` (each below 2**_TABLE_BITS): per touch its number,
    and per number the index of its first touch. Distinct values are found in a sample, then in
    whatever the sample missed, each round a lookup in a table indexed by the value."""
    table = np.full(1 << _TABLE_BITS, -1, dtype=np.int32)
    firsts = np.zeros(0, dtype=np.int64)
    candidates = np.arange(min(_SAMPLE, len(mixed)), dtype=np.int64)
    slot = np.zeros(0, dtype=np.int64)
    while len(candidates):
        values, at = np.unique(mixed[candidates], return_index=True)
        table[values] = np.arange(len(firsts), len(firsts) + len(values))
        firsts = np.concatenate((firsts, candidates[at]))
        slot = table[mixed]
        candidates = np.flatnonzero(slot < 0)
    return slot, firsts
