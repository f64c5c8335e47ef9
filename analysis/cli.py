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


def scenario_options(f: Callable) -> Callable:
    """The options that describe a scenario (shared by what-if and render)."""
    options = [
        click.argument("country", required=False),
        click.argument("commodities", nargs=-1),
        click.option(
            "--to",
            "to",
            multiple=True,
            metavar="COUNTRY",
            help="Only restrict sales to this country (repeatable; default: everyone).",
        ),
        click.option(
            "--severity",
            type=float,
            default=1.0,
            show_default=True,
            help="Fraction of the flow held back, in (0, 1].",
        ),
        click.option(
            "--start-day",
            type=int,
            default=0,
            show_default=True,
            help="Day the restriction starts.",
        ),
        click.option(
            "--scenario",
            "scenario_name",
            metavar="NAME_OR_FILE",
            help="A bundled scenario id or a scenario YAML file, instead of COUNTRY COMMODITY...",
        ),
        click.option(
            "--remove", "remove_nodes", multiple=True, metavar="NODE", help="Also remove this node."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def days_options(f: Callable) -> Callable:
    """``--day`` and ``--horizon``."""
    f = click.option(
        "--horizon", type=int, default=365, show_default=True, help="Days in the timeline."
    )(f)
    return click.option(
        "--day", type=int, default=None, help="Also report the shortfall on day T."
    )(f)


def top_option(f: Callable) -> Callable:
    """``--top N``."""
    return click.option("--top", type=int, default=None, help="Show only the first N rows.")(f)


def build_scenario(
    *,
    country: str | None,
    commodities: tuple[str, ...],
    to: tuple[str, ...],
    severity: float,
    start_day: int,
    scenario_name: str | None,
    remove_nodes: tuple[str, ...] = (),
    day: int | None = None,
    horizon: int = 365,
):
    """Turn scenario options into a ``Scenario`` (names are resolved later)."""
    from dataclasses import replace

    from analysis.scenario import Restriction, Scenario, load_scenario

    if day is not None and day < 0:
        raise click.BadParameter(f"must be 0 or more, got {day}", param_hint="--day")
    if horizon < 0:
        raise click.BadParameter(f"must be 0 or more, got {horizon}", param_hint="--horizon")
    if scenario_name:
        if country or commodities:
            raise click.UsageError("give either --scenario or COUNTRY COMMODITY..., not both")
        scenario = load_scenario(scenario_name)
        removed = tuple(scenario.removed) + tuple(remove_nodes)
        return replace(scenario, removed=removed, day=day, horizon=horizon)
    restrictions = ()
    if country:
        if not commodities:
            raise click.UsageError("name at least one COMMODITY (or 'all') after the country")
        restrictions = (
            Restriction(
                by=country,
                commodities=commodities,
                to=to or None,
                severity=severity,
                start_day=start_day,
            ),
        )
    elif not remove_nodes:
        raise click.UsageError("give COUNTRY COMMODITY..., --scenario NAME, or --remove NODE")
    return Scenario(restrictions=restrictions, removed=remove_nodes, horizon=horizon, day=day)


def print_what_if(result, fmt: str, top: int | None) -> None:
    """Print a ``WhatIf`` result in the chosen format."""
    from analysis.output import render
    from analysis.whatif import format_usd

    records = result.records[:top] if top is not None else result.records
    obj = result.to_json()
    obj["impacts"] = obj["impacts"][: len(records)]
    if fmt == "table":
        rows = [
            {
                "name": r["name"],
                "kind": r["kind"],
                "country": r["country"] or "",
                "shortfall": f"{100 * r['shortfall']:.1f}%",
                "days": "never" if r["days_to_impact"] is None else r["days_to_impact"],
                "on_day": ""
                if r["shortfall_on_day"] is None
                else f"{100 * r['shortfall_on_day']:.1f}%",
                "value": "" if r["value_at_risk"] is None else format_usd(r["value_at_risk"]),
                "via": " -> ".join(r["via"]),
            }
            for r in records
        ]
        columns = ["name", "kind", "country", "shortfall", "days", "value", "via"]
        headers = ["name", "kind", "country", "shortfall", "days to impact", "value at risk", "via"]
        if result.scenario.day is not None:
            columns.insert(5, "on_day")
            headers.insert(5, f"on day {result.scenario.day}")
        echo(result.headline())
        if rows:
            echo(render("table", json_obj=obj, records=rows, columns=columns, headers=headers))
        return
    columns = list(obj["impacts"][0]) if obj["impacts"] else ["node", "shortfall"]
    echo(render(fmt, json_obj=obj, records=records, columns=columns, title=result.headline()))


@cli.command("what-if")
@scenario_options
@days_options
@top_option
@format_option
@data_option
def what_if_command(
    country: str | None,
    commodities: tuple[str, ...],
    to: tuple[str, ...],
    severity: float,
    start_day: int,
    scenario_name: str | None,
    remove_nodes: tuple[str, ...],
    day: int | None,
    horizon: int,
    top: int | None,
    fmt: str,
    data: str | None,
) -> None:
    """What happens downstream when COUNTRY restricts COMMODITY... (or a --scenario).

    COMMODITY is a commodity, a group (rare-earths, graphite) or 'all'.

    Example: chokegraph what-if china gallium germanium --to japan
    """
    from analysis.whatif import run_scenario

    scenario = build_scenario(
        country=country,
        commodities=commodities,
        to=to,
        severity=severity,
        start_day=start_day,
        scenario_name=scenario_name,
        remove_nodes=remove_nodes,
        day=day,
        horizon=horizon,
    )
    G = load_data(data)
    print_what_if(run_scenario(G, scenario), fmt.lower(), top)


@cli.command("remove")
@click.argument("nodes", nargs=-1, required=True)
@days_options
@top_option
@format_option
@data_option
def remove_command(
    nodes: tuple[str, ...],
    day: int | None,
    horizon: int,
    top: int | None,
    fmt: str,
    data: str | None,
) -> None:
    """What happens downstream when NODE... stop supplying for good.

    Removing a country removes only what it supplies directly.

    Example: chokegraph remove chn-ree-refining
    """
    from analysis.whatif import run_scenario

    scenario = build_scenario(
        country=None,
        commodities=(),
        to=(),
        severity=1.0,
        start_day=0,
        scenario_name=None,
        remove_nodes=tuple(nodes),
        day=day,
        horizon=horizon,
    )
    G = load_data(data)
    print_what_if(run_scenario(G, scenario), fmt.lower(), top)


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
