"""How long the chokepoint ranking takes on a large synthetic network.

Writes a layered network of about 100,000 edges in the tabular form, loads it
with ``graph.load``, compiles it once, and ranks 1,000 candidate removals plus
every country's full export ban (one steady-state run each); then times the
removals alone (``batched_removals``, each candidate on its descendants). Prints the
figures; asserts nothing.

    python -m benchmarks.bench_chokepoints                # 100,000 edges, 1,000 candidates
    python -m benchmarks.bench_chokepoints 20000 200      # smaller
    python -m benchmarks.bench_chokepoints 1000000 0      # 1M edges, every candidate

A candidate count of 0 ranks every candidate (every node that is neither a
country nor an industry, the command's default). The last line gives the
whole process: wall time since start-up and peak resident memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import analysis
import graph
from analysis.chokepoints import batched_removals, removal_damage, scoring
from analysis.engine import compile_graph
from benchmarks.synthetic import write_tables


def main(n_edges: int = 100_000, n_candidates: int = 1_000, seed: int = 0) -> None:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = write_tables(n_edges, Path(tmp) / "net", seed=seed)
        t1 = time.perf_counter()
        G = graph.load(folder)
        t2 = time.perf_counter()
    C = compile_graph(G)
    t3 = time.perf_counter()
    rng = np.random.default_rng(seed)
    pool = sorted(v for v, d in G.nodes(data=True) if d["kind"] not in ("country", "industry"))
    candidates = sorted(
        rng.choice(pool, min(n_candidates or len(pool), len(pool)), replace=False).tolist()
    )
    countries = sum(1 for _, d in G.nodes(data=True) if d["kind"] == "country")

    S = scoring(C)
    t4 = time.perf_counter()
    removal_damage(C, C.index[candidates[0]], S)
    one = time.perf_counter() - t4

    t5 = time.perf_counter()
    res = analysis.chokepoints(G, candidates=candidates, compiled=C)
    t6 = time.perf_counter()
    batched_removals(C, S, [C.index[v] for v in candidates])
    alone = time.perf_counter() - t6
    runs = len(candidates) + countries

    print(f"network: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges, "
          f"{len(C.levels)} levels, {countries} countries")  # fmt: skip
    print(f"write tables   {t1 - t0:8.2f} s")
    print(f"graph.load     {t2 - t1:8.2f} s")
    print(f"compile_graph  {t3 - t2:8.2f} s")
    print(f"one removal    {1000 * one:8.1f} ms")
    print(f"ranking        {t6 - t5:8.2f} s  ({len(candidates):,} removals + {countries} bans, "
          f"{1000 * (t6 - t5) / runs:.1f} ms per run)")  # fmt: skip
    print(f"  of which     {alone:8.2f} s  removals alone, in chunks (analysis.removals)")
    top = res.records[0]
    print(f"top chokepoint {top['node']} ({top['kind']}): score {top['score']:.4g} {res.unit}, "
          f"{top['industries_hit']} industries hit")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole process  {time.perf_counter() - start:8.2f} s  (peak {peak:,.0f} MB)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
