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
    assert (cache_home / "bundled.json").is_file()
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
    path = cache_home / "bundled.json"
    key = path.read_bytes().partition(b"\n")[0]
    path.write_bytes(key + b"\nnot json")
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


# --------------------------------------------------------------------------- a hostile cache


def _body_with_hash(key: bytes, body: bytes) -> bytes:
    import hashlib

    return key + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def test_a_planted_pickle_never_runs(cache_home, tmp_path):
    import pickle

    fresh = graph.load()
    path = cache_home / "bundled.json"
    key = path.read_bytes().partition(b"\n")[0]
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path.write_bytes(_body_with_hash(key, pickle.dumps(Evil())))
    path.chmod(0o600)
    assert _contents(graph.load()) == _contents(fresh)
    assert not marker.exists()


def test_a_changed_body_is_not_read(cache_home, monkeypatch):
    fresh = graph.load()
    path = cache_home / "bundled.json"
    raw = path.read_bytes()
    # One share changed, the stored hash left as it was: damage, not the dataset.
    tampered = raw.replace(b'"share":0.98', b'"share":0.01', 1)
    assert tampered != raw
    path.write_bytes(tampered)
    assert _contents(graph.load()) == _contents(fresh)


@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_a_cache_file_others_may_write_is_not_read(cache_home, monkeypatch, mode):
    graph.load()
    path = cache_home / "bundled.json"
    path.chmod(mode)
    calls = []
    real = load_module._load_files
    monkeypatch.setattr(
        load_module, "_load_files", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    graph.load()
    assert calls == [1]


def test_the_cache_is_private_whatever_the_umask(cache_home):
    import os
    import stat

    old = os.umask(0)
    try:
        graph.load()
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_home / "bundled.json").stat().st_mode) == 0o600
    assert [p.name for p in cache_home.iterdir()] == ["bundled.json"]


def test_the_cache_file_is_plain_json(cache_home):
    import json

    graph.load()
    key, digest, body = (cache_home / "bundled.json").read_bytes().split(b"\n", 2)
    assert len(key) == len(digest) == 64
    data = json.loads(body)
    assert sorted(data) == ["edges", "graph", "nodes"]
