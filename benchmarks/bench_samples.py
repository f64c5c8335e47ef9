"""Time sampled what-ifs (DESIGN section 3c): N samples on a synthetic network.

The network of ``synthetic.py`` gets a ``range`` of +-20% of its share on a
``--ranged`` fraction of the supplies edges (set on the loaded graph). Then a
full export ban of the country with the most mines runs with ``--samples``
samples, once for the steady state alone (``--horizon 0``) and once with a
365-day timeline. The times are of the whole process, load included, as a
user would see them, and the peak memory.

    python -m benchmarks.bench_samples --size 100000 --samples 1000
    python -m benchmarks.bench_samples --size 1000000 --samples 10000 \
        --scheduler local --horizons 0

With ``--scheduler`` it also prints each worker's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time

T0 = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--ranged", type=float, default=0.05)
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler, or local")
    parser.add_argument("--horizons", default="0,365", help="horizons to run, comma-separated")
    args = parser.parse_args()

    import contextlib

    import numpy as np

    import analysis
    import graph
    from analysis.engine import compile_graph
    from analysis.whatif import run_uncertain
    from benchmarks.bench_second_edition import OUT
    from benchmarks.synthetic import write_tables

    folder = OUT / f"net-{args.size}"
    if not (folder / "edges.csv").exists():
        write_tables(args.size, folder)
    G = graph.load(folder)
    rng = np.random.default_rng(0)
    ranged = 0
    for _, _, d in G.edges(data=True):
        if d["kind"] == "supplies" and rng.random() < args.ranged:
            d["range"] = (0.8 * d["share"], min(1.0, 1.2 * d["share"]))
            ranged += 1
    mines: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d["kind"] == "mineral" and d["country"]:
            mines[d["country"]] = mines.get(d["country"], 0) + 1
    country = max(sorted(mines), key=mines.get)
    loaded = time.perf_counter()
    C = compile_graph(G)
    compiled = time.perf_counter()
    print(f"{G.number_of_edges()} edges, {ranged} with a range; {args.samples} samples")
    print(f"load {loaded - T0:.2f} s, compile {compiled - loaded:.2f} s")
    with contextlib.ExitStack() as stack:
        mapper = None
        if args.scheduler:
            from analysis import distributed

            client = stack.enter_context(distributed.client(args.scheduler))
            mapper = distributed.dask_mapper(client)
        for horizon in (int(h) for h in args.horizons.split(",")):
            scenario = analysis.Scenario(
                restrictions=(analysis.Restriction(country, ("all",)),), horizon=horizon
            )
            t = time.perf_counter()
            res = run_uncertain(G, scenario, samples=args.samples, compiled=C, mapper=mapper)
            took = time.perf_counter() - t
            per = 1000 * took / args.samples
            print(
                f"horizon {horizon:>3}: {took:7.2f} s ({per:.1f} ms a sample), "
                f"{len(res.records)} impacts"
            )
        if args.scheduler:
            peaks = client.run(_peak_mb)
            print("peak MB per worker: " + ", ".join(f"{mb:.0f}" for mb in peaks.values()))
    print(f"whole process {time.perf_counter() - T0:.2f} s")
    print(f"peak MB {_peak_mb():.0f}")


def _peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports it in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
