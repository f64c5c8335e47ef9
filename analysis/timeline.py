"""The timeline: availability of the affected nodes day by day, with stocks and ramps."""

from __future__ import annotations

import numpy as np

from analysis.compiled import AFFECTED, CompiledGraph, levels_within
from analysis.propagation import Ramp, edge_keep, prepare, sweep
from analysis.scenario import Restriction, Scenario

DAYS_PER_YEAR = 365  # value is a year's output: value_lost = value * lost_days / 365
_CHUNK = 1 << 20  # timeline cells per step of ``timeline_figures``, to bound its memory


def timeline_figures(timeline: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peak shortfall, first day at the peak (-1: none) and days lost, per column.

    The peak is reached on the first day whose shortfall is within 1e-9 of
    it; a column whose peak is at most 1e-9 has none. Days lost add, in day
    order, each run of days with the same shortfall as one product (days x
    shortfall): the batched engine (``analysis.batch``) sees only the days
    on which a node changes, and adds them the same way, to the same bits.

    Examples
    --------
    >>> t = np.array([[1.0, 1.0], [0.5, 1.0], [0.75, 1.0]])
    >>> peak, day, lost = timeline_figures(t)
    >>> peak.tolist(), day.tolist(), lost.tolist()
    ([0.5, 0.0], [1, -1], [0.75, 0.0])
    """
    days, n = timeline.shape
    peak = np.zeros(n)
    at_peak = np.full(n, -1, dtype=np.int64)
    lost = np.zeros(n)
    step = max(1, _CHUNK // max(days, 1))
    for lo in range(0, n, step):
        short = 1.0 - timeline[:, lo : lo + step]
        top = short.max(axis=0, initial=0.0)
        first = (short >= top - AFFECTED).argmax(axis=0)
        peak[lo : lo + step] = top
        at_peak[lo : lo + step] = np.where(top > AFFECTED, first, -1)
        lost[lo : lo + step] = run_sum(short)
    return peak, at_peak, lost


def run_sum(short: np.ndarray) -> np.ndarray:
    """Per column, the sum over days of ``short``, one product per run of equal days.

    Examples
    --------
    >>> run_sum(np.array([[0.5], [0.5], [0.25]])).tolist()
    [1.25]
    """
    days = short.shape[0]
    total = np.zeros(short.shape[1])
    if days == 0:
        return total
    start = np.zeros(short.shape[1], dtype=np.int64)
    for t in np.flatnonzero((short[1:] != short[:-1]).any(axis=1)) + 1:
        ends = short[t] != short[t - 1]
        total += np.where(ends, (t - start) * short[t - 1], 0.0)
        start = np.where(ends, t, start)
    return total + (days - start) * short[-1]


def _active(restrictions: tuple[Restriction, ...], t: int) -> tuple[Restriction, ...]:
    """The restrictions in force on day ``t``: ``start_day <= t < end_day``."""
    return tuple(
        r for r in restrictions if r.start_day <= t and (r.end_day is None or t < r.end_day)
    )


def _draw(stocks: list[np.ndarray], gaps: list[np.ndarray]) -> bool:
    """Take the day's gaps from the stocks; whether any input drew on one."""
    drew = False
    for i, (stock, gap) in enumerate(zip(stocks, gaps, strict=True)):
        drew = drew or bool(((stock > 0) & (gap > 0)).any())
        stocks[i] = np.where(stock >= gap, stock - gap, 0.0)
    return drew


def timeline(
    C: CompiledGraph, scenario: Scenario, removed: np.ndarray, affected: np.ndarray
) -> np.ndarray:
    """Availability of the affected nodes on each day 0..horizon (see ``settled_timeline``)."""
    return settled_timeline(C, scenario, removed, affected)[0]


def settled_timeline(
    C: CompiledGraph, scenario: Scenario, removed: np.ndarray, affected: np.ndarray
) -> tuple[np.ndarray, int | None]:
    """Availability of the affected nodes on each day 0..horizon, and the day it settled.

    Only the nodes of ``affected`` can ever fall short, so the days are
    simulated on that part alone, and every other supplier's lost flow is
    summed once per change of restrictions (a start or an end day) rather
    than every day. The simulation stops early once nothing can change any
    more: no restriction starts or ends later, no input is still drawing on
    a stock, and no alternative is still ramping up; that day is returned
    (None: it ran to the horizon).
    """
    horizon = scenario.horizon
    out = np.ones((horizon + 1, affected.size))
    if affected.size == 0:
        return out, 0
    mask = np.zeros(C.n_nodes, dtype=bool)
    mask[affected] = True
    levels = levels_within(C, mask) if affected.size < C.n_nodes else C.levels
    # Unaffected suppliers are fully available every day; removed ones never are.
    constant = np.where(removed, 0.0, np.where(mask, np.nan, 1.0))
    restrictions = scenario.restrictions
    changes = {r.start_day for r in restrictions}
    changes |= {r.end_day for r in restrictions if r.end_day is not None}
    last_change = max(changes, default=0)
    stocks = [C.slot_stock[level.slots] for level in levels]
    ramps = [Ramp.start(level) if level.alt.size else None for level in levels]
    first = np.where(removed, 0.0, 1.0)  # each day starts from this; levels fill in the rest
    passes = None
    active_days = None
    for t in range(horizon + 1):
        if passes is None or t in changes:
            active = _active(restrictions, t)
            if active != active_days:
                keep, active_days = edge_keep(C, active), active
                passes = [prepare(level, keep, constant) for level in levels]
        a = first.copy()
        for ramp in ramps:
            if ramp is not None:
                ramp.day = t
        gaps, losts = sweep(passes, a, removed, stocks, ramps)
        out[t] = a[affected]
        # Tomorrow repeats today unless some input drew on a stock today, or
        # some alternative is still ramping up.
        drew = _draw(stocks, gaps)
        growing = False
        for ramp, lost in zip(ramps, losts, strict=True):
            if ramp is not None:
                growing = ramp.advance(lost) or growing
        if t >= last_change and not drew and not growing:
            out[t + 1 :] = out[t]
            return out, t
    return out, None
