"""Hostile paths and outputs (issue 18): only regular files are read, nothing of the user's is lost.

What cannot live in ``tests/bad_inputs/`` (named pipes, links to devices,
file names that are not UTF-8) is here, and so are the checks that a
refused output left everything as it was.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import pytest
from helpers import run_cli

import graph
from graph import files
from graph.convert import convert
from graph.errors import ChokegraphError, DataError

NODES = "id,kind,name\nchn,country,China\ngallium,mineral,Gallium\n"
EDGES = "from,to,share\nchn,gallium,0.9\n"
USGS = (
    "COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2024\n"
    "Gallium,China,Mine production,t,750\n"
    "Gallium,Japan,Mine production,t,250\n"
    "Gallium,World total (rounded),Mine production,t,1000\n"
)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _dataset(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- reading


@needs_fifo
def test_a_named_pipe_in_a_data_folder_is_an_error_not_a_hang(here: Path):
    _dataset(here / "data")
    os.mkfifo(here / "data" / "b.yaml")  # no writer: a plain open() would wait for ever
    assert run_cli(["validate", "data"]) == (
        2,
        "",
        "error: cannot read data/b.yaml: it is a named pipe (FIFO), not a regular file\n",
    )


@needs_fifo
def test_a_named_pipe_as_a_table(here: Path):
    (here / "t").mkdir()
    (here / "t" / "edges.csv").write_text(EDGES, encoding="utf-8")
    os.mkfifo(here / "t" / "nodes.csv")
    code, out, err = run_cli(["validate", "t"])
    assert (code, out) == (2, "")
    assert err == "error: cannot read t/nodes.csv: it is a named pipe (FIFO), not a regular file\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("name", ["z.yaml", "nodes.csv"])
def test_a_link_to_an_endless_device_is_refused(here: Path, name: str):
    _dataset(here / "data")
    (here / "data" / "edges.csv").write_text(EDGES, encoding="utf-8")
    (here / "data" / name).symlink_to("/dev/zero")
    code, out, err = run_cli(["validate", "data"])
    assert (code, out) == (2, "")
    assert err == f"error: cannot read data/{name}: it is a device, not a regular file\n"


def test_a_file_over_the_size_limit_names_the_limit_and_how_to_raise_it(
    here: Path, monkeypatch: pytest.MonkeyPatch
):
    _dataset(here / "data")
    (here / "data" / "big.yaml").write_text("# " + "x" * 3000 + "\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEGRAPH_MAX_FILE_MB", "0.001")  # 1048 bytes
    assert run_cli(["validate", "data"]) == (
        2,
        "",
        "error: cannot read data/big.yaml: it is larger than the limit of 0.001 MB for one "
        "file; set CHOKEGRAPH_MAX_FILE_MB to raise it\n",
    )
    monkeypatch.setenv("CHOKEGRAPH_MAX_FILE_MB", "1")
    assert run_cli(["validate", "data"])[0] == 0


@pytest.mark.parametrize("value", ["lots", "-5", "0", "inf"])
def test_a_bad_size_limit_is_an_error(here: Path, monkeypatch: pytest.MonkeyPatch, value: str):
    _dataset(here / "data")
    monkeypatch.setenv("CHOKEGRAPH_MAX_FILE_MB", value)
    code, out, err = run_cli(["validate", "data"])
    assert (code, out) == (2, "")
    assert err.startswith(f"error: CHOKEGRAPH_MAX_FILE_MB='{value}' ")


def test_read_regular_reads_exactly_up_to_the_limit(tmp_path: Path):
    f = tmp_path / "f"
    f.write_bytes(b"12345")
    assert files.read_regular(f, limit=5) == b"12345"
    with pytest.raises(ChokegraphError, match="larger than the limit"):
        files.read_regular(f, limit=4)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_a_data_file_name_that_is_not_utf8(here: Path):
    _dataset(here / "data")
    os.close(os.open(os.fsencode(here / "data") + b"/caf\xe9.yaml", os.O_CREAT | os.O_WRONLY))
    assert run_cli(["validate", "data"]) == (
        2,
        "",
        "error: cannot read data/caf\\xe9.yaml: its name is not UTF-8 text; rename it\n",
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_a_name_that_is_not_utf8_and_not_data_is_left_alone(here: Path):
    _dataset(here / "data")
    os.close(os.open(os.fsencode(here / "data") + b"/notes-\xe9.txt", os.O_CREAT | os.O_WRONLY))
    assert run_cli(["validate", "data"]) == (0, "ok: 1 node (1 country), 0 edges, 0 sources\n", "")


@needs_fifo
@pytest.mark.parametrize("command", ["usgs", "trade"])
def test_an_import_input_that_is_a_pipe(here: Path, command: str):
    os.mkfifo(here / "in.csv")
    args = ["import", command, "in.csv"] + (["--product", "811292"] if command == "trade" else [])
    assert run_cli(args) == (
        2,
        "",
        "error: cannot read in.csv: it is a named pipe (FIFO), not a regular file\n",
    )


# --------------------------------------------------------------------------- decoding


def test_a_json_cell_nested_200k_deep_is_a_located_error(tmp_path: Path):
    # The json module recurses: without a bound this is a RecursionError (exit 1).
    (tmp_path / "nodes.csv").write_text(
        'id,kind,inputs\nchn,country,\nx,refiner,"' + "[" * 200_000 + "]" * 200_000 + '"\n',
        encoding="utf-8",
    )
    (tmp_path / "edges.csv").write_text("from,to\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        graph.load(tmp_path)
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (3, 3)
    assert problem.message.startswith("inputs: JSON nesting deeper than 64 levels")


def _parquet(folder: Path, nodes, edges) -> Path:
    pytest.importorskip("pyarrow")
    folder.mkdir()
    nodes.to_parquet(folder / "nodes.parquet")
    edges.to_parquet(folder / "edges.parquet")
    return folder


def test_a_parquet_boolean_column_is_not_read_as_numbers(tmp_path: Path):
    pd = pytest.importorskip("pandas")
    folder = _parquet(
        tmp_path / "t",
        pd.DataFrame({"id": ["chn", "gallium"], "kind": ["country", "mineral"]}),
        pd.DataFrame({"from": ["chn"], "to": ["gallium"], "share": [True]}),
    )
    with pytest.raises(DataError) as info:
        graph.load(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder}/edges.parquet:1:3: error: column 'share' holds true/false values: it must "
        "hold numbers (a float or integer column); write it again as such"
    ]


def test_a_parquet_list_column_is_a_located_error(tmp_path: Path):
    pd = pytest.importorskip("pandas")
    folder = _parquet(
        tmp_path / "t",
        pd.DataFrame({"id": ["chn"], "kind": ["country"], "name": [["China", "PRC"]]}),
        pd.DataFrame({"from": pd.Series([], dtype=object), "to": pd.Series([], dtype=object)}),
    )
    with pytest.raises(DataError) as info:
        graph.load(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder}/nodes.parquet:1:3: error: column 'name' holds lists or mappings: it must "
        "hold text (a string column); write it again as such"
    ]


@pytest.mark.parametrize("form", ["yaml", "csv"])
def test_negative_zero_loads_as_zero(tmp_path: Path, form: str):
    if form == "yaml":
        path = tmp_path / "d.yaml"
        path.write_text("nodes:\n  - {id: auto, kind: industry, value: -0.0}\n", encoding="utf-8")
    else:
        path = tmp_path
        (path / "nodes.csv").write_text("id,kind,value\nauto,industry,-0.0\n", encoding="utf-8")
        (path / "edges.csv").write_text("from,to\n", encoding="utf-8")
    value = graph.load(path).nodes["auto"]["value"]
    assert value == 0.0 and math.copysign(1.0, value) == 1.0


def test_names_that_differ_only_by_normalisation_match(tmp_path: Path):
    from graph.lookup import resolve_node

    path = tmp_path / "d.yaml"
    nfc = "Rh\u00f4ne"  # o with circumflex, one code point
    path.write_text(f"nodes:\n  - {{id: rhone, kind: country, name: {nfc}}}\n", encoding="utf-8")
    G = graph.load(path)
    assert resolve_node(G, "Rho\u0302ne") == "rhone"  # o + combining circumflex (NFD)


# --------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(
    "args",
    [
        ["schema", "-o", "out.json"],
        ["render", "--focus", "gallium", "-o", "out.svg"],
        ["import", "usgs", "world.csv", "-o", "out.yaml"],
        ["convert", "data.yaml", "out.yaml"],
    ],
    ids=["schema", "render", "import", "convert"],
)
def test_a_link_is_written_through_and_stays_a_link(here: Path, args: list[str]):
    (here / "world.csv").write_text(USGS, encoding="utf-8")
    (here / "data.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n", encoding="utf-8")
    (here / "real").mkdir()
    target = here / "real" / f"target{Path(args[-1]).suffix}"
    target.write_text("old", encoding="utf-8")
    (here / args[-1]).symlink_to(target)
    code, _, err = run_cli(args)
    assert code == 0, err
    assert (here / args[-1]).is_symlink()
    assert os.readlink(here / args[-1]) == str(target)
    assert target.read_text(encoding="utf-8") != "old"


@needs_fifo
def test_a_pipe_as_output_is_refused_without_waiting(here: Path):
    os.mkfifo(here / "out.svg")
    assert run_cli(["render", "--focus", "gallium", "-o", "out.svg"]) == (
        2,
        "",
        "error: cannot write out.svg: it is a named pipe (FIFO); give the name of a file\n",
    )
    assert stat.S_ISFIFO(os.lstat(here / "out.svg").st_mode)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_link_to_a_device_is_refused_and_the_device_stays(here: Path):
    (here / "out.svg").symlink_to("/dev/null")
    code, out, err = run_cli(["render", "--focus", "gallium", "-o", "out.svg"])
    assert (code, out) == (2, "")
    assert err == "error: cannot write out.svg: it is a device; give the name of a file\n"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_render_onto_the_scenario_file_is_refused(here: Path):
    scenario = "name: test\nrestrictions:\n  - {by: china, commodities: [gallium]}\n"
    (here / "s.yaml").write_text(scenario, encoding="utf-8")
    (here / "s.svg").symlink_to(here / "s.yaml")  # the scenario, by another name
    for args in (
        ["what-if", "--scenario", "s.yaml", "--render", "s.svg"],
        ["render", "--scenario", "s.yaml", "-o", "s.svg"],
    ):
        code, out, err = run_cli(args)
        assert (code, out) == (2, ""), err
        assert err == (
            "error: cannot write s.svg: it is an input of this command; "
            "write somewhere else, so the input stays as it is\n"
        )
        assert (here / "s.yaml").read_text(encoding="utf-8") == scenario


def test_import_onto_its_input_by_a_hard_link_is_refused(here: Path):
    (here / "world.yaml").write_text(USGS, encoding="utf-8")
    os.link(here / "world.yaml", here / "copy.yaml")
    code, _, err = run_cli(["import", "usgs", "world.yaml", "-o", "copy.yaml"])
    assert code == 2 and "it is an input of this command" in err
    assert (here / "world.yaml").read_text(encoding="utf-8") == USGS


def test_curated_tables_are_never_overwritten_without_force(here: Path):
    (here / "world.csv").write_text(USGS, encoding="utf-8")
    cur = here / "curated"
    cur.mkdir()
    for name, text in {
        "nodes.csv": NODES,
        "edges.csv": EDGES,
        "groups.csv": "group,member\n",
    }.items():
        (cur / name).write_text(text, encoding="utf-8")
    before = snapshot(cur)
    code, _, err = run_cli(["import", "usgs", "world.csv", "-o", "curated/"])
    assert code == 2 and "holds files chokegraph did not write there" in err
    assert snapshot(cur) == before
    # --force replaces the folder whole: no stale groups.csv is left to mix in.
    code, _, err = run_cli(["import", "usgs", "world.csv", "-o", "curated/", "--force"])
    assert code == 0, err
    assert sorted(snapshot(cur)) == [
        ".chokegraph-written.json",
        "edges.csv",
        "nodes.csv",
        "sources.csv",
    ]
    assert sorted(graph.load(cur)) == ["chn", "gallium-mine-production", "jpn"]


def test_a_folder_chokegraph_wrote_is_replaced_and_an_edit_protects_it(here: Path):
    (here / "world.csv").write_text(USGS, encoding="utf-8")
    assert run_cli(["import", "usgs", "world.csv", "-o", "t/"])[0] == 0
    assert run_cli(["import", "usgs", "world.csv", "-o", "t/"])[0] == 0  # its own: replaced
    with (here / "t" / "nodes.csv").open("a", encoding="utf-8") as fh:
        fh.write("kor,country,Korea\n")  # now curated by hand
    before = snapshot(here / "t")
    code, _, err = run_cli(["import", "usgs", "world.csv", "-o", "t/"])
    assert code == 2 and "(nodes.csv)" in err
    assert snapshot(here / "t") == before


def test_a_write_cut_short_leaves_the_old_folder_whole(here: Path, monkeypatch: pytest.MonkeyPatch):
    convert(graph.bundled_path(), here / "t")
    before = snapshot(here / "t")
    real = files._write_file
    calls = []

    def full_disk(target, data, name, **kw):
        calls.append(target.name)
        if len(calls) == 2:
            raise ChokegraphError(f"cannot write {name}: No space left on device")
        return real(target, data, name, **kw)

    monkeypatch.setattr(files, "_write_file", full_disk)
    (here / "data.yaml").write_text("nodes:\n  - {id: chn, kind: country}\n", encoding="utf-8")
    with pytest.raises(ChokegraphError, match="No space left"):
        convert(here / "data.yaml", here / "t")
    assert snapshot(here / "t") == before
    assert sorted(p.name for p in here.iterdir()) == ["data.yaml", "t"]  # no staging left


def test_a_new_folder_cut_short_is_not_there_at_all(here: Path, monkeypatch: pytest.MonkeyPatch):
    def full_disk(target, data, name, **kw):
        raise ChokegraphError(f"cannot write {name}: No space left on device")

    monkeypatch.setattr(files, "_write_file", full_disk)
    with pytest.raises(ChokegraphError):
        convert(graph.bundled_path(), here / "t")
    assert list(here.iterdir()) == []


def test_check_output_path_refuses_a_folder_for_a_file_and_a_file_for_a_folder(tmp_path: Path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(ChokegraphError, match="it is a folder; give the name of a file"):
        files.check_output_path(tmp_path)
    with pytest.raises(ChokegraphError, match="it is a file; give a folder"):
        files.check_output_path(tmp_path / "f", folder=True)
    with pytest.raises(ChokegraphError, match=r"input of this command \(it holds"):
        files.check_output_path(tmp_path, inputs=[tmp_path / "f"], folder=True)


@needs_fifo
def test_a_named_pipe_given_as_the_dataset(here: Path):
    os.mkfifo(here / "p.yaml")
    assert run_cli(["validate", "p.yaml"]) == (
        2,
        "",
        "error: cannot read p.yaml: it is a named pipe (FIFO), not a regular file\n",
    )


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"a,b\n1,\x81\n", (2, 3)),
        # A character cut by the 64 KiB read: 65,535 x, then e-acute over the cut, then 0xff.
        (b"x" * 65_535 + "\u00e9".encode() + b"\xff", (1, 65_537)),
        # Columns count characters, not bytes: 40,000 two-byte characters.
        ("\u00e9".encode() * 40_000 + b"\xff", (1, 40_001)),
        (b"ok\n" * 30_000 + b"x\xe9\n", (30_001, 2)),
    ],
    ids=["small", "cut-character", "multibyte", "many-lines"],
)
def test_utf8_problem_locates_the_first_bad_byte(tmp_path: Path, raw: bytes, where):
    f = tmp_path / "t.csv"
    f.write_bytes(raw)
    problem = files.utf8_problem(f, "t.csv")
    assert (problem.line, problem.col) == where


def test_utf8_problem_is_none_for_utf8(tmp_path: Path):
    f = tmp_path / "t.csv"
    f.write_bytes("\ufeffcaf\u00e9\n".encode() * 30_000)
    assert files.utf8_problem(f, "t.csv") is None


def test_the_current_folder_is_never_swapped_away(here: Path):
    (here / "in").mkdir()
    (here / "in" / "world.csv").write_text(USGS, encoding="utf-8")
    (here / "t").mkdir()
    os.chdir(here / "t")  # the fixture's monkeypatch.chdir puts us back afterwards
    code, out, err = run_cli(["import", "usgs", "../in/world.csv", "-o", "./"])
    assert (code, out) == (2, "")
    assert (
        err
        == "error: cannot write .: it is or holds the current folder; give a folder of its own\n"
    )
    assert Path.cwd() == here / "t" and list((here / "t").iterdir()) == []
