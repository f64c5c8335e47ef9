"""Bad input never crashes chokegraph: a corpus of broken files and command lines.

Each folder of ``tests/bad_inputs/`` is one case (see its README.md): the
input files, ``expected.txt`` with the exact lines chokegraph must print on
stderr, and optionally ``args.txt`` with the command line (default:
``validate`` on the one input of the folder). Every case must exit with code
2, print nothing on stdout, print each problem as ``FILE:LINE:COL: error:``
or ``error:``, and never a traceback.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import run_cli

import graph
from graph.errors import ChokegraphError, DataError

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
NOT_INPUTS = {"expected.txt", "args.txt"}
LOCATED = re.compile(r"^\S[^:]*:[1-9]\d*:[1-9]\d*: error: \S")
UNLOCATED = re.compile(r"^error: \S")


def _permissions_enforced() -> bool:
    """Whether a file with no permissions is unreadable here (not so for root)."""
    if not hasattr(os, "geteuid"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x", encoding="utf-8")
        probe.chmod(0)
        try:
            probe.read_text(encoding="utf-8")
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


def case_args(folder: Path) -> list[str]:
    """The command line of a case: ``args.txt``, or ``validate`` on its one input."""
    args = folder / "args.txt"
    if args.is_file():
        return shlex.split(args.read_text(encoding="utf-8"))
    inputs = sorted(p.name for p in folder.iterdir() if p.name not in NOT_INPUTS)
    assert len(inputs) == 1, f"{folder.name}: give args.txt, or exactly one input"
    return ["validate", inputs[0]]


def run_case(folder: Path, work: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run a case in a copy of its folder (so that nothing is written into tests/)."""
    shutil.copytree(folder, work)
    monkeypatch.chdir(work)
    return run_cli(case_args(work))


def test_the_corpus_is_large():
    assert len(CASES) >= 40
    for case in CASES:
        assert re.fullmatch(r"\d{3}-[a-z0-9-]+", case.name), case.name
        assert (case / "expected.txt").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    code, out, err = run_case(case, tmp_path / case.name, monkeypatch)
    assert "Traceback" not in err
    assert code == 2, err
    assert out == ""
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert err.splitlines() == expected
    for line in expected:
        assert LOCATED.match(line) or UNLOCATED.match(line), line


def _validates_data(case: Path) -> bool:
    args = case_args(case)
    return args[0] == "validate" and (case / args[1]).exists() and not args[1].endswith(".csv")


DATA_CASES = [c for c in CASES if _validates_data(c)]


@pytest.mark.parametrize("case", DATA_CASES, ids=[c.name for c in DATA_CASES])
def test_data_errors_are_located(case: Path):
    """A case that validates data files names a file, line and column in every line."""
    args = case_args(case)
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    whole_folder = [ln for ln in lines if UNLOCATED.match(ln)]
    # Only problems of the folder as a whole (no data files, a table missing) are unlocated.
    assert all("holds" in ln for ln in whole_folder), whole_folder
    for line in lines:
        if LOCATED.match(line):
            assert line.startswith(args[1]), line


# --------------------------------------------------------------------------- not bad input


