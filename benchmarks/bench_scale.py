"""How chokegraph scales: load, what-if, ranking and command-line start-up, 10k to 1M edges.

For each size it generates a layered network in the tabular form (cached in
``benchmarks/out/net-SIZE``, see ``synthetic.py``) and, in a process of its
own so that the peak memory is that size's own, times:

- ``load``: ``graph.load`` of the tables (read, check every rule, build);
- ``compile`` and ``what-if``: the full export ban of the country with the
  most mines, steady state plus the 365-day timeline, on the compiled graph;
  ``answer`` is the two together, the first answer after loading;
- ``ranking``: ``analysis.chokepoints`` over up to 1,000 candidate removals
  plus every country's ban, with worker processes when that pays;
- the plain reference model of the tests (``tests/reference.py``) on the same
  graph where that is feasible: the same what-if, and steady states of a
  sample of removals (per run, extrapolated to the ranking).

Then it times ``chokegraph what-if china gallium --format json`` end to end
and ``import analysis.cli``, prints the tables (markdown), fits the exponent
``b`` of ``time = a * edges ** b`` for each step, and writes everything to
``benchmarks/out/scale.json``. Every time is the best of ``--repeat`` runs;
the median is kept too. The machine and its load average are printed, as
other work on the machine slows everything down.

    python -m benchmarks.bench_scale                       # 10k, 100k, 1M edges
    python -m benchmarks.bench_scale --sizes 10000 100000  # quicker

With ``--against TREE`` (another source tree, e.g. today's main unpacked
with ``git archive``) it only compares whole processes instead: ``chokegraph
what-if c000 all --data NET --format json`` of both trees in turn, wall time
and peak memory, with the exponent of each (``--shape tangled`` for the
second generator; ``--startup`` also times ``--help`` and the bundled
what-if of both).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
STEPS = ("load", "compile", "what_if", "answer", "ranking")


def _reference():
    spec = importlib.util.spec_from_file_location("reference", ROOT / "tests" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(func, repeat: int) -> tuple[float, float, float, object]:
    """Best, median and first wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        result = None  # free the last result before the next run
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), times[0], result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, args: argparse.Namespace) -> dict:
    """Everything for one size, in this process."""
    import graph
    from benchmarks.synthetic import write_tables

    folder = OUT / f"net-{size}"
    if not (folder / "edges.csv").exists():
        write_tables(size, folder)
    row: dict = {"size": size}
    times = []
    for _ in range(args.repeat):
        G = None  # drop the last graph first, so that two never share the memory
        gc.collect()
        start = time.perf_counter()
        G = graph.load(folder)
        times.append(time.perf_counter() - start)
        if len(times) == 1:  # nothing else has run yet: this peak is the loader's
            row["load_peak_mb"] = _peak_mb()
    row["load_s"], row["load_median_s"] = min(times), statistics.median(times)
    row["nodes"], row["edges"] = G.number_of_nodes(), G.number_of_edges()

    import numpy as np

    import analysis
    from analysis.engine import compile_graph

    mines: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d["kind"] == "mineral" and d["country"]:
            mines[d["country"]] = mines.get(d["country"], 0) + 1
    country = max(sorted(mines), key=mines.get)
    restriction = analysis.Restriction(country, ["all"])
    row["compile_s"], row["compile_median_s"], first_compile, C = _timed(
        lambda: compile_graph(G), args.repeat
    )
    row["what_if_s"], row["what_if_median_s"], first_what_if, result = _timed(
        lambda: analysis.what_if(G, [restriction], compiled=C), args.repeat
    )
    row["answer_s"] = row["compile_s"] + row["what_if_s"]
    # The first of each, as a user's first question after loading meets them
    # (a fresh heap, nothing warmed up yet).
    row["first_answer_s"] = first_compile + first_what_if
    row["nodes_hit"] = result.summary["nodes_hit"]

    reference = None
    if row["edges"] <= args.reference_max:
        reference = _reference()
        start = time.perf_counter()
        ref = reference.reference_run(G, [restriction.resolve(G).to_dict()], (), 365)
        row["reference_what_if_s"] = time.perf_counter() - start
        row["what_if_ratio"] = row["reference_what_if_s"] / row["answer_s"]
        steady = result.availability
        row["max_difference"] = max(abs(ref["steady"][n] - steady[n]) for n in G)

    if row["edges"] <= args.ranking_max:
        rng = np.random.default_rng(0)
        pool = sorted(v for v, d in G.nodes(data=True) if d["kind"] not in ("country", "industry"))
        candidates = sorted(rng.choice(pool, min(args.candidates, len(pool)), replace=False))
        countries = sum(1 for _, d in G.nodes(data=True) if d["kind"] == "country")
        runs = len(candidates) + countries
        row["ranking_runs"] = runs
        row["ranking_s"], row["ranking_median_s"], _, _ = _timed(
            lambda: analysis.chokepoints(G, candidates=candidates, compiled=C), args.repeat
        )
        row["ranking_one_process_s"], _, _, _ = _timed(
            lambda: analysis.chokepoints(G, candidates=candidates, compiled=C, processes=1), 1
        )
        row["ranking_per_run_ms"] = 1000 * row["ranking_one_process_s"] / runs
        if reference is not None:
            # The reference ranks by one steady state per candidate: time a sample.
            suppliers = reference.suppliers_by_commodity(G)
            params = {
                (node, c): reference.input_parameters(G, node, c)
                for node in G.nodes
                for c in suppliers[node]
            }
            keeps = reference.edge_keeps(G, [], day=None)
            sample = candidates[: args.reference_sample]
            start = time.perf_counter()
            for node in sample:
                reference.greatest_fixed_point(G, suppliers, keeps, params, {node}, None)
            per_run = (time.perf_counter() - start) / len(sample)
            row["reference_ranking_s"] = per_run * runs
            row["ranking_ratio"] = row["reference_ranking_s"] / row["ranking_s"]
    row["peak_mb"] = _peak_mb()
    return row


