"""The command line is reliable: stable answers, safe writes, clear internal errors.

- The same input gives byte-identical output, whatever the hash seed of the
  process and whatever order the dataset's files are read in.
- Files are written atomically: a failed write leaves an existing file as it
  was and no temporary file behind; nothing is written into the bundled
  dataset unless a path asks for it.
- An internal error is exit code 1 with one line asking for a report
  (``--debug`` shows the traceback); bad input is exit code 2 (see
  ``test_bad_inputs.py``).
- Paths are taken as given: relative, absolute, with spaces or accents.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import run_cli

import graph
from graph.export import to_yaml

ROOT = Path(__file__).resolve().parent.parent
USGS_CSV = (
    "SOURCE,COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_ 2024\n"
    "MCS2025,Gallium,China,Primary production,kilograms,621000,750000\n"
    "MCS2025,Gallium,Japan,Primary production,kilograms,3000,3000\n"
    "MCS2025,Gallium,World total (rounded),Primary production,kilograms,640000,760000\n"
)
#: Commands whose JSON output must not depend on anything but the input.
JSON_COMMANDS = [
    ["what-if", "china", "gallium", "germanium", "--to", "japan", "--day", "120"],
    ["what-if", "chn", "all", "--severity", "0.5"],
    ["what-if", "--scenario", "2026-dual-use-japan"],
    ["remove", "chn"],
    ["chokepoints"],
    ["exposure", "japan"],
    ["exposure", "jp-compound-semis"],
    ["show", "gallium"],
    ["concentration"],
]


def python_cli(args: list[str], *, cwd: Path, hash_seed: str = "0", code: str = ""):
    """Run ``chokegraph ARGS`` in a fresh Python process (after running ``code``)."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    script = f"{code}\nfrom analysis.cli import main\nmain({args!r})\n"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, timeout=600
    )


def without_provenance(text: str) -> dict:
    obj = json.loads(text)
    obj.pop("provenance", None)
    return obj


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


# --------------------------------------------------------------------------- determinism


def test_json_is_byte_identical_across_hash_seeds(tmp_path: Path):
    # Each process prints every command's JSON; set and dict order must not leak into it.
    script = textwrap.dedent(
        f"""
        import sys
        from helpers import run_cli
        for args in {JSON_COMMANDS!r}:
            code, out, err = run_cli([*args, "--format", "json"])
            assert code == 0, (args, err)
            sys.stdout.write(out)
        """
    )
    outputs = []
    for seed in ("1", "2", "12345"):
        # The child imports the tests' helpers the way pytest does: from tests/ on its path.
        path = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, timeout=900
        )
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b'"summary"') == 4  # what-if x3 and remove really ran


@pytest.mark.parametrize("suffix", ["svg", "dot", "graphml", "gexf"])
def test_render_is_byte_identical_across_hash_seeds(tmp_path: Path, suffix: str):
    files = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.{suffix}"
        args = ["render", "china", "gallium", "--focus", "gallium", "--depth", "1", "-o", str(out)]
        done = python_cli(args, cwd=tmp_path, hash_seed=seed)
        assert done.returncode == 0, done.stderr.decode()
        files.append(out.read_bytes())
    assert files[0] == files[1]


def _copy_dataset(folder: Path, order: str) -> None:
    """Write the bundled dataset into ``folder``, one file per record, in a given order.

    ``order`` "sorted" keeps the records' order, "reversed" and "shuffled" name
    the files so that they are read in another order.
    """
    data = graph.to_dict(graph.load())
    parts = [{"groups": data["groups"]}] + [
        {section: [record]} for section in ("sources", "nodes", "edges") for record in data[section]
    ]
    if order == "reversed":
        parts.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(parts)
    folder.mkdir()
    for i, part in enumerate(parts):
        (folder / f"part-{i:04d}.yaml").write_text(to_yaml(part), encoding="utf-8")


