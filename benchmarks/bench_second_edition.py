"""Time a what-if with windows and alternatives against the engine before them.

The second edition (DESIGN section 3b) may cost at most 1.5 times the first
edition's what-if on a million edges. For one size this script times, each
in its own process and on the same synthetic network (``synthetic.py``):

- ``old``: the engine of a given commit (default: the one before the second
  edition), a full export ban of the country with the most mines;
- ``new``: this engine, the same scenario;
- ``new+``: this engine, the same ban lasting 120 days (a window) on the
  network with 5% of its supplies edges carrying a spare and a ramp.

    python benchmarks/bench_second_edition.py --size 1000000 --old 97d863b
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def _use_tree(tree: Path) -> None:
    """Import ``graph`` and ``analysis`` from ``tree`` instead of the installed project."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, str(tree))


def measure(size: int, variant: str, tree: str | None, repeat: int) -> dict:
    """Load one network and time compile and run of one variant; best of ``repeat``."""
    if tree:
        _use_tree(Path(tree))
    from synthetic import add_alternatives, write_tables

    import analysis
    import graph
    from analysis.engine import compile_graph, run

    folder = OUT / f"net-{size}"
    if not (folder / "edges.csv").exists():
        write_tables(size, folder)
    G = graph.load(folder)
    row: dict = {"variant": variant, "edges": G.number_of_edges()}
    row["engine"] = str(Path(sys.modules["analysis.engine"].__file__).parent.parent)
    mines: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d["kind"] == "mineral" and d["country"]:
            mines[d["country"]] = mines.get(d["country"], 0) + 1
    country = max(sorted(mines), key=mines.get)
    options = {}
    if variant == "new+":
        row["alternatives"] = add_alternatives(G)
        options["end_day"] = 120
    scenario = analysis.Scenario(
        restrictions=(analysis.Restriction(country, ("all",), **options),)
    ).resolve(G)
    best_compile = best_run = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        C = compile_graph(G)
        t1 = time.perf_counter()
        r = run(C, scenario)
        t2 = time.perf_counter()
        best_compile, best_run = min(best_compile, t1 - t), min(best_run, t2 - t1)
    row.update(compile_s=best_compile, run_s=best_run, what_if_s=best_compile + best_run)
    row["affected"] = int(r.affected.size)
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--old", default="97d863b", help="commit of the first edition's engine")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        variant, tree = args.one
        print(json.dumps(measure(args.size, variant, tree or None, args.repeat)))
        return
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as old_tree:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.old], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", old_tree], input=archive, check=True)
        rows = []
        for variant, tree in (("old", old_tree), ("new", ""), ("new+", "")):
            cmd = [sys.executable, __file__, "--size", str(args.size), "--repeat",
                   str(args.repeat), "--one", variant, tree]  # fmt: skip
            done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=HERE)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = rows[0]["what_if_s"]
    assert rows[0]["engine"] != rows[1]["engine"], "the old engine was not the one imported"
    print(f"{'variant':>8} {'edges':>9} {'compile s':>9} {'run s':>7} {'what-if s':>9} "
          f"{'x old':>6} {'affected':>9} {'peak MB':>8}")  # fmt: skip
    for r in rows:
        print(f"{r['variant']:>8} {r['edges']:>9} {r['compile_s']:9.2f} {r['run_s']:7.2f} "
              f"{r['what_if_s']:9.2f} {r['what_if_s'] / base:6.2f} {r['affected']:>9} "
              f"{r['peak_mb']:8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
