"""The cache of the bundled graph: read only when it fits, identical to a fresh load."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import graph
from graph import _cache

# The module, not the function graph.load.
load_module = importlib.import_module("graph.load")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of our own, with the cache switched on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CHOKEGRAPH_NO_CACHE", raising=False)
    return tmp_path / "cache" / "chokegraph"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any real reading of the files fail, so a load must come from the cache."""

    def fail(*args, **kwargs):
        raise AssertionError("the dataset was parsed instead of read from the cache")

    monkeypatch.setattr(load_module, "_load_files", fail)


def _contents(G) -> tuple:
    """Everything a graph holds, in order, except the time it was loaded."""
    attrs = {k: v for k, v in G.graph.items() if k != "loaded_at"}
    return (
        list(G.nodes(data=True)),
        list(G.edges(keys=True, data=True)),
        attrs,
        type(G),
    )


def test_first_load_writes_the_cache_and_the_second_reads_it(cache_home, monkeypatch):
    fresh = graph.load()
    assert (cache_home / "bundled.pickle").is_file()
    _no_parsing(monkeypatch)
    cached = graph.load()
    assert _contents(cached) == _contents(fresh)
    assert cached is not fresh
    assert cached.graph["loaded_at"]


def test_cached_graph_is_identical_to_a_load_without_cache(cache_home, monkeypatch):
    graph.load()  # fills the cache
    cached = graph.load()
    monkeypatch.setenv("CHOKEGRAPH_NO_CACHE", "1")
    uncached = graph.load()
    assert _contents(cached) == _contents(uncached)
    # Same answers too: the graph is what the engine reads.
    import analysis

    restriction = [analysis.Restriction("china", ["gallium"], to=["japan"])]
    a = analysis.what_if(cached, restriction).to_json()
    b = analysis.what_if(uncached, restriction).to_json()
    assert a == b


def test_cached_graph_can_be_changed_without_touching_the_cache(cache_home, monkeypatch):
    graph.load()
    first = graph.load()
    first.remove_node("chn")
    second = graph.load()
    assert "chn" in second


def test_no_cache_switch_writes_nothing(cache_home, monkeypatch):
    monkeypatch.setenv("CHOKEGRAPH_NO_CACHE", "1")
    graph.load()
    assert not cache_home.exists()


def test_only_the_bundled_dataset_is_cached(cache_home):
    graph.load(graph.bundled_path())
    assert not cache_home.exists()


def test_a_changed_key_is_not_read(cache_home, monkeypatch):
    graph.load()
    # The code that builds the graph changed: the cached graph no longer fits.
    monkeypatch.setattr(_cache, "_code_fingerprint", lambda: b"other code")
    calls = []
    real = load_module._load_files
    monkeypatch.setattr(
        load_module, "_load_files", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    graph.load()
    assert calls == [1]


def test_a_damaged_cache_file_is_ignored_and_replaced(cache_home, monkeypatch):
    fresh = graph.load()
    path = cache_home / "bundled.pickle"
    key = path.read_bytes().partition(b"\n")[0]
    path.write_bytes(key + b"\nnot a pickle")
    again = graph.load()
    assert _contents(again) == _contents(fresh)
    _no_parsing(monkeypatch)
    assert _contents(graph.load()) == _contents(fresh)


def test_an_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("CHOKEGRAPH_NO_CACHE", raising=False)
    G = graph.load()
    assert len(G) > 50
    assert blocker.read_text() == "a file where the cache folder would go"


def test_cache_folder_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_folder() == tmp_path / "chokegraph"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _cache.cache_folder() == tmp_path / "home" / ".cache" / "chokegraph"
