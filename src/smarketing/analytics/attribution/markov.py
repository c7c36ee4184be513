"""Markov chain removal effect, order 1 to 3, solved exactly.

Conventions (ChannelAttribution's, so figures compare with it and with its R twin):

* A journey becomes a walk `(start) → s1 → s2 → … → (conversion)` or `→ (null)`; a row of a
  paths file with c conversions and n nulls walks its path c + n times, ending c times in
  conversion and n times in null.
* Order-k states are the windows of k consecutive touches, repeats included: `a > a > b` at
  order 2 is `(a, a) → (a, b)`. A journey shorter than k is a single state of its own length
  (`a > b` at order 3 is the state `(a, b)`); there is no padding with `(start)`. Consecutive
  identical states are merged into one, so at order 1 `a > a > b` is `a → b`.
* Transition probabilities are the observed transition counts divided by the state's outgoing
  count.
* Removing a channel makes every state that contains it lead to null. Its removal effect is the
  share of the conversion probability that is lost: `1 - P(conversion without it) /
  P(conversion)`, which is also the probability that a converting walk passes through it.
* Attributed conversions = removal effect / sum of removal effects * total conversions.
  Value is attributed the same way, with each state's conversions weighted by the mean value
  of the conversions observed from that state (ChannelAttribution draws the value of a
  simulated conversion from those of the conversions that left its last state; this is the
  expectation of that draw).

ChannelAttribution estimates the probabilities by simulating walks; here they come from solving
the absorbing chain's linear system `(I - Q) x = r` (x: the probability of converting from each
state), once for the whole chain and once per channel with its states removed. The chains are
small (a state per channel at order 1), so this is exact and fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from smarketing.analytics.attribution.paths import FloatArray, IntArray, Paths, sum_by

MAX_ORDER = 3
# Up to this many states, dense LAPACK solves beat a sparse factorisation.
DENSE_STATES = 300
# Values below this are factorized by counting rather than sorting (32 MB of counts at most).
DENSE_BOUND = 1 << 22
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Chain:
    """The absorbing chain of the journeys. State 0 is (start); transient states 1..n are
    the order-k states, whose channels `members` marks (state * channel)."""

    source: IntArray  # transition from-state
    target: IntArray  # transition to-state (never 0)
    weight: FloatArray  # walks taking each transition
    conversions: FloatArray  # per state: walks that converted from it
    nulls: FloatArray  # per state: walks that ended without converting there
    value: FloatArray | None  # per state: conversion value of the walks that converted there
    members: BoolArray

    @property
    def size(self) -> int:
        return len(self.conversions)


@dataclass(frozen=True)
class MarkovResult:
    conversions: FloatArray  # attributed, per channel
    value: FloatArray | None
    removal_effects: FloatArray
    value_removal_effects: FloatArray | None
    conversion_probability: float  # from (start), the whole chain
    states: int  # transient states, (start) not counted


def markov_attribute(paths: Paths, *, order: int = 1) -> MarkovResult:
    """Attribution by removal effect; see the module docstring."""
    chain = chain_build(paths, order=order)
    base, removed = _conversion_from_start(chain)
    effects = _removal_effects(base[0], removed[:, 0])
    value_effects = None
    if chain.value is not None:
        value_effects = _removal_effects(base[1], removed[:, 1])
    total_value = paths.total_value
    return MarkovResult(
        conversions=_share(effects, total=paths.total_conversions),
        value=None if value_effects is None else _share(value_effects, total=total_value or 0.0),
        removal_effects=effects,
        value_removal_effects=value_effects,
        conversion_probability=float(base[0]),
        states=chain.size - 1,
    )


def _removal_effects(base: float, removed: FloatArray) -> FloatArray:
    if base <= 0:
        return np.zeros_like(removed)
    return np.clip(1.0 - removed / base, 0.0, 1.0)


def _share(effects: FloatArray, *, total: float) -> FloatArray:
    whole = effects.sum()
    return effects * (total / whole) if whole > 0 else np.zeros_like(effects)


def chain_build(paths: Paths, *, order: int) -> Chain:
    """States, merged walks and transition counts, all as array operations."""
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"Markov order must be 1 to {MAX_ORDER}, not {order}")
    walks = paths.conversions + paths.nulls
    keys, journey = _window_keys(paths, order=order)
    keys, journey = _merge_repeats(keys, journey)
    base = len(paths.channels) + 1
    unique, inverse = _factorize(keys, bound=base**order)
    state = inverse + 1
    size = len(unique) + 1
    first = np.ones(len(state), dtype=bool)
    first[1:] = journey[1:] != journey[:-1]
    source = np.where(first, 0, np.roll(state, 1))
    last = np.ones(len(state), dtype=bool)
    last[:-1] = first[1:]
    ends, ended = state[last], journey[last]
    value = None
    if paths.values is not None:
        value = sum_by(ends, weights=paths.values[ended], size=size)
    counted, at = _factorize(source * size + state, bound=size * size)
    return Chain(
        source=counted // size,
        target=counted % size,
        weight=sum_by(at, weights=walks[journey], size=len(counted)),
        conversions=sum_by(ends, weights=paths.conversions[ended], size=size),
        nulls=sum_by(ends, weights=paths.nulls[ended], size=size),
        value=value,
        members=_members(unique, order=order, channels=len(paths.channels)),
    )


def _factorize(values: IntArray, *, bound: int) -> tuple[IntArray, IntArray]:
    """The distinct values, sorted, and each value's index among them (np.unique's answer);
    by counting rather than sorting when the values are small (below `bound`), as they are at
    order 1, which saves most of the time on millions of touches."""
    if bound > DENSE_BOUND:
        unique, inverse = np.unique(values, return_inverse=True)
        return unique.astype(np.int64), inverse.astype(np.int64).reshape(-1)
    present = np.bincount(values, minlength=bound) > 0
    rank = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present).astype(np.int64), rank[values]


def _window_keys(paths: Paths, *, order: int) -> tuple[IntArray, IntArray]:
    """One integer per order-k window: its channel codes + 1 as digits in base (channels + 1),
    0 for the missing places of a journey shorter than k. Journeys nobody walked are left out."""
    journey = paths.journey_of_touch
    walked = (paths.conversions + paths.nulls)[journey] > 0
    if order == 1:
        return paths.touches[walked] + 1, journey[walked]
    base = len(paths.channels) + 1
    if base**order >= np.iinfo(np.int64).max:
        raise ValueError(f"too many channels ({base - 1}) for a Markov chain of order {order}")
    position = paths.position_of_touch
    length = paths.lengths[journey]
    keys = np.zeros(len(paths.touches), dtype=np.int64)
    last = len(paths.touches) - 1
    for step in range(order):
        inside = position + step < length
        digit = np.where(inside, paths.touches[np.minimum(np.arange(last + 1) + step, last)] + 1, 0)
        keys += digit * base ** (order - 1 - step)
    full = (length >= order) & (position <= length - order)
    short = (length < order) & (position == 0)
    kept = (full | short) & walked
    return keys[kept], journey[kept]


def _merge_repeats(keys: IntArray, journey: IntArray) -> tuple[IntArray, IntArray]:
    """Drop a state that repeats the one just before it in the same journey."""
    kept = np.ones(len(keys), dtype=bool)
    kept[1:] = (keys[1:] != keys[:-1]) | (journey[1:] != journey[:-1])
    return keys[kept], journey[kept]


def _members(unique: IntArray, *, order: int, channels: int) -> BoolArray:
    """State * channel: does the state's window contain the channel? Row 0 is (start)."""
    members = np.zeros((len(unique) + 1, channels), dtype=bool)
    base = channels + 1
    rest = unique.copy()
    rows = np.arange(1, len(unique) + 1)
    for _ in range(order):
        digit = rest % base
        rest //= base
        present = digit > 0
        members[rows[present], digit[present] - 1] = True
    return members


