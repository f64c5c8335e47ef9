"""``chokegraph convert IN OUT``: the same dataset in the other form, the input untouched."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from helpers import content, run_cli

import graph
from graph.convert import convert
from graph.errors import ChokegraphError, DataError

needs_parquet = pytest.mark.skipif(
    importlib.util.find_spec("pyarrow") is None, reason="writing parquet needs pyarrow"
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def bundled():
    return graph.load()


def test_yaml_folder_to_csv_tables_and_back(bundled, tmp_path):
    written = convert(graph.bundled_path(), tmp_path / "tables")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv", "sources.csv", "groups.csv"]
    tables = graph.load(tmp_path / "tables")
    assert content(tables) == content(bundled)
    convert(tmp_path / "tables", tmp_path / "again.yaml")
    assert content(graph.load(tmp_path / "again.yaml")) == content(bundled)


def test_yaml_file_to_tables_keeps_ranges_inputs_and_provenance(tmp_path, example_yaml):
    convert(example_yaml, tmp_path / "out")
    G = graph.load(tmp_path / "out")
    assert content(G) == content(graph.load(example_yaml))


@needs_parquet
def test_parquet_tables(bundled, tmp_path):
    written = convert(graph.bundled_path(), tmp_path / "pq", fmt="parquet")
    assert {p.suffix for p in written} == {".parquet"}
    assert content(graph.load(tmp_path / "pq")) == content(bundled)


def test_the_input_is_never_overwritten(tmp_path, example_yaml):
    data = tmp_path / "data.yaml"
    data.write_bytes(example_yaml.read_bytes())
    with pytest.raises(ChokegraphError, match="is the input"):
        convert(data, data)
    assert data.read_bytes() == example_yaml.read_bytes()


def test_nothing_is_written_inside_the_input_folder(tmp_path, example_yaml):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "data.yaml").write_bytes(example_yaml.read_bytes())
    before = _snapshot(folder)
    for target in (folder / "all.yaml", folder, folder / "tables"):
        with pytest.raises(ChokegraphError, match="input"):
            convert(folder, target)
    assert _snapshot(folder) == before


def test_tables_are_not_written_over_their_own_folder(tmp_path, example_yaml):
    convert(example_yaml, tmp_path / "t")
    before = _snapshot(tmp_path / "t")
    with pytest.raises(ChokegraphError, match="input"):
        convert(tmp_path / "t", tmp_path / "t")
    assert _snapshot(tmp_path / "t") == before


def test_old_tables_that_would_stay_behind_are_refused(tmp_path, example_yaml):
    out = tmp_path / "out"
    out.mkdir()
    (out / "nodes.parquet").write_bytes(b"old")
    with pytest.raises(
        ChokegraphError, match=r"holds files chokegraph did not write there .*\(nodes\.parquet\)"
    ):
        convert(example_yaml, out)
    assert sorted(p.name for p in out.iterdir()) == ["nodes.parquet"]


def test_tables_from_an_earlier_conversion_are_replaced(tmp_path, example_yaml):
    convert(example_yaml, tmp_path / "out")
    convert(example_yaml, tmp_path / "out")
    assert content(graph.load(tmp_path / "out")) == content(graph.load(example_yaml))


def test_a_dataset_with_problems_is_not_converted(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes:\n  - {id: chn, kind: planet}\n", encoding="utf-8")
    with pytest.raises(DataError):
        convert(bad, tmp_path / "out.yaml")
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize(
    ("target", "fmt", "message"),
    [
        ("out.yaml", "csv", "--format csv is for tables"),
        ("nodes.csv", None, "names one table"),
        ("missing/out.yaml", None, "folder .*missing does not exist"),
        ("a-file", None, "is a file"),
    ],
)
def test_targets_that_cannot_be_written(tmp_path, target, fmt, message, example_yaml):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ChokegraphError, match=message):
        convert(example_yaml, tmp_path / target, fmt=fmt)


def test_cli_converts_and_reports_on_stderr(tmp_path, example_yaml):
    code, out, err = run_cli(["convert", str(example_yaml), str(tmp_path / "t")])
    assert code == 0, err
    assert out == ""
    assert err.startswith("wrote ") and "nodes.csv" in err
    code, out, err = run_cli(["convert", str(tmp_path / "t"), str(tmp_path / "back.yml")])
    assert code == 0, err
    assert content(graph.load(tmp_path / "back.yml")) == content(graph.load(example_yaml))


def test_cli_refusal_is_an_error_line_with_exit_code_2(tmp_path, example_yaml):
    code, _, err = run_cli(["convert", str(example_yaml), str(example_yaml)])
    assert code == 2
    assert err.startswith("error: ") and "is the input" in err
    assert "Traceback" not in err


def test_cli_unknown_format_is_a_usage_error(tmp_path, example_yaml):
    code, _, err = run_cli(["convert", str(example_yaml), str(tmp_path / "t"), "--format", "xlsx"])
    assert code == 2
    assert err.startswith("error: ")
