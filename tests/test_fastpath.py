"""The fast path for tables: ``graph.load(folder, lazy=True)`` and compiling from columns.

A dataset of tables loaded lazily is checked by the very rules of the row
path and kept as a ``graph.lazy.TableGraph`` whose edges stay columns;
``compile_graph`` reads the columns without any networkx graph. Here: the
same errors as the row path on every case of ``tests/bad_inputs/`` that can
be written as tables (and on damaged big tables, where the rules run on whole
columns first), and bit-identical compiled arrays, levels and answers on
synthetic networks of both shapes (layered; deep chains with cycles, fan-in,
controls, spares and inputs).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import analysis
import graph
from analysis.compiled import compile_graph
from analysis.engine import run
from analysis.scenario import Restriction, Scenario
from benchmarks.synthetic import tangled_tables, write_tables
from graph.errors import ChokegraphError, DataError
from graph.lazy import TableGraph

CORPUS = Path(__file__).parent / "bad_inputs"


def _outcome(folder: Path, *, lazy: bool):
    """What loading gives: the problems' text, another error's text, or the graph."""
    try:
        return graph.load(folder, lazy=lazy)
    except DataError as exc:
        return ("DataError", [str(p) for p in exc.problems])
    except ChokegraphError as exc:
        return ("ChokegraphError", str(exc))


def _as_tables(case: Path, work: Path) -> Path | None:
    """The case's dataset as a folder of CSV tables, or None when it cannot be one.

    A case of tables is copied as it is; one of YAML files is parsed and
    written with ``graph.write_tables`` (YAML that does not parse, or is
    not a dataset mapping, has no table form).
    """
    inputs = [p for p in case.iterdir() if p.name not in ("expected.txt", "args.txt")]
    tables = [p for p in inputs if p.is_dir() and (p / "nodes.csv").exists()]
    if (case / "nodes.csv").exists():
        tables = [case]
    if tables:
        shutil.copytree(tables[0], work, ignore=shutil.ignore_patterns("*.yaml", "*.yml"))
        return work
    files = [p for p in inputs if p.is_file() and p.suffix in (".yaml", ".yml")]
    files += [f for p in inputs if p.is_dir() for f in sorted(p.rglob("*.y*ml"))]
    merged: dict = {}
    for f in files:
        raw = f.read_bytes()
        if b"&" in raw:  # anchors and aliases: the row path refuses them (billion laughs)
            return None
        try:
            data = yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        for section, rows in data.items():
            if not isinstance(rows, list):
                return None
            merged.setdefault(section, []).extend(rows)
    if not merged.get("nodes"):
        return None
    try:
        graph.write_tables(merged, work, "csv")
    except Exception:  # rows that no table can hold (a mapping where text goes, ...)
        return None
    return work


CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_every_bad_input_in_table_form_gives_the_errors_of_the_row_path(tmp_path):
    compared = 0
    for case in CASES:
        folder = _as_tables(case, tmp_path / case.name)
        if folder is None:
            continue
        row_path = _outcome(folder, lazy=False)
        fast_path = _outcome(folder, lazy=True)
        if isinstance(row_path, tuple):
            assert fast_path == row_path, case.name
        else:  # the table form of a case may be valid (its error was YAML's own)
            assert isinstance(fast_path, TableGraph), case.name
            assert list(fast_path.nodes(data=True)) == list(row_path.nodes(data=True))
            assert list(fast_path.edges(keys=True, data=True)) == list(
                row_path.edges(keys=True, data=True)
            )
        compared += 1
    # Most of the corpus has a table form: all table cases and the data-rule cases.
    assert compared >= 50, compared


@pytest.fixture(scope="module")
def big_layered(tmp_path_factory) -> Path:
    """A layered network above ``graph.validate.BULK_FROM`` rows, so the column rules run."""
    return write_tables(30_000, tmp_path_factory.mktemp("layered") / "net")


@pytest.fixture(scope="module")
def big_tangled(tmp_path_factory) -> Path:
    return write_tables(30_000, tmp_path_factory.mktemp("tangled") / "net", shape="tangled")


def _damaged(source: Path, work: Path, change) -> Path:
    shutil.copytree(source, work)
    import pandas as pd

    edges = pd.read_csv(work / "edges.csv", dtype=object, keep_default_na=False)
    change(edges)
    edges.to_csv(work / "edges.csv", index=False)
    return work


def _set(column: str, row: int, value):
    def change(edges):
        edges.loc[row, column] = value if not callable(value) else value(edges)

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set("from", 7, "nowhere"),
        _set("share", 11, "1.5"),
        _set("to", 3, lambda e: e.loc[3, "from"]),
        _set("kind", 20, "controls"),  # from a refiner: controls come from countries
    ],
    ids=["dangling", "share-above-one", "self-loop", "controls-not-from-a-country"],
)
def test_damaged_big_tables_give_the_errors_of_the_row_path(big_tangled, tmp_path, change):
    folder = _damaged(big_tangled, tmp_path / "net", change)
    row_path = _outcome(folder, lazy=False)
    assert isinstance(row_path, tuple) and row_path[0] == "DataError"
    assert _outcome(folder, lazy=True) == row_path


def _arrays(C) -> dict:
    """Every field of a compiled graph but the graph itself, levels as their fields."""
    out = {}
    for f in dataclasses.fields(C):
        if f.name in ("G", "levels"):
            continue
        value = getattr(C, f.name)
        if f.name == "controls":  # the order of each list follows the edges' order
            value = {k: sorted(v) for k, v in value.items()}
        out[f.name] = value
    out["levels"] = [
        {name: getattr(level, name) for name in level.__dataclass_fields__} for level in C.levels
    ]
    return out


def _same(a, b, where: str = "") -> None:
    """Equal to the bit: arrays of the same dtype and bytes, everything else ==."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert type(a) is type(b) and a == b, where


