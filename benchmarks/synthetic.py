"""Synthetic layered supply networks, written in chokegraph's tabular form.

A network of about ``n_edges`` edges: countries mine raw commodities, refiners
(located in countries) refine them, component makers combine refined
commodities, and industries combine components. Each input is bought from
several suppliers whose shares add up to at most 1, so restrictions spread
through every layer. The same seed gives the same network.

    python -m benchmarks.synthetic 100000 /tmp/net-100k
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SUPPLIERS = 4  # suppliers per input
INPUTS = 2  # inputs per component maker and industry


def layered_tables(n_edges: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(nodes, edges)`` DataFrames of a layered network of about ``n_edges`` edges.

    Examples
    --------
    >>> nodes, edges = layered_tables(2000)
    >>> 1500 < len(edges) < 2500
    True
    """
    rng = np.random.default_rng(seed)
    # Each refiner buys from SUPPLIERS mines; each component maker and industry
    # buys INPUTS inputs from SUPPLIERS suppliers each.
    units = max(8, n_edges // (SUPPLIERS * (1 + 2 * INPUTS)))
    n_countries = int(min(250, max(5, units // 20)))
    n_raw = max(2, units // 50)
    countries = [f"c{i:03d}" for i in range(n_countries)]

    node_rows: list[dict] = [
        {"id": c, "kind": "country", "name": f"Country {c}"} for c in countries
    ]
    edge_rows: list[dict] = []

    def place(n: int) -> np.ndarray:
        return rng.integers(0, n_countries, n)

    mines = [f"mine{i}" for i in range(units)]
    mine_commodity = np.arange(units) % n_raw
    for mine, c, home in zip(mines, mine_commodity, place(units), strict=True):
        node_rows.append(
            {"id": mine, "kind": "mineral", "country": countries[home], "commodity": f"raw{c}"}
        )
    # Raw supply of each commodity reaches refiners through 4 mines of that commodity.
    by_commodity: dict[int, list[str]] = {c: [] for c in range(n_raw)}
    for mine, c in zip(mines, mine_commodity, strict=True):
        by_commodity[int(c)].append(mine)

    refiners = [f"ref{i}" for i in range(units)]
    for i, (ref, home) in enumerate(zip(refiners, place(units), strict=True)):
        c = i % n_raw
        node_rows.append(
            {
                "id": ref,
                "kind": "refiner",
                "country": countries[home],
                "commodity": f"refined{c}",
                "stockpile_days": float(rng.integers(0, 60)),
            }
        )
        for supplier in dict.fromkeys(rng.choice(by_commodity[c], SUPPLIERS)):
            edge_rows.append({"from": supplier, "to": ref, "share": 0.0})
    refined_by = {c: refiners[c::n_raw] for c in range(n_raw)}

    def consumers(prefix: str, kind: str, pools: dict, product: str) -> list[str]:
        ids = [f"{prefix}{i}" for i in range(units)]
        n_products = max(2, units // 20)
        for i, (node, home) in enumerate(zip(ids, place(units), strict=True)):
            inputs = rng.choice(list(pools), INPUTS, replace=False)
            row = {"id": node, "kind": kind, "country": countries[home]}
            if kind == "industry":
                row["value"] = float(rng.integers(1, 100)) * 1e9
            else:
                row["commodity"] = f"{product}{i % n_products}"
            row["stockpile_days"] = float(rng.integers(0, 90))
            node_rows.append(row)
            for c in inputs:
                chosen = rng.choice(pools[c], SUPPLIERS, replace=len(pools[c]) < SUPPLIERS)
                for supplier in dict.fromkeys(chosen):
                    edge_rows.append({"from": supplier, "to": node, "share": 0.0})
        return ids

    components = consumers("comp", "component", refined_by, "part")
    n_parts = max(2, units // 20)
    parts_by = {p: components[p::n_parts] for p in range(n_parts)}
    consumers("ind", "industry", parts_by, "")

    nodes = pd.DataFrame(node_rows)
    edges = pd.DataFrame(edge_rows)
    # Give each input's suppliers shares that sum to between 0.6 and 1.
    commodity = dict(zip(nodes["id"], nodes["commodity"].fillna(nodes["id"]), strict=True))
    zero = edges["share"] == 0.0
    group = edges.loc[zero, "to"] + "|" + edges.loc[zero, "from"].map(commodity)
    weights = pd.Series(rng.random(int(zero.sum())) + 0.2, index=group.index)
    total = weights.groupby(group).transform("sum")
    scale = group.map(
        dict(zip(group.unique(), rng.uniform(0.6, 1.0, group.nunique()), strict=True))
    )
    edges.loc[zero, "share"] = (weights / total * scale).round(6)
    edges = edges.drop_duplicates(["from", "to"])
    return nodes, edges.reset_index(drop=True)


def add_alternatives(G, *, fraction: float = 0.05, seed: int = 0) -> int:
    """Give a ``fraction`` of the supplies edges of a loaded graph a spare and a ramp.

    The second edition's variant of the network (DESIGN section 3b): each
    chosen edge gets ``spare`` 0.05 to 0.3 and ``ramp_days`` 0 to 180, set on
    the networkx graph directly, so that timing the engine does not time the
    loader's row checks. Returns the number of edges changed.

    Examples
    --------
    >>> import graph
    >>> nodes, edges = layered_tables(2000)
    >>> G = graph.from_dict({"nodes": nodes.to_dict("records"), "edges": edges.to_dict("records")})
    >>> add_alternatives(G, fraction=0.1) > 0
    True
    """
    rng = np.random.default_rng(seed)
    changed = 0
    for _, _, d in G.edges(data=True):
        if d["kind"] == "supplies" and rng.random() < fraction:
            d["spare"] = float(rng.integers(5, 31)) / 100
            d["ramp_days"] = float(rng.integers(0, 181))
            changed += 1
    return changed


def write_tables(
    n_edges: int, folder: str | Path, *, seed: int = 0, shape: str = "layered"
) -> Path:
    """Write ``nodes.csv`` and ``edges.csv`` of a synthetic network into ``folder``.

    ``shape`` is ``"layered"`` (``layered_tables``) or ``"tangled"``
    (``tangled_tables``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = SHAPES[shape](n_edges, seed=seed)
    nodes.to_csv(folder / "nodes.csv", index=False)
    edges.to_csv(folder / "edges.csv", index=False)
    return folder


SHAPES = {"layered": layered_tables}

if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    shape = sys.argv[3] if len(sys.argv) > 3 else "layered"
    out = write_tables(
        size,
        sys.argv[2] if len(sys.argv) > 2 else f"benchmarks/out/net-{size}",
        shape=shape,
    )
    print(out)
