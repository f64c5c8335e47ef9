"""Time a what-if with windows and alternatives against the engine before them.

The second edition (DESIGN section 3b) may cost at most 1.5 times the first
edition's what-if on a million edges. On one synthetic network
(``synthetic.py``) loaded once, this script times compile and run, best of
``--repeat`` rounds, taking turns so that a busy machine slows each alike:

- ``old``: the engine of a given commit (default: the one before the second
  edition), a full export ban of the country with the most mines;
- ``new``: this engine, the same scenario;
- ``new+``: this engine, the same ban lasting 120 days (a window), with 5% of
  the supplies edges carrying a spare and a ramp (``add_alternatives``).

    python -m benchmarks.bench_second_edition --size 1000000 --old 97d863b
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def old_engine(commit: str, folder: Path) -> ModuleType:
    """``analysis/engine.py`` of ``commit``, imported beside this one as ``old_engine``."""
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:analysis/engine.py"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    # The one module the old engine imports that has moved since (graph._gc is graph.memory).
    text = text.replace("from graph._gc import", "from graph.memory import")
    path = folder / "old_engine.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_engine", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_engine"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--old", default="97d863b", help="commit of the first edition's engine")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import add_alternatives, write_tables

    import analysis
    import graph
    from analysis import engine as new

    folder = OUT / f"net-{args.size}"
    if not (folder / "edges.csv").exists():
        write_tables(args.size, folder)
    G = graph.load(folder)
    mines: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d["kind"] == "mineral" and d["country"]:
            mines[d["country"]] = mines.get(d["country"], 0) + 1
    country = max(sorted(mines), key=mines.get)
    plain = analysis.Scenario(restrictions=(analysis.Restriction(country, ("all",)),))
    window = analysis.Scenario(restrictions=(analysis.Restriction(country, ("all",), end_day=120),))
    times: dict[str, list[tuple[float, float]]] = {}

    def once(label: str, engine: ModuleType, scenario: analysis.Scenario) -> None:
        t = time.perf_counter()
        C = engine.compile_graph(G)
        t1 = time.perf_counter()
        engine.run(C, scenario.resolve(G))
        times.setdefault(label, []).append((t1 - t, time.perf_counter() - t1))

    with tempfile.TemporaryDirectory() as tmp:
        old = old_engine(args.old, Path(tmp))
        for _ in range(args.repeat):
            for _, _, d in G.edges(data=True):
                d["spare"] = d["ramp_days"] = None
            once("old", old, plain)
            once("new", new, plain)
            changed = add_alternatives(G)
            once("new+", new, window)
    print(f"{G.number_of_edges()} edges, {changed} with a spare; best of {args.repeat}")
    print(f"{'variant':>8} {'compile s':>9} {'run s':>7} {'what-if s':>9} {'x old':>6}")
    base = None
    for label, rows in times.items():
        compile_s, run_s = min(c for c, _ in rows), min(r for _, r in rows)
        base = base or compile_s + run_s
        total = compile_s + run_s
        print(f"{label:>8} {compile_s:9.2f} {run_s:7.2f} {total:9.2f} {total / base:6.2f}")
    print(f"peak MB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
