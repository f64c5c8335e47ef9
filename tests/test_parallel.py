"""Worker processes: same results, in the same order, as one process.

The shared data reaches the workers by fork, never by pickling; a ranking
run in workers equals the ranking run in one process, row for row.
"""

from __future__ import annotations

import importlib

import pytest

import analysis
import graph
from analysis import parallel
from analysis.parallel import can_fork, map_shared

# The module, not the function analysis.chokepoints.
chokepoints_module = importlib.import_module("analysis.chokepoints")

needs_fork = pytest.mark.skipif(not can_fork(), reason="worker processes are forked on Linux only")


class Unpicklable:
    """Shared data that fails loudly if anything tries to send it to a worker."""

    def __init__(self, offset: int):
        self.offset = offset

    def __reduce__(self):
        raise AssertionError("the shared data was pickled")


def add_offset(shared: Unpicklable, item: int) -> int:
    return shared.offset + item


def fail_on_seven(shared: Unpicklable, item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    return item


def test_one_process_keeps_the_order():
    assert list(map_shared(add_offset, Unpicklable(100), [3, 1, 2], processes=1)) == [
        103,
        101,
        102,
    ]


def test_no_items_gives_nothing():
    assert list(map_shared(add_offset, Unpicklable(0), [], processes=2)) == []


@needs_fork
def test_workers_keep_the_order_and_never_pickle_the_shared_data():
    items = list(range(250))  # more items than chunks: several chunks per worker
    got = list(map_shared(add_offset, Unpicklable(1000), items, processes=2))
    assert got == [1000 + i for i in items]
    assert parallel._shared is None  # released once the pool is done


@needs_fork
def test_an_error_in_a_worker_reaches_the_caller():
    with pytest.raises(ValueError, match="seven"):
        list(map_shared(fail_on_seven, Unpicklable(0), list(range(20)), processes=2))
    assert parallel._shared is None


def test_one_process_never_starts_a_pool(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel.multiprocessing, "get_context", no_pool)
    assert list(map_shared(add_offset, Unpicklable(1), [1, 2], processes=1)) == [2, 3]


@pytest.fixture(scope="module")
def bundled():
    return graph.load()


def _ranking(G, **options):
    res = analysis.chokepoints(G, **options)
    return res.to_json(), res.records, res.country_records


@needs_fork
def test_ranking_in_workers_equals_ranking_in_one_process(bundled):
    one = _ranking(bundled, processes=1)
    two = _ranking(bundled, processes=2)
    assert two == one
    assert one[0]["chokepoints"]  # the bundled data has chokepoints to compare


@needs_fork
def test_ranking_of_a_kind_in_workers_is_the_same(bundled):
    assert _ranking(bundled, kind="refiner", top=5, processes=2) == _ranking(
        bundled, kind="refiner", top=5, processes=1
    )


def test_small_rankings_stay_in_one_process(bundled, monkeypatch):
    # The bundled data ranks in milliseconds: far below the point where workers pay.
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel.multiprocessing, "get_context", no_pool)
    assert _ranking(bundled)[0]["chokepoints"]


@needs_fork
def test_long_rankings_use_workers(bundled, monkeypatch):
    started = []
    real = parallel.multiprocessing.get_context

    def spy(method):
        started.append(method)
        return real(method)

    monkeypatch.setattr(parallel.multiprocessing, "get_context", spy)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    monkeypatch.setattr(chokepoints_module, "available_cpus", lambda: 2)
    monkeypatch.setattr(chokepoints_module, "PARALLEL_AFTER", 0.0)
    assert _ranking(bundled) == _ranking(bundled, processes=1)
    assert started == ["fork"]


@needs_fork
def test_progress_advances_once_per_run_with_workers(bundled):
    C = analysis.compile_graph(bundled)
    S = chokepoints_module.scoring(C)
    jobs = [("removal", i) for i in range(10)] + [("ban", C.index["chn"])]

    class Count:
        done = 0

        def advance(self):
            self.done += 1

    progress = Count()
    results = chokepoints_module._run_all(C, S, jobs, progress, processes=2)
    assert progress.done == len(jobs) == len(results)
    assert [d.node for d in results] == [C.nodes[i] for _, i in jobs]
