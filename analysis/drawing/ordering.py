"""The order of the nodes within each column: few edge crossings, deterministically.

The layered graph holds the nodes and, for every edge that skips columns, a
placeholder point in each column it passes, so that long edges take part in
the ordering and are routed around boxes instead of through them. The order
comes from barycentre sweeps with neighbour swaps (the Sugiyama method, with
Gansner et al.'s transpose), from a few seeded shuffled starts, or from the
optional Graphviz ``dot`` program. Ties are always broken by id.
"""

from __future__ import annotations

import bisect
import itertools
import random
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.errors import ChokegraphError

PASSES = 24  # barycentre passes (a sweep down and one up) per start
STALE_PASSES = 4  # stop a start after this many passes without a better order
TRANSPOSE_ROUNDS = 30  # at most this many rounds of neighbour swaps after a sweep
RESTARTS = 6  # extra starts from shuffled orders (seeded); the fewest crossings win
BIG_LINKS = 3000  # above this many links, 2 passes with 1 round of swaps each
RESTART_LIMIT = 600  # no extra starts above this many links (edges, cut at each column)


@dataclass
class Layers:
    """The layered graph the ordering works on: nodes plus placeholder points."""

    items: list[list[Any]]  # per column, the items in order (node ids or dummy tuples)
    down: dict[Any, list[Any]]  # item -> linked items in the column to its left
    up: dict[Any, list[Any]]  # item -> linked items in the column to its right
    chains: dict[tuple[str, str], list[Any]]  # (u, v) -> items from u to v
    flat: list[tuple[str, str]]  # pairs within one column


def _sort_key(item: Any) -> tuple[str, str]:
    # Nodes by id; a placeholder by the ids of its edge's ends (left end first).
    if isinstance(item, tuple):
        return (item[1], "\x7f" + item[2])
    return (item, "")


def build_layers(G: nx.MultiDiGraph, column: dict[str, int], n_columns: int) -> Layers:
    items: list[list[Any]] = [[] for _ in range(n_columns)]
    for n in sorted(G):
        items[column[n]].append(n)
    down: dict[Any, list[Any]] = {n: [] for n in G}
    up: dict[Any, list[Any]] = {n: [] for n in G}
    chains: dict[tuple[str, str], list[Any]] = {}
    flat = []
    for u, v in sorted({(u, v) for u, v in G.edges() if u != v}):
        cu, cv = column[u], column[v]
        if cu == cv:
            flat.append((u, v))
            continue
        # A backward edge is laid out as if it ran forwards, then drawn reversed.
        left, right = (u, v) if cu < cv else (v, u)
        lo, hi = min(cu, cv), max(cu, cv)
        chain: list[Any] = [left]
        for c in range(lo + 1, hi):
            dummy = ("~", left, right, c)
            items[c].append(dummy)
            down[dummy], up[dummy] = [], []
            chain.append(dummy)
        chain.append(right)
        for a, b in itertools.pairwise(chain):
            up[a].append(b)
            down[b].append(a)
        chains[(u, v)] = chain if cu < cv else chain[::-1]
    for col in items:
        col.sort(key=_sort_key)
    return Layers(items, down, up, chains, flat)


def _crossings_between(left: list[Any], right: list[Any], up: dict[Any, list[Any]]) -> int:
    """Crossings of the links between two adjacent columns (inversion count)."""
    where = {item: i for i, item in enumerate(right)}
    links = sorted((i, where[b]) for i, a in enumerate(left) for b in up[a])
    # Count pairs i1 < i2 with j1 > j2, with a Fenwick tree over j.
    size = len(right)
    tree = [0] * (size + 1)
    total = 0
    for seen, (_, j) in enumerate(links):
        # links before this one with a larger j: seen minus those with j' <= j
        k, below = j + 1, 0
        while k > 0:
            below += tree[k]
            k -= k & -k
        total += seen - below
        k = j + 1
        while k <= size:
            tree[k] += 1
            k += k & -k
    return total


def total_crossings(items: list[list[Any]], up: dict[Any, list[Any]]) -> int:
    return sum(_crossings_between(items[c], items[c + 1], up) for c in range(len(items) - 1))


def _sweep(items: list[list[Any]], links: dict[Any, list[Any]], columns: Iterable[int], side: int):
    """Reorder each column by the barycentre of its links into the column ``side`` of it."""
    for c in columns:
        where = {item: i for i, item in enumerate(items[c + side])}
        keyed = []
        for i, item in enumerate(items[c]):
            linked = links[item]
            bary = sum(where[o] for o in linked) / len(linked) if linked else float(i)
            keyed.append((bary, _sort_key(item), item))
        keyed.sort(key=lambda t: (t[0], t[1]))
        items[c] = [t[2] for t in keyed]


def _cross(above: list[int], below: list[int]) -> int:
    """Crossings between the links of two neighbours, the first placed above the second.

    ``above`` and ``below`` are the sorted positions their links reach.
    """
    if not above or not below or above[-1] <= below[0]:
        return 0
    return sum(bisect.bisect_left(below, p) for p in above)


