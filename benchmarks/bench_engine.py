"""Time a what-if (steady state plus a 365-day timeline) on synthetic networks.

For each size it generates a layered network in the tabular form (cached in
``benchmarks/out/``), loads it, compiles it, runs one full export ban of the
country with the most mines, and times the plain reference implementation of
the tests on the same graph (skipped above ``--reference-max`` edges, where
it takes minutes). Each size runs in its own process so that the peak memory
is that size's own.

    python -m benchmarks.bench_engine                 # 10k, 100k, 1M edges
    python -m benchmarks.bench_engine --sizes 10000 100000 --reference-max 100000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def _reference_module():
    spec = importlib.util.spec_from_file_location(
        "reference", HERE.parent / "tests" / "reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(size: int, reference_max: int) -> dict:
    """Generate (or reuse), load and run one size; return the timings."""
    import analysis
    import graph
    from analysis.engine import compile_graph
    from benchmarks.synthetic import write_tables

    folder = OUT / f"net-{size}"
    if not (folder / "edges.csv").exists():
        write_tables(size, folder)
    row: dict = {"size": size}
    t = time.perf_counter()
    G = graph.load(folder)
    row["load_s"] = time.perf_counter() - t
    row["nodes"], row["edges"] = G.number_of_nodes(), G.number_of_edges()
    mines = {}
    for _, d in G.nodes(data=True):
        if d["kind"] == "mineral" and d["country"]:
            mines[d["country"]] = mines.get(d["country"], 0) + 1
    country = max(sorted(mines), key=mines.get)
    restriction = analysis.Restriction(country, ["all"])

    t = time.perf_counter()
    C = compile_graph(G)
    row["compile_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = analysis.what_if(G, [restriction], compiled=C)
    row["what_if_s"] = time.perf_counter() - t
    row["answer_s"] = row["compile_s"] + row["what_if_s"]
    row["nodes_hit"] = result.summary["nodes_hit"]

    if row["edges"] <= reference_max:
        reference = _reference_module()
        t = time.perf_counter()
        ref = reference.reference_run(G, [restriction.resolve(G).to_dict()], (), 365)
        row["reference_s"] = time.perf_counter() - t
        row["speedup"] = row["reference_s"] / row["answer_s"]
        worst = max(abs(ref["steady"][n] - result.availability[n]) for n in G)
        row["max_difference"] = worst
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def bundled() -> dict:
    """Time the bundled what-if (China restricts gallium to Japan), compute only."""
    import analysis
    import graph

    G = graph.load()
    t = time.perf_counter()
    analysis.what_if(G, [analysis.Restriction("china", ["gallium"], to=["japan"])])
    return {"bundled_what_if_s": time.perf_counter() - t}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--reference-max", type=int, default=100_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.reference_max)))
        return
    OUT.mkdir(exist_ok=True)
    rows = []
    for size in args.sizes:
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.bench_engine",
            "--one",
            str(size),
            "--reference-max",
            str(args.reference_max),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=HERE.parent)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"bundled what-if (compute only): {bundled()['bundled_what_if_s']:.3f} s")
    header = (
        f"{'edges':>9} {'nodes':>8} {'load s':>7} {'compile s':>9} {'what-if s':>9} "
        f"{'answer s':>8} {'reference s':>11} {'speed-up':>8} {'max diff':>9} {'peak MB':>8}"
    )
    print(header)
    for r in rows:
        ref = f"{r['reference_s']:11.2f}" if "reference_s" in r else f"{'-':>11}"
        speed = f"{r['speedup']:7.0f}x" if "speedup" in r else f"{'-':>8}"
        diff = f"{r['max_difference']:9.1e}" if "max_difference" in r else f"{'-':>9}"
        print(
            f"{r['edges']:>9} {r['nodes']:>8} {r['load_s']:7.2f} {r['compile_s']:9.2f} "
            f"{r['what_if_s']:9.2f} {r['answer_s']:8.2f} {ref} {speed} {diff} {r['peak_mb']:8.0f}"
        )


if __name__ == "__main__":
    main()
