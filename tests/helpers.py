"""Shared helpers for the tests: run the command line in-process."""

from __future__ import annotations

import contextlib
import io

import graph
from analysis.cli import main
from graph.yamlio import parse


def dataset(text: str, path: str = "<test>"):
    """Build a graph from YAML text, read as chokegraph reads its files."""
    doc, problem = parse(text, path)
    assert problem is None, problem
    return graph.from_dict(doc.data, path=path)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run ``chokegraph ARGS`` in this process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
    return code, out.getvalue(), err.getvalue()