def test_json_does_not_depend_on_the_order_files_are_read(tmp_path: Path):
    for order in ("sorted", "reversed", "shuffled"):
        _copy_dataset(tmp_path / order, order)
    for args in JSON_COMMANDS:
        answers = []
        for order in ("sorted", "reversed", "shuffled"):
            code, out, err = run_cli([*args, "--format", "json", "--data", str(tmp_path / order)])
            assert code == 0, err
            answers.append(without_provenance(out))
        assert answers[0] == answers[1] == answers[2], args
        # Byte for byte too, once the provenance (path, hash) is set aside.
        assert len({json.dumps(a) for a in answers}) == 1


def test_renaming_the_bundled_files_changes_nothing_but_provenance(tmp_path: Path):
    # The real files, renamed so that sorting reads them in reverse order.
    seeds = graph.bundled_path()
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    files = sorted(seeds.glob("*.yaml"))
    for i, f in enumerate(reversed(files)):
        (renamed / f"{i:02d}-{f.name}").write_bytes(f.read_bytes())
    for args in JSON_COMMANDS:
        code, first, err = run_cli([*args, "--format", "json", "--data", str(seeds)])
        assert code == 0, err
        code, second, err = run_cli([*args, "--format", "json", "--data", str(renamed)])
        assert code == 0, err
        assert without_provenance(first) == without_provenance(second), args


def test_the_same_run_twice_in_one_process_is_identical():
    # No state carried over from one run to the next (caches, mutated graphs).
    for args in JSON_COMMANDS:
        first = run_cli([*args, "--format", "json"])
        assert first == run_cli([*args, "--format", "json"])


# --------------------------------------------------------------------------- atomic writes

