"""The options the commands share, and how a result is printed."""

from __future__ import annotations

import functools
import importlib
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

    return graph.load(data, lazy=True)


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


force_option = click.option(
    "--force",
    is_flag=True,
    help="Replace an output folder that holds files chokegraph did not write there.",
)


def error_lines(exc: ChokegraphError) -> list[str]:
    """The lines of an error as printed: ``FILE:LINE:COL: error: ...`` or ``error: ...``."""
    return [line if ": error: " in line else f"error: {line}" for line in str(exc).splitlines()]
