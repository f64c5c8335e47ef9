"""The ``chokegraph`` command line: a thin layer over the library.

Results go to stdout, messages to stderr. A ``ChokegraphError`` (bad input the
user can fix) becomes ``error: ...`` lines and exit code 2; anything else is
an internal error, exit code 1, with the traceback only under ``--debug``.
Heavy libraries are imported inside the commands, so that start-up stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from graph.errors import ChokegraphError

FORMAT_CHOICE = click.Choice(["table", "json", "csv", "markdown"], case_sensitive=False)


def data_option(f: Callable) -> Callable:
    """``--data PATH``: the dataset to use (default: the bundled one)."""
    return click.option(
        "--data",
        "data",
        type=click.Path(path_type=str),
        default=None,
        help="Dataset: a YAML file, or a folder of YAML files or tables (default: bundled).",
    )(f)


def format_option(f: Callable) -> Callable:
    """``--format table|json|csv|markdown``."""
    return click.option(
        "--format",
        "fmt",
        type=FORMAT_CHOICE,
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def load_data(data: str | None):
    """Load the dataset named by ``--data`` (the bundled one by default)."""
    import graph

    return graph.load(data)


def echo(text: str) -> None:
    """Write a result to stdout (no extra newline when it has one)."""
    click.echo(text, nl=not text.endswith("\n"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.version_option(package_name="chokegraph")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Map critical-mineral supply chains: chokepoints and what-ifs."""
    ctx.obj = {"debug": debug}


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code (0 ok, 2 bad input, 1 internal)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="chokegraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:  # usage errors: bad options, missing arguments
        message = exc.format_message()
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {message}{hint}", err=True)
        sys.exit(2)
    except ChokegraphError as exc:
        for line in str(exc).splitlines():
            click.echo(line if ": error: " in line else f"error: {line}", err=True)
        sys.exit(2)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "chokegraph: please report it, with the output of the same command run "
            "with 'chokegraph --debug ...'.",
            err=True,
        )
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