def _transpose(
    items: list[list[Any]], layers: Layers, *, ties: bool = False, rounds: int = 1
) -> None:
    """Swap neighbours in a column while that removes crossings (Gansner et al.'s transpose).

    With ``ties``, neighbours whose swap leaves the crossings as they are swap
    too: that moves the search off a plateau, and the caller keeps the best order.
    """
    n = len(items)
    for _ in range(rounds):
        improved = False
        for c in range(n):
            column = items[c]
            left = {it: i for i, it in enumerate(items[c - 1])} if c > 0 else {}
            right = {it: i for i, it in enumerate(items[c + 1])} if c < n - 1 else {}
            reach = {
                item: (
                    sorted(left[x] for x in layers.down[item]),
                    sorted(right[x] for x in layers.up[item]),
                )
                for item in column
            }
            for i in range(len(column) - 1):
                u, v = column[i], column[i + 1]
                (lu, ru), (lv, rv) = reach[u], reach[v]
                swapped = _cross(lv, lu) + _cross(rv, ru)
                kept = _cross(lu, lv) + _cross(ru, rv)
                if swapped < kept or (ties and swapped == kept and kept > 0):
                    column[i], column[i + 1] = v, u
                    improved = improved or swapped < kept
        if not improved:
            break


def order_by_barycentre(layers: Layers, *, seed: int) -> int:
    """Order every column to keep crossings low; return the crossings left.

    Each pass sorts the columns by barycentre left to right, then right to
    left, each sweep followed by transposes; a pass that does not beat the
    best order so far starts the next one from the best. Then the same from
    a few shuffled starts (seeded), and the fewest crossings win (the first
    found on a tie).
    """
    n = len(layers.items)
    links = sum(len(v) for v in layers.up.values())
    # A graph too big to read whole still gets an order, with less polish.
    big = links > BIG_LINKS
    passes, rounds = (2, 1) if big else (PASSES, TRANSPOSE_ROUNDS)

    def run(start: list[list[Any]]) -> tuple[int, list[list[Any]]]:
        items = [list(col) for col in start]
        best = (total_crossings(items, layers.up), [list(col) for col in items])
        stale = 0
        for k in range(passes):
            if best[0] == 0:
                break
            _sweep(items, layers.down, range(1, n), -1)
            _transpose(items, layers, ties=k % 2 == 1, rounds=rounds)
            _sweep(items, layers.up, range(n - 2, -1, -1), +1)
            _transpose(items, layers, ties=k % 2 == 1, rounds=rounds)
            found = total_crossings(items, layers.up)
            if found < best[0]:
                best, stale = (found, [list(col) for col in items]), 0
            else:
                stale += 1
                if stale > STALE_PASSES:
                    break
                items = [list(col) for col in best[1]]
        return best

    best = run(layers.items)
    rng = random.Random(seed)
    restarts = RESTARTS if links <= RESTART_LIMIT else 0
    for _ in range(restarts):
        if best[0] == 0:
            break
        found = run([rng.sample(col, len(col)) for col in layers.items])
        if found[0] < best[0]:
            best = found
    layers.items[:] = best[1]
    return best[0]


def dot_available() -> bool:
    """Whether the Graphviz ``dot`` program is installed."""
    return shutil.which("dot") is not None


def order_by_dot(G: nx.MultiDiGraph, layers: Layers, column: dict[str, int]) -> None:
    """Order each column as Graphviz ``dot`` orders it (placeholders by their chain)."""
    if not dot_available():
        raise ChokegraphError(
            "the 'dot' layout needs Graphviz's dot program, which is not installed"
        )
    ids = {n: f"n{i}" for i, n in enumerate(sorted(G))}
    lines = ["digraph G {", "rankdir=LR;", "node [shape=box];"]
    by_column: dict[int, list[str]] = {}
    for n, c in column.items():
        by_column.setdefault(c, []).append(ids[n])
    for c in sorted(by_column):
        lines.append("{rank=same; " + " ".join(sorted(by_column[c])) + ";}")
    for u, v in sorted({(u, v) for u, v in G.edges() if u != v}):
        lines.append(f"{ids[u]} -> {ids[v]};")
    lines.append("}")
    try:
        out = subprocess.run(
            ["dot", "-Tplain"], input="\n".join(lines), capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ChokegraphError(f"Graphviz dot failed: {exc}") from exc
    back = {v: k for k, v in ids.items()}
    dot_y: dict[Any, float] = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            dot_y[back[parts[1]]] = -float(parts[3])  # dot's y grows upwards
    # A placeholder sits where its edge would cross the column, between its ends.
    for chain in layers.chains.values():
        a, b = chain[0], chain[-1]
        for k, item in enumerate(chain[1:-1], start=1):
            t = k / (len(chain) - 1)
            dot_y[item] = dot_y[a] + t * (dot_y[b] - dot_y[a])
    for col in layers.items:
        col.sort(key=lambda item: (dot_y[item], _sort_key(item)))