def command_line(repeat: int) -> dict:
    """Wall time of ``chokegraph what-if china gallium --format json`` and of importing the CLI."""
    exe = Path(sys.executable).with_name("chokegraph")
    cmd = [str(exe), "what-if", "china", "gallium", "--format", "json"]
    subprocess.run(cmd, capture_output=True, check=True)  # fills the cache of the bundled graph
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    imports = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import analysis.cli"], check=True)
        imports.append(time.perf_counter() - start)
    return {
        "cli_what_if_s": min(times),
        "cli_what_if_median_s": statistics.median(times),
        "import_cli_s": min(imports),
        "bytecode_cached": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }


def whole_process(folder: Path, tree: Path | None = None, *, country: str = "c000") -> dict:
    """Wall time and peak memory of ``chokegraph what-if COUNTRY all --data FOLDER``, one process.

    ``tree`` runs the code of another source tree (today's main, unpacked
    with ``git archive``) on this interpreter's libraries: both trees then
    run the same way, by the base Python with ``PYTHONPATH`` set, so that
    the comparison is fair.
    """
    trees = [str(tree or ROOT)]
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(trees + site)}
    python = Path(sys.base_prefix) / "bin" / "python3"
    code = "import sys; from analysis.cli import main; main(sys.argv[1:])"
    cmd = [str(python), "-c", code, "what-if", country, "all", "--data", str(folder)]
    cmd += ["--format", "json"]
    start = time.perf_counter()
    # Run in the tree's folder: Python puts the working folder first on sys.path.
    proc = subprocess.Popen(
        cmd, env=env, cwd=trees[0], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode()}")
    return {"wall_s": wall, "peak_mb": usage.ru_maxrss / 1024}


def _tree_command(tree: Path | None, args: list[str]) -> tuple[list[str], dict]:
    """The command line of ``tree`` (this one by default), run by the base Python."""
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree or ROOT), *site])}
    python = Path(sys.base_prefix) / "bin" / "python3"
    code = "import sys; from analysis.cli import main; main(sys.argv[1:])"
    return [str(python), "-c", code, *args], env


