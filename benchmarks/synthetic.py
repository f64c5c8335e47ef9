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


DEPTH = 40  # nodes in a chain of the tangled network
STAGES = 50  # commodities a chain position can make (chains share them)


def tangled_tables(n_edges: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(nodes, edges)`` of a network unlike the layered one, of about ``n_edges`` edges.

    Deep chains: each chain of ``DEPTH`` nodes is a refiner, then component
    makers, then an industry, every node buying its predecessor's commodity
    from the predecessor and from two nodes at the same depth of other chains
    (so a restriction travels 40 levels down). Wide fan-in: a few hubs buy
    one stage's commodity from every chain (thousands of suppliers into one
    input, at 1M edges). Cycles: one chain in ten feeds its third node's
    output back into its second (recycling), so the engine meets strongly
    connected components. Besides: countries control one refiner
    in twenty by half; one supplies edge in twenty has a spare and a ramp;
    one node in ten lists its inputs (dependence, stock) in the ``inputs``
    JSON cell. Built with whole-array operations, so that 10M edges take
    seconds, not minutes.

    Examples
    --------
    >>> nodes, edges = tangled_tables(5000)
    >>> 3000 < len(edges) < 7000, set(edges["kind"].dropna())
    (True, {'controls'})
    """
    rng = np.random.default_rng(seed)
    per_chain = 3 * DEPTH + 4  # three suppliers a node, plus the fan-in and the extras
    n_chains = max(8, n_edges // per_chain)
    n_countries = int(min(250, max(5, n_chains // 20)))
    n_raw = max(2, n_chains // 100)
    countries = np.array([f"c{i:03d}" for i in range(n_countries)], dtype=object)
    chain = np.repeat(np.arange(n_chains), DEPTH)
    depth = np.tile(np.arange(DEPTH), n_chains)
    ids = pd.Series(chain).astype(str).radd("k") + "_" + pd.Series(depth).astype(str)
    kind = np.where(depth == 0, "refiner", np.where(depth == DEPTH - 1, "industry", "component"))
    commodity = pd.Series(depth % STAGES).astype(str).radd("stage").where(depth < DEPTH - 1)
    commodity[depth == 0] = "refined" + pd.Series(chain[depth == 0] % n_raw).astype(str).values
    home = countries[rng.integers(0, n_countries, chain.size)]
    chains = pd.DataFrame(
        {
            "id": ids,
            "kind": kind,
            "country": home,
            "commodity": commodity,
            "stockpile_days": rng.integers(0, 60, chain.size).astype(float),
            "value": np.where(depth == DEPTH - 1, rng.integers(1, 100, chain.size) * 1e9, np.nan),
        }
    )
    listed = rng.random(chain.size) < 0.1
    # A node's input commodity: its predecessor's output (a refiner's: its mines').
    bought = pd.Series(commodity).shift(1).where(depth > 0)
    bought[depth == 0] = "raw" + pd.Series(chain[depth == 0] % n_raw).astype(str).values
    deps = rng.uniform(0.3, 1.0, chain.size).round(2)
    days = rng.integers(0, 90, chain.size)
    chains["inputs"] = None
    chains.loc[listed, "inputs"] = [
        f'{{"{c}": {{"dependence": {d}, "stockpile_days": {n}}}}}'
        for c, d, n in zip(bought[listed], deps[listed], days[listed], strict=True)
    ]
    mines = pd.DataFrame(
        {
            "id": [f"mine{i}" for i in range(4 * n_raw)],
            "kind": "mineral",
            "country": countries[rng.integers(0, n_countries, 4 * n_raw)],
            "commodity": [f"raw{i % n_raw}" for i in range(4 * n_raw)],
        }
    )
    hubs = pd.DataFrame(
        {
            "id": [f"hub{s}" for s in range(4)],
            "kind": "industry",
            "country": countries[:4],
            "value": 1e12,
        }
    )
    nodes = pd.concat(
        [pd.DataFrame({"id": countries, "kind": "country"}), mines, chains, hubs],
        ignore_index=True,
    )

    def at(c: np.ndarray, d: np.ndarray) -> np.ndarray:
        return ids.to_numpy()[c * DEPTH + d]

    edges = []
    later = depth > 0
    for other in (0, 1, 2):  # the predecessor, then two at the same depth elsewhere
        c = chain[later] if other == 0 else rng.integers(0, n_chains, int(later.sum()))
        edges.append(pd.DataFrame({"from": at(c, depth[later] - 1), "to": ids[later].values}))
    first = np.flatnonzero(depth == 0)
    for k in range(3):  # three mines of its raw commodity into every refiner
        r = chain[first] % n_raw
        edges.append(
            pd.DataFrame({"from": mines["id"].to_numpy()[r + n_raw * k], "to": ids[first].values})
        )
    for s, hub in enumerate(hubs["id"]):  # the fan-in: every chain's node at one depth
        d = 5 + 7 * s
        edges.append(
            pd.DataFrame({"from": at(np.arange(n_chains), np.full(n_chains, d)), "to": hub})
        )
    looped = np.arange(0, n_chains, 10)  # recycling: a small loop near the chain's start
    edges.append(
        pd.DataFrame(
            {
                "from": at(looped, np.full(looped.size, 2)),
                "to": at(looped, np.ones(looped.size, int)),
            }
        )
    )
    edges = pd.concat(edges, ignore_index=True).drop_duplicates(["from", "to"])
    output = dict(zip(nodes["id"], nodes["commodity"].fillna(nodes["id"]), strict=True))
    group = edges["to"] + "|" + edges["from"].map(output)
    weights = pd.Series(rng.random(len(edges)) + 0.2, index=edges.index)
    total = weights.groupby(group).transform("sum")
    scale = (
        pd.Series(rng.uniform(0.6, 1.0, len(edges)), index=edges.index)
        .groupby(group)
        .transform("first")
    )
    edges["share"] = (weights / total * scale).round(6)
    spared = rng.random(len(edges)) < 0.05
    edges["spare"] = np.where(spared, rng.integers(5, 31, len(edges)) / 100, np.nan)
    edges["ramp_days"] = np.where(spared, rng.integers(0, 181, len(edges)).astype(float), np.nan)
    refiners = chains.loc[depth == 0, ["id", "country"]].iloc[::20]
    controls = pd.DataFrame(
        {
            "from": countries[(np.arange(len(refiners)) * 7) % n_countries],
            "to": refiners["id"].to_numpy(),
            "kind": "controls",
            "share": 0.5,
        }
    )
    controls = controls[controls["from"].to_numpy() != refiners["country"].to_numpy()]
    edges = pd.concat([edges, controls], ignore_index=True)
    return nodes, edges


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


SHAPES = {"layered": layered_tables, "tangled": tangled_tables}

if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    shape = sys.argv[3] if len(sys.argv) > 3 else "layered"
    out = write_tables(
        size,
        sys.argv[2] if len(sys.argv) > 2 else f"benchmarks/out/net-{size}",
        shape=shape,
    )
    print(out)