@pytest.mark.parametrize("shape", ["big_layered", "big_tangled"])
def test_compiling_the_columns_is_bit_identical_to_compiling_networkx(shape, request):
    folder = request.getfixturevalue(shape)
    real = graph.load(folder)
    lazy = graph.load(folder, lazy=True)
    assert isinstance(lazy, TableGraph) and lazy.edge_columns() is not None
    fast, slow = compile_graph(lazy), compile_graph(real)
    assert lazy._nx is None and lazy.edge_columns() is not None  # no edge dict was made
    _same(_arrays(fast), _arrays(slow))
    if shape == "big_tangled":  # the network meant to hold all of these
        assert any(level.cyclic for level in fast.levels)
        assert fast.controls and fast.has_alternatives
        assert (fast.slot_dependence < 1).any()
    for country in ("c000", "c003"):
        scenario = Scenario(restrictions=(Restriction(country, ("all",)),)).resolve(real)
        a, b = run(fast, scenario), run(slow, scenario)
        for name in ("steady", "keep", "timeline", "days_to_impact", "gaps"):
            _same(getattr(a, name), getattr(b, name), name)
        answer = analysis.what_if(lazy, [Restriction(country, ["all"])], compiled=fast)
        expected = analysis.what_if(real, [Restriction(country, ["all"])], compiled=slow)
        assert answer.to_json() == expected.to_json()


def test_a_table_graph_becomes_the_networkx_graph_on_demand(big_tangled):
    real = graph.load(big_tangled)
    lazy = graph.load(big_tangled, lazy=True)
    assert lazy.number_of_edges() == real.number_of_edges()
    assert list(lazy.nodes(data=True)) == list(real.nodes(data=True))
    assert lazy.graph == real.graph | {"loaded_at": lazy.graph["loaded_at"]}
    # Asking for edges one by one makes them as build() does, and ends the columns.
    assert list(lazy.edges(keys=True, data=True)) == list(real.edges(keys=True, data=True))
    assert lazy.edge_columns() is None
    built = lazy.to_networkx()
    assert list(built.edges(keys=True, data=True)) == list(real.edges(keys=True, data=True))
    # A change to an edge now reaches the compiled graph, from the dicts.
    u, v, key = next(
        (u, v, k) for u, v, k, d in real.edges(keys=True, data=True) if d["kind"] == "supplies"
    )
    lazy.edges[u, v, key]["share"] = 0.0
    assert compile_graph(lazy).share.sum() < compile_graph(real).share.sum()


def test_the_tangled_generator_makes_a_valid_network_of_its_size(tmp_path):
    _, edges = tangled_tables(20_000, seed=3)
    assert 15_000 < len(edges) < 25_000
    G = graph.load(write_tables(20_000, tmp_path / "net", seed=3, shape="tangled"))
    assert G.number_of_edges() == len(edges)
    # Wide fan-in: a hub buys one commodity from every chain.
    assert min(G.in_degree(h) for h in ("hub0", "hub1", "hub2", "hub3")) > 100
