"""Fuzz the dataset loader: mutated YAML, CSV and scenario files must never crash it.

Every input is a mutation of a real file (the bundled dataset, the test
fixtures, small valid datasets written below): values deep inside the YAML
replaced by values of other types, deleted or added; random byte flips,
deletions, duplicated or swapped lines, changed indentation, inserted YAML
tokens and random unicode. Each is written to a temporary file and read the
way the command line reads it: ``graph.load``, or for a scenario file
``analysis.scenario.load_scenario`` and then a run of the scenario on the
bundled dataset (its title and JSON too), since a scenario that loads must
also run or fail with a ``ChokegraphError``.

Three more targets live in ``benchmarks.fuzz_hostile``: ``names`` (hostile
display names: markup, control characters, surrogates, NFC/NFD; a name that
loads must give well-formed GraphML and GEXF and be found by either
normalisation), ``cells`` (hostile JSON in an ``inputs`` table cell) and
``import`` (mutated USGS and BACI tables through the importers, and the
imported YAML loaded back).

A *finding* is any exception that is not a ``ChokegraphError`` (the error a
user can fix), or one input that takes longer than ``--slow`` seconds. Each
finding is written to ``benchmarks/out/fuzz-findings/`` (the input and the
traceback) and counted; the run itself never stops at one.

    python -m benchmarks.fuzz_loader                    # 3 minutes, all targets
    python -m benchmarks.fuzz_loader --minutes 1 --target yaml --seed 7
    python -m benchmarks.fuzz_loader --minutes 2 --target names

Uses hypothesis to draw the mutations, in one process: it is meant to be run
by hand, not in the test run.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from benchmarks import fuzz_hostile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "fuzz-findings"

SMALL_DATASETS = [
    b"""sources:
  - {id: s1, title: A source}
groups:
  rare-earths: [light-rare-earths]
nodes:
  - {id: chn, kind: country, name: China}
  - {id: jpn, kind: country, name: Japan}
  - {id: gallium, kind: mineral}
  - {id: light-rare-earths, kind: mineral}
  - {id: chn-gallium, kind: refiner, country: chn, commodity: gallium}
  - id: semis
    kind: industry
    country: jpn
    value: 4.0e10
    inputs:
      gallium: {dependence: 0.8, substitutable: 0.05, stockpile_days: 42}
edges:
  - {from: chn, to: gallium, share: 0.98, source: s1, year: 2024}
  - {from: chn, to: light-rare-earths, share: 0.7}
  - {from: gallium, to: semis, share: 0.58, source: s1, confidence: reported}
  - {from: chn-gallium, to: semis, share: 0.42, range: [0.40, 0.42]}
  - {from: chn, to: chn-gallium, kind: controls, share: 0.5, note: a note}
""",
    b"""nodes:
- id: usa
  kind: country
- id: cobalt
  kind: mineral
- id: battery
  kind: component
  country: usa
  stockpile_days: 30
edges:
- from: usa
  to: cobalt
  share: 0.1
- from: cobalt
  to: battery
  share: 1
""",
    b"# only a comment\n",
    b"",
]

SCENARIOS = [
    b"""id: test
name: A test
description: Something
sources: [s1]
restrictions:
  - {by: chn, commodities: [gallium, rare-earths], to: [jpn], severity: 0.9, start_day: 3}