def test_an_empty_file_is_an_empty_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Documented in graph.load: an empty file (or one of comments) is no error.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "empty.yaml").write_bytes(b"")
    (tmp_path / "data" / "comments.yml").write_text("# nothing yet\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_cli(["validate", "data"]) == (0, "ok: 0 nodes, 0 edges, 0 sources\n", "")


def test_anchors_without_aliases_are_accepted(tmp_path: Path):
    path = tmp_path / "data.yaml"
    path.write_text("nodes:\n  - &china {id: chn, kind: country}\n", encoding="utf-8")
    assert list(graph.load(path)) == ["chn"]


# --------------------------------------------------------------------------- more shapes


@pytest.mark.parametrize(
    "text",
    [
        "nodes: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "nodes: " + "[" * 100_000 + "\n",  # never closed
        "nodes: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n",
        "".join(" " * i + "- \n" for i in range(5_000)),  # block style
    ],
    ids=["flow-lists", "unclosed", "mappings", "block-lists"],
)
def test_very_deep_nesting_is_a_located_error(tmp_path: Path, text: str):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        graph.load(path)
    [problem] = info.value.problems
    assert problem.path == str(path) and problem.line >= 1 and problem.col >= 1
    assert "nesting deeper than" in problem.message or "YAML syntax error" in problem.message


def test_deep_nesting_under_a_low_recursion_limit(tmp_path: Path):
    # Even where Python's stack is small, the answer is an error, not a RecursionError.
    path = tmp_path / "deep.yaml"
    path.write_text("nodes: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(DataError):
            graph.load(path)
    finally:
        sys.setrecursionlimit(limit)


def test_all_errors_of_a_folder_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # A syntax error in one file does not hide the problems of the others.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.yaml").write_text("nodes: [\n", encoding="utf-8")
    (tmp_path / "data" / "b.yaml").write_bytes(b"nodes:\n  - {id: \xff}\n")
    (tmp_path / "data" / "c.yaml").write_text("nodes:\n  - {id: x, kind: k}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["validate", "data"])
    assert (code, out) == (2, "")
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "data/a.yaml",
        "data/b.yaml",
        "data/c.yaml",
    ]


# --------------------------------------------------------------------------- permissions

needs_permissions = pytest.mark.skipif(
    not _permissions_enforced(),
    reason="file permissions are not enforced: running as root (uid "
    f"{os.geteuid() if hasattr(os, 'geteuid') else '?'}), which reads and writes anything",
)


@needs_permissions
def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "data").mkdir()
    secret = tmp_path / "data" / "secret.yaml"
    secret.write_text("nodes: []\n", encoding="utf-8")
    secret.chmod(0)
    monkeypatch.chdir(tmp_path)
    try:
        code, out, err = run_cli(["validate", "data"])
    finally:
        secret.chmod(0o644)
    assert (code, out) == (2, "")
    assert err == "error: cannot read data/secret.yaml: Permission denied\n"


@needs_permissions
def test_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inner = tmp_path / "data" / "inner"
    inner.mkdir(parents=True)
    (inner / "a.yaml").write_text("nodes: []\n", encoding="utf-8")
    inner.chmod(0)
    monkeypatch.chdir(tmp_path)
    try:
        code, out, err = run_cli(["validate", "data"])
    finally:
        inner.chmod(0o755)
    assert (code, out) == (2, "")
    assert err == "error: cannot read data/inner: Permission denied\n"


@needs_permissions
@pytest.mark.parametrize(
    "args",
    [
        ["schema", "-o", "locked/schema.json"],
        ["render", "--focus", "gallium", "-o", "locked/gallium.svg"],
        ["render", "--focus", "gallium", "-o", "locked/gallium.dot"],
    ],
    ids=["schema", "render-svg", "render-dot"],
)
def test_folder_without_write_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    monkeypatch.chdir(tmp_path)
    try:
        code, out, err = run_cli(args)
    finally:
        locked.chmod(0o755)
    assert (code, out) == (2, "")
    assert err == f"error: cannot write {args[-1]}: Permission denied\n"
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "args",
    [["schema", "-o", "/proc/chokegraph-schema.json"], ["render", "-o", "/proc/chokegraph.dot"]],
    ids=["schema", "render"],
)
def test_folder_that_takes_no_files(args: list[str]):
    # /proc refuses new files even to root: a write error without any chmod.
    code, out, err = run_cli(args)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: cannot write {args[-1]}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


# --------------------------------------------------------------------------- the Python API


def test_python_api_raises_user_errors_only(tmp_path: Path):
    # What the CLI reports as exit 2 is a ChokegraphError in Python, with the same lines.
    case = CORPUS / "062-many-errors-one-run"
    with pytest.raises(DataError) as info:
        graph.load(case / "data.yaml")
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert str(info.value).splitlines() == [
        line.replace("data.yaml", str(case / "data.yaml")) for line in expected
    ]
    with pytest.raises(ChokegraphError, match="does not exist"):
        graph.load(tmp_path / "missing")


# --------------------------------------------------------------------------- table lines


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_table_rows_keep_their_lines(tmp_path: Path, newline: str):
    # Line 1 header; 2-3 a name over two lines; 4 blank; 5 jpn; 6 blank; 7 a bad kind.
    rows = ["id,kind,name", 'chn,country,"China', 'PRC"', "", "jpn,country,Japan", ""]
    (tmp_path / "nodes.csv").write_bytes(newline.join(rows).encode())
    (tmp_path / "edges.csv").write_text("from,to\n", encoding="utf-8")
    G = graph.load(tmp_path)
    assert G.nodes["chn"]["name"] == f"China{newline}PRC"
    assert G.nodes["chn"]["where"] == f"{tmp_path}/nodes.csv:2:1"
    assert G.nodes["jpn"]["where"] == f"{tmp_path}/nodes.csv:5:1"
    with (tmp_path / "nodes.csv").open("ab") as fh:
        fh.write(f"{newline}x,cuntry,X{newline}".encode())
    with pytest.raises(DataError) as info:
        graph.load(tmp_path)
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (7, 2)