def compare_startup(against: Path, repeat: int) -> dict:
    """Best wall time of ``--help`` and of the bundled what-if, each tree in turn.

    Each tree gets a cache folder of its own, filled by a first run; bytecode
    is written as in a normal install.
    """
    out: dict = {}
    commands = {"help": ["--help"], "what_if": ["what-if", "china", "gallium", "--format", "json"]}
    for name, args in commands.items():
        for label, tree in (("before", against), ("now", None)):
            cmd, env = _tree_command(tree, args)
            env["XDG_CACHE_HOME"] = str(OUT / f"cache-{label}")
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            subprocess.run(cmd, env=env, cwd=tree or ROOT, capture_output=True, check=True)
            out[f"{label}_{name}_runs"] = env
        for _ in range(repeat):
            for label, tree in (("before", against), ("now", None)):
                cmd, _ = _tree_command(tree, args)
                env = out[f"{label}_{name}_runs"]
                start = time.perf_counter()
                subprocess.run(cmd, env=env, cwd=tree or ROOT, capture_output=True, check=True)
                wall = time.perf_counter() - start
                key = f"{label}_{name}_s"
                out[key] = min(out.get(key, wall), wall)
    return {k: v for k, v in out.items() if k.endswith("_s")}


def compare_processes(
    sizes: list[int], against: Path, repeat: int, shape: str, before_max: int
) -> list[dict]:
    """Today's tree against ``against``, whole processes, taking turns at each size.

    Sizes above ``before_max`` edges run this tree only.
    """
    rows = []
    for size in sizes if sizes != [0] else []:
        folder = network(size, shape)
        runs: dict[str, list[dict]] = {"now": [], "before": []}
        for _ in range(repeat):
            if size <= before_max:
                runs["before"].append(whole_process(folder, against))
            runs["now"].append(whole_process(folder))
        row = {"size": size, "shape": shape, "edges": _count_edges(folder)}
        for name, measured in runs.items():
            if measured:
                row[f"{name}_wall_s"] = min(r["wall_s"] for r in measured)
                row[f"{name}_median_s"] = statistics.median(r["wall_s"] for r in measured)
                row[f"{name}_peak_mb"] = max(r["peak_mb"] for r in measured)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def process_report(rows: list[dict], info: dict, info_after: dict) -> str:
    """The side-by-side table of ``compare_processes`` (markdown)."""
    lines = [
        f"Load average before: {info['load_average']}, after: {info_after['load_average']}.",
        "",
        "| shape | edges | before s | before MB | now s | now MB | x faster |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        before = "before_wall_s" in r
        lines.append(
            f"| {r['shape']} | {r['edges']:,} | {_cell(r.get('before_wall_s'), '.2f')} "
            f"| {_cell(r.get('before_peak_mb'), '.0f')} | {r['now_wall_s']:.2f} "
            f"| {r['now_peak_mb']:.0f} "
            f"| {_cell(r['before_wall_s'] / r['now_wall_s'] if before else None, '.1f')} |"
        )
    lines += ["", "Whole process against size, time ~ edges ** b:", ""]
    for name in ("before", "now"):
        pairs = [(r["edges"], r[f"{name}_wall_s"]) for r in rows if f"{name}_wall_s" in r]
        b = fit_exponent([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
        lines.append(f"- {name}: b = {_cell(b, '.2f')} over {len(pairs)} sizes")
    return "\n".join(lines)


def _count_edges(folder: Path) -> int:
    with open(folder / "edges.csv", "rb") as fh:
        return sum(1 for _ in fh) - 1


def network(size: int, shape: str = "layered") -> Path:
    """The folder of a synthetic network (generated once, then cached in ``benchmarks/out``)."""
    from benchmarks.synthetic import write_tables

    folder = OUT / (f"net-{size}" if shape == "layered" else f"{shape}-{size}")
    if not (folder / "edges.csv").exists():
        write_tables(size, folder, shape=shape)
    return folder


def fit_exponent(sizes: list[float], times: list[float]) -> float | None:
    """Least-squares slope of log(time) against log(size): ``time ~ size ** b``."""
    points = [(math.log(s), math.log(t)) for s, t in zip(sizes, times, strict=True) if t > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import networkx
    import numpy

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "networkx": networkx.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _cell(value, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def report(rows: list[dict], cli: dict, info: dict, info_after: dict) -> str:
    lines = [
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['ram_gb']} GB RAM; "
        f"Python {info['python']}, numpy {info['numpy']}, networkx {info['networkx']}.",
        f"Load average before: {info['load_average']}, after: {info_after['load_average']}.",
        "",
        "| edges | nodes | load s | peak MB (load) | compile s | what-if s | answer s "
        "| first answer s | reference s | x faster | ranking s (runs) | one process s "
        "| reference s | x faster | peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        runs = f" ({r['ranking_runs']})" if "ranking_runs" in r else ""
        lines.append(
            f"| {r['edges']:,} | {r['nodes']:,} | {r['load_s']:.2f} | {r['load_peak_mb']:.0f} "
            f"| {r['compile_s']:.2f} | {r['what_if_s']:.2f} | {r['answer_s']:.2f} "
            f"| {r['first_answer_s']:.2f} "
            f"| {_cell(r.get('reference_what_if_s'), '.1f')} "
            f"| {_cell(r.get('what_if_ratio'), '.0f')} "
            f"| {_cell(r.get('ranking_s'), '.2f')}{runs} "
            f"| {_cell(r.get('ranking_one_process_s'), '.2f')} "
            f"| {_cell(r.get('reference_ranking_s'), '.0f')} "
            f"| {_cell(r.get('ranking_ratio'), '.0f')} | {r['peak_mb']:.0f} |"
        )
    lines += ["", "Cost against size, time ~ edges ** b (least squares over the sizes above):", ""]
    lines += ["| step | b |", "|---|---:|"]
    for step in STEPS:
        pairs = [(r["edges"], r[f"{step}_s"]) for r in rows if f"{step}_s" in r]
        if step == "ranking":  # per run, so that the number of runs does not count
            pairs = [(r["edges"], r["ranking_per_run_ms"]) for r in rows if "ranking_runs" in r]
        b = fit_exponent([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
        name = "ranking (per run)" if step == "ranking" else step
        lines.append(f"| {name} | {_cell(b, '.2f')} |")
    diff = [r["max_difference"] for r in rows if "max_difference" in r]
    if diff:
        lines += ["", f"Largest engine - reference difference in availability: {max(diff):.1e}."]
    cached = "with" if cli["bytecode_cached"] else "without"
    lines += [
        "",
        f"`chokegraph what-if china gallium --format json`: {cli['cli_what_if_s']:.2f} s "
        f"(median {cli['cli_what_if_median_s']:.2f} s); `import analysis.cli`: "
        f"{cli['import_cli_s']:.2f} s; {cached} cached bytecode.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="Runs per timing (best is shown).")
    parser.add_argument("--candidates", type=int, default=1_000, help="Removals in the ranking.")
    parser.add_argument(
        "--reference-max", type=int, default=100_000, help="Largest graph for the reference."
    )
    parser.add_argument(
        "--reference-sample", type=int, default=20, help="Removals the reference ranks."
    )
    parser.add_argument(
        "--ranking-max", type=int, default=100_000, help="Largest graph to rank (edges)."
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="Only compare whole processes (chokegraph what-if C all --data D) of this "
        "source tree (e.g. today's main, from git archive) and this one.",
    )
    parser.add_argument("--shape", default="layered", help="layered or tangled (synthetic.py).")
    parser.add_argument(
        "--before-max",
        type=int,
        default=2_000_000,
        help="With --against: the largest size the other tree runs (edges).",
    )
    parser.add_argument(
        "--startup", action="store_true", help="With --against: time --help and a what-if too."
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args)))
        return
    if args.against:
        OUT.mkdir(exist_ok=True)
        info = machine()
        rows = compare_processes(args.sizes, args.against, args.repeat, args.shape, args.before_max)
        result = {"machine": info, "machine_after": machine(), "rows": rows}
        out = OUT / f"processes-{args.shape}-{'-'.join(map(str, args.sizes))}.json"
        if args.startup:
            result["startup"] = compare_startup(args.against, 10)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(process_report(rows, info, result["machine_after"]))
        if args.startup:
            print(json.dumps(result["startup"], indent=2))
        return
    OUT.mkdir(exist_ok=True)
    info = machine()
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--one", str(size)]
        for name in ("repeat", "candidates", "reference_max", "reference_sample", "ranking_max"):
            cmd += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            sys.exit(f"size {size} failed:\n{done.stderr}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done: {size:,} edges", file=sys.stderr, flush=True)
    cli = command_line(max(args.repeat, 5))
    info_after = machine()
    text = report(rows, cli, info, info_after)
    print(text)
    result = {"machine": info, "machine_after": info_after, "rows": rows, "cli": cli}
    (OUT / "scale.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