remove: [chn-gallium]
""",
]

#: Fragments that YAML, CSV and our rules treat specially.
TOKENS = [
    b"&a ",
    b"*a",
    b"!!python/object:os.system ",
    b"!!binary ",
    b"!!set ",
    b"? ",
    b"[",
    b"]",
    b"{",
    b"}",
    b": ",
    b"- ",
    b"\t",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\r",
    b"\r\n",
    b"'",
    b'"',
    b"#",
    b"|",
    b">",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"1e999",
    b"-1e999",
    b".nan",
    b".inf",
    b"-0",
    b"0x1F",
    b"0o17",
    b"1_000",
    b"2024-01-01",
    b"yes",
    b"null",
    b"~",
    b"<<: ",
    b"=",
    b",",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"\xe2\x80\xa8",
    b"\x85",
    b"9" * 400,
    b"kind: controls",
    b"share: 2",
    b"country: nowhere",
    b"commodity: all",
]


def _seed_files() -> dict[str, list[bytes]]:
    seeds = sorted((ROOT / "seeds").glob("*.yaml"))
    yaml_seeds = [p.read_bytes() for p in seeds] + SMALL_DATASETS
    example = ROOT / "tests" / "fixtures" / "example.yaml"
    if example.is_file():
        yaml_seeds.append(example.read_bytes())
    tables = ROOT / "tests" / "fixtures" / "example-tables"
    scenario_seeds = [p.read_bytes() for p in sorted((ROOT / "seeds" / "scenarios").glob("*.yaml"))]
    return {
        "yaml": yaml_seeds,
        "tables": [tables.joinpath(f).read_bytes() for f in ("nodes.csv", "edges.csv")],
        "scenario": scenario_seeds + SCENARIOS,
        "import": fuzz_hostile.IMPORT_SEEDS,
        "names": [b""],
        "cells": [b""],
    }


#: Values of every YAML type, to put where the data expects another.
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["chn", "jpn", "gallium", "semis", "all", "controls", "country", "s1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["id", "kind", "share"]), children, max_size=3
        )
    ),
    max_leaves=6,
)


def _restructure(data: st.DataObject, text: bytes) -> bytes:
    """Parse ``text`` as YAML, replace, delete or add one value deep inside, write it back."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except Exception:
        return text
    if not isinstance(doc, (dict, list)):
        return text
    parent = doc
    for _ in range(data.draw(st.integers(0, 5))):
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        if not keys:
            break
        child = parent[data.draw(st.sampled_from(keys))]
        if not isinstance(child, (dict, list)):
            break
        parent = child
    keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "add" or not keys:
        if isinstance(parent, dict):
            key = data.draw(st.sampled_from([*keys, "id", "kind", "share", "inputs", "range"]))
            parent[key] = data.draw(VALUES)
        else:
            parent.append(data.draw(VALUES))
    else:
        key = data.draw(st.sampled_from(keys))
        if action == "delete":
            del parent[key]
        else:
            parent[key] = data.draw(VALUES)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


def _mutate(data: st.DataObject, text: bytes) -> bytes:
    """Apply 1-6 random mutations to ``text``, some of them to its YAML structure."""
    if data.draw(st.booleans(), label="restructure"):
        for _ in range(data.draw(st.integers(1, 3))):
            text = _restructure(data, text)
        if data.draw(st.booleans()):
            return text
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        lines = text.split(b"\n")
        op = data.draw(
            st.sampled_from(
                ["flip", "delete", "dup", "swap", "indent", "token", "unicode", "truncate"]
            )
        )
        n = len(text)
        if op == "flip" and n:
            i = data.draw(st.integers(0, n - 1))
            text = text[:i] + bytes([data.draw(st.integers(0, 255))]) + text[i + 1 :]
        elif op == "delete" and n:
            i = data.draw(st.integers(0, n - 1))
            j = data.draw(st.integers(i, min(n, i + 40)))
            text = text[:i] + text[j:]
        elif op == "dup" and lines:
            i = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = b"\n".join(lines)
        elif op == "swap" and len(lines) > 1:
            i = data.draw(st.integers(0, len(lines) - 2))
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            text = b"\n".join(lines)
        elif op == "indent" and lines:
            i = data.draw(st.integers(0, len(lines) - 1))
            pad = data.draw(st.sampled_from([b" ", b"  ", b"    ", b"\t", b" \t"]))
            stripped = lines[i].lstrip(b" \t")
            lines[i] = pad * data.draw(st.integers(0, 6)) + stripped
            text = b"\n".join(lines)
        elif op == "token":
            i = data.draw(st.integers(0, n))
            text = text[:i] + data.draw(st.sampled_from(TOKENS)) + text[i:]
        elif op == "unicode":
            i = data.draw(st.integers(0, n))
            s = data.draw(st.text(min_size=1, max_size=8))
            text = text[:i] + s.encode("utf-8", "surrogatepass") + text[i:]
        elif op == "truncate" and n:
            text = text[: data.draw(st.integers(0, n - 1))]
    return text


