"""An EXIOBASE-shaped MRIO system through chokegraph: import, load and answer times.

EXIOBASE 3 (pxp) has 49 regions x 200 products = 9,800 region-sectors, and
its flow matrix is dense: about 10^8 flows. It cannot be downloaded here, so
this script generates a system of that shape with pymrio (``IOSystem`` from
``Z`` and ``Y``): log-normal flows, a home bias (a sector buys mostly in its
own region), every coefficient above 0, and columns scaled so that each
sector's intermediate inputs are 40-80% of its gross output. Then it times:

- ``generate``: the synthetic system;
- ``import``: ``import_mrio`` (technical coefficients, shares, cost-share
  dependence), keeping flows whose coefficient is at least ``--min-coefficient``
  (no graph in memory holds 10^8 edges: the rest becomes unmodelled supply);
- ``write``: the dataset as CSV tables; ``load``: ``graph.load`` of them (read,
  check every rule, build);
- ``answer``: compile the graph and remove the largest sector (steady state
  and 365-day timeline), the first answer after loading;
- ``ranking``: ``analysis.chokepoints`` over ``--candidates`` industries.

    python -m benchmarks.bench_mrio                                  # 49 x 200
    python -m benchmarks.bench_mrio --regions 10 --sectors 50        # quicker
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


def synthetic_system(regions: int, sectors: int, seed: int = 1):
    """A dense pymrio ``IOSystem`` of EXIOBASE's shape (flows Z, final demand Y)."""
    import pandas as pd
    import pymrio

    rng = np.random.default_rng(seed)
    n = regions * sectors
    idx = pd.MultiIndex.from_product(
        [[f"r{r:02d}" for r in range(regions)], [f"p{s:03d}" for s in range(sectors)]],
        names=["region", "sector"],
    )
    size = rng.lognormal(0, 1.5, n)  # sector sizes
    Z = rng.lognormal(0, 2.0, (n, n)).astype(np.float64)
    Z *= size[:, None]
    region = np.repeat(np.arange(regions), sectors)
    Z[region[:, None] == region[None, :]] *= 20.0  # home bias
    x = size * 1e3
    inputs = rng.uniform(0.4, 0.8, n) * x
    Z *= inputs / Z.sum(axis=0)  # column j's inputs: 40-80% of x_j
    Y = np.maximum(x - Z.sum(axis=1), 0.05 * x)  # final demand, so x = Z 1 + Y
    Zdf = pd.DataFrame(Z, index=idx, columns=idx)
    Ydf = pd.DataFrame({(r, "final"): 0.0 for r in idx.levels[0]}, index=idx)
    Ydf.iloc[:, 0] = Y
    return pymrio.IOSystem(Z=Zdf, Y=Ydf, unit=pd.DataFrame({"unit": "M EUR"}, index=idx))


def timed(results: dict, name: str, func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    results[name] = round(time.perf_counter() - start, 2)
    print(f"{name}: {results[name]} s", flush=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=49)
    parser.add_argument("--sectors", type=int, default=200)
    parser.add_argument("--min-coefficient", type=float, default=1e-3)
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args(argv)

    import analysis
    import graph
    from graph.importers.mrio import import_mrio

    res: dict = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
        "regions": args.regions,
        "sectors": args.sectors,
        "min_coefficient": args.min_coefficient,
    }
    system = timed(res, "generate", synthetic_system, args.regions, args.sectors)
    res["flows"] = int(args.regions * args.sectors) ** 2
    imported = timed(
        res, "import", import_mrio, system=system, min_coefficient=args.min_coefficient
    )
    res["nodes"] = len(imported.data["nodes"])
    res["edges"] = len(imported.data["edges"])
    print(f"{res['nodes']:,} nodes, {res['edges']:,} edges of {res['flows']:,} flows")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mrio"
        timed(res, "write", imported.write, f"{folder}/")
        del imported, system
        G = timed(res, "load", graph.load, folder)
    industries = [n for n, d in G.nodes(data=True) if d["kind"] == "industry"]
    largest = max(industries, key=lambda n: G.nodes[n]["value"])
    what = timed(res, "answer", analysis.remove, G, [largest])
    res["nodes_hit"] = len(what.impacts)
    chosen = sorted(industries, key=lambda n: -G.nodes[n]["value"])[: args.candidates]
    timed(res, "ranking", analysis.chokepoints, G, candidates=chosen)
    res["ranking_candidates"] = len(chosen)
    res["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(res, indent=2))
    return res


if __name__ == "__main__":
    main()
