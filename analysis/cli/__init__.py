"""The ``chokegraph`` command line: a thin layer over the library.

Each command turns its options into one library call and prints the result
with the formatter of ``--format`` (``analysis.output.Format``); the scenario
options of what-if, remove and render are one set (``scenario_options``),
handed to the command as one ``ScenarioOptions``. Results go to stdout,
messages to stderr. A ``ChokegraphError`` (bad input the user can fix) becomes
``error: ...`` lines and exit code 2; anything else is an internal error, exit
code 1, with the traceback only under ``--debug``. Heavy libraries are
imported inside the commands, so that start-up stays fast.

The commands live by what they work on: ``scenarios`` (what-if, remove,
render), ``datasets`` (validate, show, list, convert, schema, compare and
the rankings), ``importing`` (import ..., risk); ``options`` holds what they
share (the option sets, ``ScenarioOptions``, printing a result). This module
makes the group, adds every command to it, and runs it (``main``).
"""

from __future__ import annotations

import contextlib
import io
import sys

import click

from analysis.cli import datasets, importing, scenarios
from analysis.cli.options import ScenarioOptions, error_lines, scenario_options
from graph.errors import ChokegraphError

__all__ = ["ScenarioOptions", "cli", "main", "scenario_options"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.version_option(package_name="chokegraph")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Map critical-mineral supply chains: chokepoints and what-ifs."""
    ctx.obj = {"debug": debug}


for _command in (
    scenarios.what_if_command,
    scenarios.remove_command,
    scenarios.render_command,
    importing.import_group,
    importing.risk_command,
    datasets.compare_command,
    datasets.validate_command,
    datasets.list_command,
    datasets.convert_command,
    datasets.show_command,
    datasets.schema_command,
    datasets.chokepoints_command,
    datasets.exposure_command,
    datasets.concentration_command,
):
    cli.add_command(_command)


#: Click 8.2+ raises this for a group called without a command; older versions print the help.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _tolerant_streams() -> None:
    """Let stdout and stderr print any name, whatever the terminal's encoding.

    A terminal that is not UTF-8 (``LANG=C``, ``PYTHONIOENCODING=latin-1``)
    shows a character it cannot encode as ``?`` instead of failing.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="replace")


def _quiet_broken_pipe() -> None:
    """The reader of stdout has gone (``| head -1``): stop quietly, exit code 0.

    What is still buffered goes nowhere, so that Python's own flush at exit
    does not complain about the pipe again.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        pass  # not a real file (a test's StringIO): nothing is left to flush


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code (0 ok, 2 bad input, 1 internal)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    _tolerant_streams()
    try:
        cli.main(args=args, prog_name="chokegraph", standalone_mode=False)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(2)
    except _NO_ARGS_IS_HELP as exc:  # a bare 'chokegraph' (or 'chokegraph import'): the help
        click.echo(exc.ctx.get_help())
        sys.exit(0)
    except click.ClickException as exc:  # usage errors: bad options, missing arguments
        message = exc.format_message()
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {message}{hint}", err=True)
        sys.exit(2)
    except ChokegraphError as exc:
        for line in error_lines(exc):
            click.echo(line, err=True)
        sys.exit(2)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    except KeyboardInterrupt:
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