class Fuzzer:
    """Feeds inputs through the loader and records what goes wrong."""

    def __init__(self, slow: float):
        import graph
        from analysis.scenario import load_scenario
        from graph.errors import ChokegraphError

        self.load, self.load_scenario = graph.load, load_scenario
        self.user_error = ChokegraphError
        self.slow = slow
        self.tried = 0
        self.outcomes: Counter = Counter()
        self.findings: dict[str, str] = {}
        from analysis.engine import compile_graph

        self.G = graph.load()
        self.compiled = compile_graph(self.G)
        self.tmp = Path(tempfile.mkdtemp(prefix="chokegraph-fuzz-"))
        shutil.copytree(ROOT / "tests" / "fixtures" / "example-tables", self.tmp / "tables")

    def run_one(self, target: str, which: int, content: bytes) -> None:
        original = None
        if target == "import":
            call = fuzz_hostile.import_call(self, which, content)
        elif target == "yaml":
            path = self.tmp / "data.yaml"
            path.write_bytes(content)
            call = lambda: self.load(path)  # noqa: E731
        elif target == "tables":
            path = self.tmp / "tables" / ("nodes.csv", "edges.csv")[which % 2]
            original = path.read_bytes()
            path.write_bytes(content)
            call = lambda: self.load(self.tmp / "tables")  # noqa: E731
        else:
            path = self.tmp / "scenario.yaml"
            path.write_bytes(content)
            call = lambda: self._run_scenario(path)  # noqa: E731
        restore = (lambda: path.write_bytes(original)) if original is not None else None
        self.run_call(target, which, content, call, restore)

    def run_call(self, target: str, which: int, content: bytes, call, restore=None) -> None:
        """Run one input's ``call``: count it as ok, a user error, a crash or slow."""
        self.tried += 1
        start = time.perf_counter()
        try:
            call()
            self.outcomes[f"{target} ok"] += 1
        except self.user_error:
            self.outcomes[f"{target} user error"] += 1
        except Exception as exc:
            self.outcomes[f"{target} crash"] += 1
            self._record(target, which, content, traceback.format_exc(), type(exc).__name__)
        finally:
            elapsed = time.perf_counter() - start
            if restore is not None:
                restore()
        if elapsed > self.slow:
            self.outcomes[f"{target} slow"] += 1
            self._record(target, which, content, f"took {elapsed:.2f} s\n", "slow")

    def _run_scenario(self, path: Path) -> None:
        import json

        from analysis.whatif import run_scenario

        scenario = self.load_scenario(path)
        scenario.title(self.G)
        json.dumps(scenario.to_dict())
        json.dumps(run_scenario(self.G, scenario, compiled=self.compiled).to_json())

    def _record(self, target: str, which: int, content: bytes, report: str, kind: str) -> None:
        # One finding per (kind, innermost frame): the same bug found again is not news.
        last = [ln for ln in report.splitlines() if ln.strip().startswith("File ")][-1:]
        key = f"{kind} {last[0].strip() if last else ''}"
        if key in self.findings:
            return
        digest = hashlib.sha256(content).hexdigest()[:10]
        OUT.mkdir(parents=True, exist_ok=True)
        name = f"{target}-{kind}-{digest}"
        suffix = ".csv" if target in ("tables", "cells", "import") else ".yaml"
        (OUT / f"{name}{suffix}").write_bytes(content)
        (OUT / f"{name}.txt").write_text(f"{target} #{which}\n{report}", encoding="utf-8")
        self.findings[key] = name
        print(f"finding: {key} -> {OUT / name}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="total time (default 3)")
    parser.add_argument(
        "--target",
        choices=["all", "yaml", "tables", "scenario", "import", "names", "cells"],
        default="all",
        help="what to fuzz",
    )
    parser.add_argument("--slow", type=float, default=1.0, help="seconds that count as a hang")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the first batch")
    args = parser.parse_args()

    seeds = _seed_files()
    every = ["yaml", "tables", "scenario", "import", "names", "cells"]
    targets = every if args.target == "all" else [args.target]
    weights = {"yaml": 3, "tables": 1, "scenario": 1, "import": 1, "names": 1, "cells": 1}
    schedule = [t for t in targets for _ in range(weights[t])]
    fuzzer = Fuzzer(args.slow)
    deadline = time.monotonic() + 60 * args.minutes
    batch = 0
    while time.monotonic() < deadline:
        # Batches of 100 inputs, each from its own seed (reproducible with --seed),
        # taking turns: YAML gets most of them, as most of the parsing is there.
        target = schedule[batch % len(schedule)]
        seed(args.seed + batch)(_batch(fuzzer, target, seeds[target], 100))()
        batch += 1
    shutil.rmtree(fuzzer.tmp, ignore_errors=True)
    print(f"inputs tried: {fuzzer.tried}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(fuzzer.outcomes.items())))
    print(f"findings: {len(fuzzer.findings)}")
    for key, name in sorted(fuzzer.findings.items()):
        print(f"  {key}\n    {OUT / name}")


def _batch(fuzzer: Fuzzer, target: str, files: list[bytes], examples: int):
    """A hypothesis test that feeds ``examples`` mutations of ``files`` to ``target``."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        if target in ("names", "cells"):
            make = fuzz_hostile.names_call if target == "names" else fuzz_hostile.cells_call
            call, content = make(fuzzer, data)
            fuzzer.run_call(target, 0, content, call)
            return
        which = data.draw(st.integers(0, len(files) - 1), label="file")
        fuzzer.run_one(target, which, _mutate(data, files[which]))

    return one


if __name__ == "__main__":
    main()
