"""Geometry of the dependency diagram, checked without drawing anything.

Positions are worked out by hand from the rules in ``analysis/drawing/layout.py``:
columns by kind (and by chains inside a kind), barycentre ordering, then each
node pulled towards its neighbours with at least ``(h1 + h2) / 2 + GAP`` lines
between neighbours in a column (a one-line box is 1.5 lines tall, the point
where an edge crosses a column 0.2).
"""

from __future__ import annotations

import itertools
import random

import pytest
from helpers import CROSSED, dataset

import graph
from analysis.drawing import layout as L
from analysis.drawing.selection import KINDS

# a and b feed m; m -> r -> i; and a sells straight to i, an edge that skips
# the mineral and refiner columns.


SKIPPING = """
nodes:
  - {id: a, kind: country}
  - {id: b, kind: country}
  - {id: m, kind: mineral}
  - {id: r, kind: refiner}
  - {id: i, kind: industry}
edges:
  - {from: a, to: m, share: 0.5}
  - {from: b, to: m, share: 0.5}
  - {from: m, to: r, share: 1}
  - {from: r, to: i, share: 0.5}
  - {from: a, to: i, commodity: ore, share: 0.5}
"""


def kind_rank(kind: str) -> int:
    return KINDS.index(kind)


@pytest.fixture(scope="module")
def bundled():
    return graph.load()


def test_crossed_edges_are_untangled():
    G = dataset(CROSSED)
    # Ordered by id, a b c face x y z: a-z, b-y and c-x cross pairwise, 3 crossings.
    by_id = {"a": (0, 0), "b": (0, -1), "c": (0, -2), "x": (1, 0), "y": (1, -1), "z": (1, -2)}
    assert L.count_crossings(G, by_id) == 3
    pos = L.layered_layout(G)
    assert L.count_crossings(G, pos) == 0
    assert L.diagram_layout(G).crossings == 0


def test_crossed_positions_by_hand():
    # Sweep down: x, y, z take the positions of c, b, a (2, 1, 0), so the mineral
    # column becomes z, y, x; sweeping up keeps a, b, c. One-line boxes are 1.5
    # lines tall, so neighbours sit 1.5 / 2 * 2 + 0.5 = 2 lines apart, and each
    # mineral lines up with its country.
    assert L.layered_layout(dataset(CROSSED)) == {
        "a": (0.0, 0.0),
        "b": (0.0, -2.0),
        "c": (0.0, -4.0),
        "x": (1.0, -4.0),
        "y": (1.0, -2.0),
        "z": (1.0, 0.0),
    }


def test_skipping_edge_positions_by_hand():
    # Columns: a b | m + point of a->i | r + point of a->i | i. The points sort by
    # their left end "a" before "m" and "r"; no crossings, so the order stays.
    # Gaps: box to box 2 lines; box to point (1.5 + 0.2) / 2 + 0.5 = 1.35.
    # Each round with a at A (b at A + 2, as they pool):
    #   m wants mean(a, b) = A + 1, its point wants A: pooled, point A - 0.175,
    #   m A + 1.175; r and its point copy them; i wants mean(A - 0.175, A + 1.175)
    #   = A + 0.5. Going up, a wants mean(A - 0.175, A + 1.175) = A + 0.5 and b
    #   wants A + 1.175 - 2: pooled, a = A - 0.1625.
    # So the shape is fixed after one round; the top item is the point
    # (A - 0.175). Measured from it, downwards: a 0.0125, b 2.0125, m and r
    # 1.35, i 0.675, the points 0.
    lay = L.diagram_layout(dataset(SKIPPING))
    expected = {
        "a": (0.0, -0.0125),
        "b": (0.0, -2.0125),
        "m": (1.0, -1.35),
        "r": (2.0, -1.35),
        "i": (3.0, -0.675),
    }
    assert set(lay.pos) == set(expected)
    for node, (x, y) in expected.items():
        assert lay.pos[node] == pytest.approx((x, y), abs=1e-9), node
    assert lay.columns == ["country", "mineral", "refiner", "industry"]
    # The long edge runs level (y = 0) through the mineral and refiner columns,
    # clear of the boxes there (1.35 lines below it).
    route = lay.routes[("a", "i")]
    assert route[0] == lay.pos["a"] and route[-1] == lay.pos["i"]
    assert len(route) % 3 == 1
    levels = {round(y, 9) for x, y in route if 0.5 < x < 2.5}
    assert levels == {0.0}