#: Commands that write a file, with the file they write (relative to the folder they run in).
WRITERS = [
    (["schema", "-o", "out.json"], "out.json"),
    (["render", "--focus", "gallium", "--depth", "1", "-o", "out.svg"], "out.svg"),
    (["render", "--focus", "gallium", "--depth", "1", "-o", "out.png"], "out.png"),
    (["render", "china", "gallium", "--timeline", "-o", "out.pdf"], "out.pdf"),
    (["render", "-o", "out.dot"], "out.dot"),
    (["render", "-o", "out.graphml"], "out.graphml"),
    (["render", "-o", "out.gexf"], "out.gexf"),
    (["what-if", "china", "gallium", "--render", "out.svg"], "out.svg"),
    (["import", "usgs", "usgs.csv", "-o", "out.yaml"], "out.yaml"),
    (["import", "usgs", "usgs.csv", "-o", "tables/"], "tables/nodes.csv"),
]
WRITER_IDS = [" ".join(args[:2]) + " " + target for args, target in WRITERS]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to run in, with a small USGS table, and old versions of every output."""
    (tmp_path / "usgs.csv").write_text(USGS_CSV, encoding="utf-8")
    (tmp_path / "tables").mkdir()
    for _, target in WRITERS:
        (tmp_path / target).write_bytes(b"old content\n")
    for name in ("edges.csv", "sources.csv"):
        (tmp_path / "tables" / name).write_bytes(b"old content\n")
    # The old tables are an earlier import's: its manifest lists them (graph.files.write_folder),
    # so they may be replaced; a folder of anyone else's tables is refused (tests/test_files.py).
    old = hashlib.sha256(b"old content\n").hexdigest()
    manifest = {name: old for name in ("nodes.csv", "edges.csv", "sources.csv")}
    (tmp_path / "tables" / ".chokegraph-written.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writers_replace_the_old_file(workdir: Path):
    before = tree_digest(workdir)
    for args, target in WRITERS:
        code, _, err = run_cli(args)
        assert code == 0, (args, err)
        assert (workdir / target).read_bytes() != b"old content\n", args
    after = tree_digest(workdir)
    # Nothing but the outputs asked for: no temporary files, nothing else.
    assert set(after) == set(before)


def test_a_replaced_file_keeps_its_permissions(workdir: Path):
    (workdir / "out.json").chmod(0o600)
    assert run_cli(["schema", "-o", "out.json"])[0] == 0
    assert (workdir / "out.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("args", "target"), WRITERS, ids=WRITER_IDS)
def test_failed_rename_leaves_the_old_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], target: str
):
    before = tree_digest(workdir)

    def broken_replace(src, dst, **kwargs):
        raise OSError(errno.EIO, "Input/output error", str(dst))

    monkeypatch.setattr(os, "replace", broken_replace)
    code, out, err = run_cli(args)
    assert code == 2
    assert out == "" or args[0] == "what-if"  # what-if prints its answer, then draws
    assert err.splitlines()[-1] == f"error: cannot write {target}: Input/output error"
    assert "Traceback" not in err
    assert tree_digest(workdir) == before  # old file intact, no temporary file left


@pytest.mark.parametrize(
    ("args", "target"), WRITERS[:2] + WRITERS[-2:], ids=WRITER_IDS[:2] + WRITER_IDS[-2:]
)
def test_full_disk_leaves_the_old_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], target: str
):
    before = tree_digest(workdir)

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    code, _, err = run_cli(args)
    assert code == 2
    assert err.splitlines()[-1] == f"error: cannot write {target}: No space left on device"
    assert tree_digest(workdir) == before


def test_interrupted_write_leaves_no_temporary_file(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    before = tree_digest(workdir)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    code, _, err = run_cli(["schema", "-o", "out.json"])
    assert (code, err.strip()) == (2, "error: aborted")
    assert tree_digest(workdir) == before


def test_failed_drawing_leaves_the_old_file(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    from matplotlib.figure import Figure

    before = tree_digest(workdir)

    def broken_savefig(self, *args, **kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    code, _, err = run_cli(["render", "--focus", "gallium", "-o", "out.svg"])
    assert code == 1 and "RuntimeError: the renderer broke" in err
    assert tree_digest(workdir) == before


def test_nothing_is_written_into_the_bundled_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seeds = graph.bundled_path()
    before = tree_digest(seeds)
    (tmp_path / "usgs.csv").write_text(USGS_CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    commands = [
        ["validate"],
        ["what-if", "china", "gallium", "--day", "30"],
        ["what-if", "--scenario", "2025-graphite", "--format", "csv"],
        ["remove", "chn"],
        ["chokepoints", "--top", "3"],
        ["exposure", "japan"],
        ["concentration", "gallium"],
        ["show", "gallium"],
        ["schema"],
        ["schema", "-o", "schema.json"],
        ["render", "--focus", "gallium", "-o", "gallium.svg"],
        ["render", "-o", "graph.graphml"],
        ["what-if", "china", "gallium", "--render", "what-if.dot"],
        ["import", "usgs", "usgs.csv"],
        ["import", "usgs", "usgs.csv", "-o", "usgs.yaml"],
        ["import", "usgs", "usgs.csv", "-o", "usgs-tables/"],
    ]
    for args in commands:
        code, _, err = run_cli(args)
        assert code == 0, (args, err)
    assert tree_digest(seeds) == before
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == [
        "gallium.svg",
        "graph.graphml",
        "schema.json",
        "usgs-tables",
        "usgs-tables/.chokegraph-written.json",
        "usgs-tables/edges.csv",
        "usgs-tables/nodes.csv",
        "usgs-tables/sources.csv",
        "usgs.csv",
        "usgs.yaml",
        "what-if.dot",
    ]


# --------------------------------------------------------------------------- internal errors


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_internal_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch):
    import graph.describe

    monkeypatch.setattr(graph.describe, "summary", _boom)
    code, out, err = run_cli(["validate"])
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith("error: internal error (RuntimeError: boom)")
    assert "please report it" in line and "chokegraph --debug" in line


def test_internal_error_deep_in_the_engine(monkeypatch: pytest.MonkeyPatch):
    import analysis.engine

    monkeypatch.setattr(analysis.engine, "edge_keep", _boom)
    code, out, err = run_cli(["what-if", "china", "gallium"])
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and "RuntimeError: boom" in err and "--debug" in err


def test_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch):
    import graph.describe

    monkeypatch.setattr(graph.describe, "summary", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        run_cli(["--debug", "validate"])


def test_debug_does_not_change_bad_input(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [\n", encoding="utf-8")
    plain = run_cli(["validate", str(bad)])
    assert plain[0] == 2
    assert run_cli(["--debug", "validate", str(bad)]) == plain


def test_the_process_shows_a_traceback_only_under_debug(tmp_path: Path):
    patch = (
        "import graph.describe\n"
        "def boom(G): raise RuntimeError('boom')\n"
        "graph.describe.summary = boom"
    )
    quiet = python_cli(["validate"], cwd=tmp_path, code=patch)
    assert quiet.returncode == 1
    assert b"Traceback" not in quiet.stderr and len(quiet.stderr.splitlines()) == 1
    loud = python_cli(["--debug", "validate"], cwd=tmp_path, code=patch)
    assert loud.returncode == 1
    assert b"Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.rstrip().endswith(b"RuntimeError: boom")


def test_the_process_reports_bad_input_without_traceback(tmp_path: Path):
    (tmp_path / "bad.yaml").write_bytes(b"nodes:\n  - {id: chn, kind: \xff}\n")
    done = python_cli(["validate", "bad.yaml"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr == (
        b"bad.yaml:2:21: error: not UTF-8: byte 0xff at offset 27; save the file as UTF-8\n"
    )


# --------------------------------------------------------------------------- paths

DATASET = """\
nodes:
  - {id: chn, kind: country, name: China}
  - {id: gallium, kind: mineral}