def _conversion_from_start(chain: Chain) -> tuple[FloatArray, FloatArray]:
    """The conversion probability (and expected conversion value) from (start): for the whole
    chain, and per channel with that channel's states removed (rows: channels)."""
    outgoing = sum_by(chain.source, weights=chain.weight, size=chain.size)
    outgoing += chain.conversions + chain.nulls
    safe = np.where(outgoing > 0, outgoing, 1.0)
    rewards = [chain.conversions / safe]
    if chain.value is not None:
        rewards.append(chain.value / safe)
    reward = np.column_stack(rewards)
    probability = chain.weight / safe[chain.source]
    solve = _dense_solver if chain.size <= DENSE_STATES else _sparse_solver
    return solve(chain, probability=probability, reward=reward)


def _dense_solver(
    chain: Chain, *, probability: FloatArray, reward: FloatArray
) -> tuple[FloatArray, FloatArray]:
    matrix = np.eye(chain.size)
    np.subtract.at(matrix, (chain.source, chain.target), probability)
    base = np.linalg.solve(matrix, reward)[0]
    removed = np.zeros((chain.members.shape[1], reward.shape[1]))
    for channel in range(chain.members.shape[1]):
        kept = ~chain.members[:, channel]
        removed[channel] = np.linalg.solve(matrix[np.ix_(kept, kept)], reward[kept])[0]
    return base, removed


def _sparse_solver(
    chain: Chain, *, probability: FloatArray, reward: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Sparse LU per channel (SuperLU): at order 2 and 3 a state has at most channels + 2
    successors, so the matrices are sparse; scipy is imported only when needed."""
    from scipy.sparse import csc_matrix, identity  # type: ignore[import-untyped]
    from scipy.sparse.linalg import splu  # type: ignore[import-untyped]

    size = chain.size
    matrix = csc_matrix(
        identity(size, format="csc")
        - csc_matrix((probability, (chain.source, chain.target)), shape=(size, size))
    )
    base = np.asarray(splu(matrix).solve(reward)[0], dtype=np.float64)
    removed = np.zeros((chain.members.shape[1], reward.shape[1]))
    for channel in range(chain.members.shape[1]):
        kept = np.flatnonzero(~chain.members[:, channel])
        part = csc_matrix(matrix[kept][:, kept])
        removed[channel] = splu(part).solve(np.ascontiguousarray(reward[kept]))[0]
    return base, removed