def test_layers_follow_kind_order(bundled):
    pos = L.layered_layout(bundled)
    kinds = dict(bundled.nodes(data="kind"))
    for u in bundled:
        for v in bundled:
            if kind_rank(kinds[u]) < kind_rank(kinds[v]):
                assert pos[u][0] < pos[v][0], (u, v)


def test_no_two_nodes_share_a_position(bundled):
    pos = L.layered_layout(bundled)
    assert len(set(pos.values())) == len(pos)


def test_boxes_in_a_column_keep_their_gap(bundled):
    lay = L.diagram_layout(bundled)
    by_x: dict[float, list[str]] = {}
    for n, (x, _) in lay.pos.items():
        by_x.setdefault(x, []).append(n)
    for nodes in by_x.values():
        nodes.sort(key=lambda n: -lay.pos[n][1])
        for upper, lower in itertools.pairwise(nodes):
            room = lay.pos[upper][1] - lay.pos[lower][1]
            need = (lay.heights[upper] + lay.heights[lower]) / 2 + L.GAP
            assert room >= need - 1e-9, (upper, lower)


def test_same_data_same_positions():
    first = L.diagram_layout(graph.load())
    second = L.diagram_layout(graph.load())
    assert first.pos == second.pos
    assert first.routes == second.routes


def test_file_order_does_not_matter():
    text = SKIPPING.strip().splitlines()
    nodes = [line for line in text if line.startswith("  - {id")]
    edges = [line for line in text if line.startswith("  - {from")]
    rng = random.Random(7)
    rng.shuffle(nodes)
    rng.shuffle(edges)
    shuffled = "\n".join(["nodes:", *nodes, "edges:", *edges]) + "\n"
    assert L.layered_layout(dataset(shuffled)) == L.layered_layout(dataset(SKIPPING))


def test_seed_gives_the_same_layout_each_time(bundled):
    assert L.layered_layout(bundled, seed=3) == L.layered_layout(bundled, seed=3)


def test_chains_inside_a_kind_get_sub_columns():
    G = dataset(
        """
        nodes:
          - {id: crude, kind: refiner}
          - {id: pure, kind: refiner}
          - {id: i, kind: industry}
        edges:
          - {from: crude, to: pure, share: 1}
          - {from: pure, to: i, share: 1}
        """
    )
    pos = L.layered_layout(G)
    assert pos["crude"][0] == 0.0 and pos["pure"][0] == 1.0 and pos["i"][0] == 2.0
    assert L.kind_columns(G)[1] == ["refiner", "refiner", "industry"]


def test_a_cycle_inside_a_kind_shares_a_column():
    G = dataset(
        """
        nodes:
          - {id: p, kind: refiner, commodity: cp}
          - {id: q, kind: refiner, commodity: cq}
        edges:
          - {from: p, to: q, share: 0.5}
          - {from: q, to: p, share: 0.5}
        """
    )
    lay = L.diagram_layout(G)
    assert lay.pos["p"][0] == lay.pos["q"][0]
    # Both edges loop out to the right of the column and back.
    for u, v in (("p", "q"), ("q", "p")):
        route = lay.routes[(u, v)]
        assert route[0] == lay.pos[u] and route[-1] == lay.pos[v]
        assert max(x for x, _ in route) > lay.pos[u][0]
