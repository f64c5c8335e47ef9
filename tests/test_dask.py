"""Scale-out on Dask (DESIGN section 3c): the scheduler does not change a byte."""

from __future__ import annotations

import json
import sys

import pytest
from helpers import dataset

import analysis
import graph
from analysis.output import Format
from analysis.scenario import load_scenario
from analysis.whatif import run_uncertain
from graph.errors import ScenarioError

distributed = pytest.importorskip(
    "distributed", reason='Dask is an optional extra: pip install "chokegraph[dask]"'
)


@pytest.fixture(scope="module")
def client():
    # Two real worker processes, one thread each, as a small cluster would have.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_two_worker_cluster_gives_byte_identical_json(client):
    from analysis.distributed import dask_mapper

    G = graph.load()
    scenario = load_scenario("2026-dual-use-japan")
    kwargs = {"samples": 150, "seed": 7, "distribution": "triangular", "sensitivity": True}
    here = run_uncertain(G, scenario, **kwargs)
    there = run_uncertain(G, scenario, mapper=dask_mapper(client), **kwargs)
    assert Format.JSON.formatter(there) == Format.JSON.formatter(here)
    for name in ("shortfall", "peak_shortfall", "lost_days", "days_to_impact"):
        ours, theirs = getattr(here.sample_set, name), getattr(there.sample_set, name)
        assert theirs.tobytes() == ours.tobytes()
    assert there.sensitivity.high.tobytes() == here.sensitivity.high.tobytes()
    assert any(r["drivers"] for r in json.loads(Format.JSON.formatter(here))["impacts"])


def test_a_scheduler_that_does_not_answer_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        analysis.cli.main(
            ["what-if", "chn", "gallium", "--samples", "3", "--scheduler", "tcp://127.0.0.1:9"]
        )
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'")


def test_missing_dask_names_the_extra(monkeypatch):
    from analysis.distributed import client

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    with pytest.raises(ScenarioError, match=r'pip install "chokegraph\[dask\]"'), client("local"):
        pass


def test_scheduler_without_samples_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        analysis.cli.main(["what-if", "chn", "gallium", "--scheduler", "local"])
    assert exc.value.code == 2
    assert "--samples" in capsys.readouterr().err


def test_small_graph_through_the_cluster(client):
    from analysis.distributed import dask_mapper

    G = dataset(
        "nodes:\n  - {id: chn, kind: country}\n  - {id: jpn, kind: country}\n"
        "  - {id: cn-ga, kind: refiner, country: chn, commodity: gallium}\n"
        "  - {id: fab, kind: industry, country: jpn}\n"
        "edges:\n  - {from: cn-ga, to: fab, share: 0.4, range: [0.2, 0.6]}\n"
    )
    s = analysis.Scenario(restrictions=(analysis.Restriction("chn", ("gallium",)),))
    here = run_uncertain(G, s, samples=200, seed=1)
    there = run_uncertain(G, s, samples=200, seed=1, mapper=dask_mapper(client))
    assert there.samples("fab").tobytes() == here.samples("fab").tobytes()