edges:
  - {from: chn, to: gallium, share: 0.98}
"""
BROKEN = "nodes:\n  - {id: kor, kind: cuntry}\n"
KIND_ERROR = (
    ":2:21: error: node kind 'cuntry' must be one of country, mineral, refiner, component, "
    "industry (did you mean 'country'?)"
)


@pytest.mark.parametrize("folder", ["data", "my data", "données ünï", "a/b/c"])
def test_paths_with_spaces_accents_and_depth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
):
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / "ok.yaml").write_text(DATASET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_cli(["validate", folder])[0] == 0
    code, out, _ = run_cli(["what-if", "china", "gallium", "--data", folder, "--format", "json"])
    assert code == 0 and json.loads(out)["provenance"]["path"] == folder
    (tmp_path / folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    # Relative as given, absolute as given, with a trailing slash: the message names the file.
    assert run_cli(["validate", folder]) == (2, "", f"{folder}/broken.yaml{KIND_ERROR}\n")
    absolute = str(tmp_path / folder)
    assert run_cli(["validate", absolute]) == (2, "", f"{absolute}/broken.yaml{KIND_ERROR}\n")
    assert run_cli(["validate", folder + "/"]) == (2, "", f"{folder}/broken.yaml{KIND_ERROR}\n")


def test_one_file_and_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "real.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    monkeypatch.chdir(tmp_path)
    assert run_cli(["validate", "real.yaml"]) == (2, "", f"real.yaml{KIND_ERROR}\n")
    assert run_cli(["validate", "link.yaml"]) == (2, "", f"link.yaml{KIND_ERROR}\n")


def test_hidden_files_and_scenarios_are_not_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "data" / "scenarios").mkdir(parents=True)
    (tmp_path / "data" / ".hidden").mkdir()
    (tmp_path / "data" / "ok.yaml").write_text(DATASET, encoding="utf-8")
    (tmp_path / "data" / ".draft.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "data" / ".hidden" / "x.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "data" / "scenarios" / "s.yaml").write_text("id: s\n", encoding="utf-8")
    (tmp_path / "data" / "notes.txt").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_cli(["validate", "data"]) == (
        0,
        "ok: 2 nodes (1 country, 1 mineral), 1 edge, 0 sources\n",
        "",
    )


# --------------------------------------------------------------------------- scenario files

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
#: Every command line that reads a scenario file the user names (NAME is the file).
SCENARIO_READERS = [
    ["what-if", "--scenario", "NAME"],
    ["render", "--scenario", "NAME", "-o", "out.svg"],
    ["compare", "--scenario", "NAME", "--scenario", "2023-gallium-germanium"],
    ["render", "--compare", "2023-gallium-germanium", "--compare", "NAME", "-o", "out.svg"],
]
SCENARIO_IDS = [" ".join(a[:2]) for a in SCENARIO_READERS]


def _with(args: list[str], name: str) -> list[str]:
    return [name if a == "NAME" else a for a in args]


@needs_fifo
@pytest.mark.parametrize("args", SCENARIO_READERS, ids=SCENARIO_IDS)
@pytest.mark.parametrize("name", ["s.yaml", "s"])
def test_a_scenario_that_is_a_named_pipe_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], name: str
):
    monkeypatch.chdir(tmp_path)
    os.mkfifo(name)  # no writer: a plain open() would wait for ever
    assert run_cli(_with(args, name)) == (
        2,
        "",
        f"error: cannot read {name}: it is a named pipe (FIFO), not a regular file\n",
    )
    assert not (tmp_path / "out.svg").exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("args", SCENARIO_READERS, ids=SCENARIO_IDS)
def test_a_scenario_linked_to_an_endless_device_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
):
    monkeypatch.chdir(tmp_path)
    Path("z.yaml").symlink_to("/dev/zero")
    assert run_cli(_with(args, "z.yaml")) == (
        2,
        "",
        "error: cannot read z.yaml: it is a device, not a regular file\n",
    )


@pytest.mark.parametrize("args", SCENARIO_READERS, ids=SCENARIO_IDS)
def test_a_scenario_that_is_a_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
):
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").mkdir()
    assert run_cli(_with(args, "s.yaml")) == (
        2,
        "",
        "error: cannot read s.yaml: it is a folder, not a regular file\n",
    )


def test_a_scenario_over_the_size_limit_names_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    body = "restrictions:\n  - {by: chn, commodities: gallium}\n"
    Path("big.yaml").write_text(body + "# " + "x" * 3000 + "\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEGRAPH_MAX_FILE_MB", "0.001")  # 1,000 bytes; the file has 3,054
    assert run_cli(["what-if", "--scenario", "big.yaml"]) == (
        2,
        "",
        "error: cannot read big.yaml: it is larger than the limit of 0.001 MB for one "
        "file; set CHOKEGRAPH_MAX_FILE_MB to raise it\n",
    )
    monkeypatch.setenv("CHOKEGRAPH_MAX_FILE_MB", "1")
    assert run_cli(["what-if", "--scenario", "big.yaml"])[0] == 0


def test_a_folder_named_like_a_bundled_scenario_does_not_hide_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A user keeps a scenario's pictures in a folder of its name: the id still names the scenario.
    expected = run_cli(["what-if", "--scenario", "2023-gallium-germanium", "--format", "json"])
    monkeypatch.chdir(tmp_path)
    Path("2023-gallium-germanium").mkdir()
    got = run_cli(["what-if", "--scenario", "2023-gallium-germanium", "--format", "json"])
    assert got[0] == 0
    assert without_provenance(got[1]) == without_provenance(expected[1])


@needs_fifo
def test_a_file_named_like_a_bundled_scenario_is_the_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A file the user made takes precedence over a bundled id, as before: even when it is a pipe.
    monkeypatch.chdir(tmp_path)
    os.mkfifo("2025-graphite")
    assert run_cli(["what-if", "--scenario", "2025-graphite"]) == (
        2,
        "",
        "error: cannot read 2025-graphite: it is a named pipe (FIFO), not a regular file\n",
    )


@needs_fifo
def test_an_mrio_system_holding_a_named_pipe_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    pytest.importorskip("pymrio", reason="needs the mrio extra (pymrio)")
    monkeypatch.chdir(tmp_path)
    Path("sys").mkdir()
    os.mkfifo("sys/Z.txt")
    assert run_cli(["import", "mrio", "sys"]) == (
        2,
        "",
        "error: cannot read sys/Z.txt: it is a named pipe (FIFO), not a regular file\n",
    )


@needs_fifo
def test_a_geopolrisk_database_that_is_a_named_pipe_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    Path("lib").mkdir()
    os.mkfifo("lib/wgi.db")
    args = ["import", "geopolrisk", "lib", "--year", "2022", "--material", "Nickel"]
    assert run_cli(args) == (
        2,
        "",
        "error: cannot read lib/wgi.db: it is a named pipe (FIFO), not a regular file\n",
    )


# --------------------------------------------------------------------------- no command


@pytest.mark.parametrize(("args", "usage"), [([], "chokegraph"), (["import"], "chokegraph import")])
def test_no_command_shows_the_help(args: list[str], usage: str):
    code, out, err = run_cli(args)
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: {usage} [OPTIONS] COMMAND [ARGS]...\n")
    assert "Commands:" in out
