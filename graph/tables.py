"""Read the tabular form of a dataset: ``nodes``, ``edges``, ``sources``, ``groups``.

A folder holding ``nodes.csv`` (or ``nodes.parquet``) is a dataset in tables:

- ``nodes`` (required): one row per node; columns are the node fields of
  ``graph.schema.Node``; ``id`` and ``kind`` are required. ``inputs`` holds
  JSON text, e.g. ``{"gallium": {"dependence": 0.8, "stockpile_days": 42}}``.
- ``edges`` (required): one row per edge; ``from`` and ``to`` are required.
  ``range`` holds JSON text ``[low, high]``, e.g. ``[0.4, 0.42]``.
- ``sources`` (optional): one row per source, columns of ``graph.schema.Source``.
- ``groups`` (optional): one row per member, columns ``group`` and ``member``.

An empty cell means the field is absent. Each table is a ``.csv`` (UTF-8,
comma-separated, header row) or a ``.parquet`` file, not both. In a CSV
file every cell is text; numbers are parsed from it. In a parquet file,
numeric columns may also be typed, and a null is an empty cell.

The rows go through the same rules as YAML (``graph.validate``). A problem
names the file, the row's line in the file (the header is line 1) and the
column's position. In a CSV file, blank lines are skipped (a row of empty
cells, such as ``,,``, is a row, and an error); a quoted cell may span
several lines; a row with more cells than the header has columns is an
error, one with fewer leaves the missing cells empty.

Everything is done a column at a time: a table of a million edges is read
without a Python object per row beyond the values themselves.
"""

from __future__ import annotations

import csv
import io
import json
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError, Problem
from graph.files import read_regular
from graph.lookup import did_you_mean
from graph.records import (
    EDGE_FIELDS,
    GROUP_FIELDS,
    NODE_FIELDS,
    SOURCE_FIELDS,
    Columns,
    Dataset,
    TableLocator,
    record_problems,
)
from graph.schema import Edge, Node, Source, nested, numbers, whole_numbers
from graph.yamlio import MAX_DEPTH, bad_character, decode

TABLES = ("nodes", "edges", "sources", "groups")
FORMATS = (".csv", ".parquet")
#: Columns every table must have, and (``FILLED``) that no row may leave empty;
#: an empty ``member`` is a group with no members.
REQUIRED = {
    "nodes": ("id", "kind"),
    "edges": ("from", "to"),
    "sources": ("id",),
    "groups": GROUP_FIELDS,
}
FILLED = {**REQUIRED, "groups": ("group",)}
COLUMNS = {
    "nodes": NODE_FIELDS,
    "edges": tuple(f for f in EDGE_FIELDS if not f.startswith("_")),
    "sources": SOURCE_FIELDS,
    "groups": GROUP_FIELDS,
}
#: Columns read as numbers, whole numbers, and JSON text (as declared in ``graph.schema``).
NUMBER_FIELDS = {*numbers(Node), *numbers(Edge)}
INT_FIELDS = {*whole_numbers(Source), *whole_numbers(Node), *whole_numbers(Edge)}
JSON_FIELDS = {**dict.fromkeys(nested(Node), Node), **dict.fromkeys(nested(Edge), Edge)}
_EXAMPLES = {"inputs": '{"gallium": {"dependence": 0.8, "stockpile_days": 42}}'}
_RANGE_EXAMPLE = "[0.4, 0.42]"


def table_files(folder: Path) -> dict[str, Path]:
    """Return the table files of a folder, by table name.

    Raises ``ChokegraphError`` when a table is given both as CSV and as
    parquet, or when ``nodes`` is there but ``edges`` is not.
    """
    found: dict[str, Path] = {}
    for name in TABLES:
        # exists(), not is_file(): a table that is a pipe or a device is an error when read.
        paths = [folder / f"{name}{s}" for s in FORMATS if (folder / f"{name}{s}").exists()]
        if len(paths) > 1:
            raise ChokegraphError(
                f"{folder} holds both {paths[0].name} and {paths[1].name}: keep one of them"
            )
        if paths:
            found[name] = paths[0]
    if "nodes" in found and "edges" not in found:
        raise ChokegraphError(
            f"{folder} holds {found['nodes'].name} but no edges table: add edges.csv "
            "(or edges.parquet), with at least the columns from and to"
        )
    return found


def read_tables(folder: Path, ds: Dataset, *, shown: str) -> list[tuple[str, bytes]]:
    """Add the tables of ``folder`` to ``ds``; return their (name, bytes) for hashing.

    ``shown`` is how the folder is named in messages.
    """
    hashed = []
    for name, path in table_files(folder).items():
        display = str(Path(shown) / path.name)
        raw = read_regular(path, shown=display)
        hashed.append((path.name, raw))
        frame, lines, problems = _read_frame(raw, path.suffix, display)
        if problems:
            ds.problems.extend(problems)
            continue
        _add_table(ds, name, frame, display, lines)
    return hashed


def _read_frame(raw: bytes, suffix: str, display: str) -> tuple[Any, Any, list[Problem]]:
    """Read one table; return ``(frame, lines, problems)``.

    ``lines`` is None when row ``i`` is on line ``i + 2``, else each row's line.
    """
    import pandas as pd

    if suffix == ".parquet":
        try:
            return pd.read_parquet(io.BytesIO(raw)), None, []
        except Exception as exc:  # pyarrow raises several types for a bad file
            return (
                None,
                None,
                [Problem(display, 1, 1, f"cannot read the parquet file ({exc}): write it again")],
            )
    text, problem = decode(raw, display)
    if problem is not None:
        return None, None, [problem]

    def fail(line: int, col: int, message: str) -> tuple[None, None, list[Problem]]:
        return None, None, [Problem(display, line, col, message)]

    try:
        header_line, header = next(_records(text))
    except StopIteration:
        return fail(1, 1, "empty table: it needs a header row of column names")
    except csv.Error as exc:
        return fail(1, 1, f"cannot read the CSV header ({exc}): fix it")
    seen: dict[str, int] = {}
    for j, column in enumerate(header):
        if not column.strip():
            return fail(
                header_line,
                j + 1,
                f"column {j + 1} has no name in the header: name it or remove it",
            )
        if column in seen:
            return fail(
                header_line,
                j + 1,
                f"column {column!r} appears twice (first as column {seen[column]}): keep one",
            )
        seen[column] = j + 1
    frame = _arrow_frame(raw, text, header)
    if frame is not None:
        return frame, None, []
    error = None
    with warnings.catch_warnings(record=True) as caught:
        # index_col=False: a row with one cell too many must not turn the
        # first column into the index and shift every value by one column.
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            # dtype=object: plain Python str cells. dtype=str makes pandas 3 build
            # string arrays first, which is slower and converted back anyway.
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=object,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
            )
        except pd.errors.ParserError as exc:
            frame, error = None, exc
    if frame is not None and not caught and _one_line_per_row(text, len(frame)):
        return frame, None, []
    # Blank lines, cells over several lines, or rows of the wrong length:
    # walk the records to find each row's line.
    try:
        rows = list(_records(text))[1:]
    except csv.Error:
        rows = None
    too_long = [
        Problem(
            display,
            line,
            len(header) + 1,
            f"this row has {len(cells)} cells but the header names {len(header)} columns: "
            "remove the extra cells, or name the column in the header",
        )
        for line, cells in rows or ()
        if len(cells) > len(header)
    ]
    if too_long:
        return None, None, too_long
    if error is not None:
        if "EOF inside string" in str(error) and rows:
            line, cells = rows[-1]
            return fail(line, len(cells), 'this quoted cell is never closed: add the closing "')
        return fail(_line_of(str(error)), 1, f"malformed CSV row: {error}; fix the row")
    if rows is None or len(rows) != len(frame):
        return frame, None, []  # cannot tell better: assume one line per row
    return frame, [line for line, _ in rows], []


def _arrow_frame(raw: bytes, text: str, header: list[str]) -> Any:
    """The table read by pyarrow's CSV reader, where installed; None to let pandas read it.

    pyarrow reads a million rows several times faster. It is used only
    where both readers give the same cells: every row on a line of its own
    with as many cells as the header has columns (anything else, pyarrow
    refuses or the line count shows, and pandas reads the file, naming each
    problem as before), and more than one column (pandas skips a line of
    blanks, which is a row of a one-column table to pyarrow).
    """
    if len(header) < 2:
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    import pandas as pd

    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.column_names != header or not _one_line_per_row(text, table.num_rows):
        return None
    return pd.DataFrame(
        {
            name: pd.Series(table.column(j).to_pylist(), dtype=object)
            for j, name in enumerate(header)
        }
    )


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` of each CSV record, skipping blank lines as pandas does."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for cells in reader:
        if cells and not (len(cells) == 1 and cells[0] and not cells[0].strip()):
            yield line, cells
        line = reader.line_num + 1


def _one_line_per_row(text: str, n: int) -> bool:
    """Whether the text has exactly one line per row after the header."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    lines = breaks + (0 if text.endswith(("\n", "\r")) else 1)
    return lines == n + 1


def _line_of(message: str) -> int:
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _add_table(ds: Dataset, name: str, frame: Any, display: str, lines: Any = None) -> None:
    import pandas as pd

    header = [str(c) for c in frame.columns]
    allowed = COLUMNS[name]
    problems = ds.problems
    for j, column in enumerate(header):
        if column not in allowed:
            problems.append(
                Problem(
                    display,
                    1,
                    j + 1,
                    f"unknown column {column!r} in {name}{did_you_mean(column, allowed)}: "
                    f"the columns of {name} are {', '.join(allowed)}",
                )
            )
    missing = [c for c in REQUIRED[name] if c not in header]
    if missing:
        problems.append(
            Problem(
                display,
                1,
                1,
                f"{name} needs the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: add {'them' if len(missing) > 1 else 'it'} to the header",
            )
        )
        return
    n = len(frame)
    locator = TableLocator(display, header, lines)
    columns: dict[str, list] = {}
    invalid = [None] * n if name == "edges" else None
    for j, column in enumerate(header):
        if column not in allowed:
            continue
        col = frame.iloc[:, j]
        if not display.endswith(".csv"):
            wrong = _parquet_type_problem(col, column)
            if wrong is not None:
                problems.append(Problem(display, 1, j + 1, wrong))
                if invalid is not None:  # no follow-on errors for the cells not read
                    invalid[:] = [True] * n
                continue
        bad: list[tuple[int, str]] = []
        if column in NUMBER_FIELDS or column in INT_FIELDS:
            values = _numbers(col, column, bad, pd)
        else:
            values = _texts(col, column, bad, from_csv=display.endswith(".csv"))
            if column in JSON_FIELDS:
                values = _json_cells(values, column, bad, display, locator, problems)
        for i, message in bad:
            problems.append(Problem(display, locator.line(i), j + 1, message))
            if invalid is not None:
                invalid[i] = True
        if column in FILLED[name] and None in values:  # the scan in C is quick
            flagged = {i for i, _ in bad}
            for i in (i for i, x in enumerate(values) if x is None):
                if i not in flagged:
                    problems.append(
                        Problem(
                            display,
                            locator.line(i),
                            j + 1,
                            f"empty {column!r}: every row of {name} needs one; fill it in",
                        )
                    )
        columns[column] = values
    if invalid is not None:
        columns["_invalid"] = invalid
    target: Columns = getattr(ds, name)
    target.extend(columns, n, locator)


def _texts(col: Any, column: str, bad: list, *, from_csv: bool) -> list:
    values = col.tolist()
    if from_csv:  # read as text with no NA parsing: every cell is a str
        out = [x or None for x in values]
        _bad_characters(out, column, bad)
        return out
    out = []
    for i, x in enumerate(values):
        if x is None or x == "" or (isinstance(x, float) and math.isnan(x)):
            out.append(None)
        elif isinstance(x, str):
            out.append(x)
        else:
            bad.append((i, f"{column} must be text, not {x!r}"))
            out.append(None)
    _bad_characters(out, column, bad)
    return out


def _bad_characters(values: list, column: str, bad: list) -> None:
    """Flag cells holding control characters or lone surrogates (see ``graph.yamlio``)."""
    # One search over the column first: the cell by cell walk only when it finds one.
    if bad_character("\n".join(filter(None, values))) is None:  # filter: in C
        return
    for i, x in enumerate(values):
        if x is not None and (problem := bad_character(x)) is not None:
            bad.append((i, f"{column}: {problem}"))
            values[i] = None


def _numbers(col: Any, column: str, bad: list, pd: Any) -> list:
    import numpy as np

    whole = column in INT_FIELDS
    if col.dtype == bool:
        bad.extend((i, f"{column} must be a number, not {x}") for i, x in enumerate(col.tolist()))
        return [None] * len(col)
    if pd.api.types.is_numeric_dtype(col.dtype):
        numbers = col.astype("float64")  # nulls of a typed column are empty cells
        given = numbers.notna().to_numpy()
        text = None
    else:
        text = col.astype(object).where(col.notna(), "")
        # Cells are parsed as they are (to_numeric allows blanks around a
        # number); only the few that do not parse are stripped and parsed
        # again, instead of stripping a million cells one by one.
        given = (text != "").to_numpy().copy()
        numbers = pd.to_numeric(text.where(given, None), errors="coerce").astype("float64")
        retry = np.flatnonzero(given & numbers.isna().to_numpy())
        if retry.size:
            stripped = text.iloc[retry].map(_strip)
            blank = (stripped == "").to_numpy()
            given[retry[blank]] = False
            again = pd.to_numeric(stripped.where(~blank, None), errors="coerce")
            numbers = numbers.copy()
            numbers.iloc[retry] = again.astype("float64").to_numpy()
    arr = numbers.to_numpy() + 0.0  # -0.0 + 0.0 is 0.0: no negative zero in a dataset
    with np.errstate(invalid="ignore"):
        wrong = given & ~np.isfinite(arr)
        if whole:
            wrong |= given & np.isfinite(arr) & (arr != np.round(arr))
    for i in np.flatnonzero(wrong):
        shown = _strip(text.iat[i]) if text is not None else arr[i]
        if whole and math.isfinite(arr[i]):
            bad.append((int(i), f"{column} must be a whole number, not {shown}"))
        elif math.isnan(arr[i]) and not (isinstance(shown, str) and shown.lower() == "nan"):
            bad.append((int(i), f"{column} must be a number, not {shown!r}"))
        else:
            bad.append((int(i), f"{column} must be a finite number, not {shown}"))
    ok = given & ~wrong
    if whole:
        return [int(x) if k else None for x, k in zip(arr.tolist(), ok.tolist(), strict=True)]
    return [x if k else None for x, k in zip(arr.tolist(), ok.tolist(), strict=True)]


def _strip(x: Any) -> Any:
    return x.strip() if isinstance(x, str) else x


def _json_cells(
    values: list, column: str, bad: list, display: str, locator: TableLocator, problems: list
) -> list:
    model = JSON_FIELDS[column]
    base = {"id": "x", "kind": "x"} if model is Node else {"from": "x", "to": "x"}
    out = []
    for i, text in enumerate(values):
        if text is None:
            out.append(None)
            continue
        try:
            value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKey as exc:
            bad.append((i, f"{column}: key {exc.key!r} appears twice in this JSON cell: keep one"))
            out.append(None)
            continue
        except RecursionError:
            bad.append(
                (i, f"{column}: JSON nesting deeper than {MAX_DEPTH} levels: {_hint(column)}")
            )
            out.append(None)
            continue
        except ValueError:
            bad.append(
                (
                    i,
                    f"{column} must be JSON text such as "
                    f"{_EXAMPLES.get(column, _RANGE_EXAMPLE)}, not {text!r}",
                )
            )
            out.append(None)
            continue
        wrong = _json_problem(value, column)
        if wrong is not None:
            bad.append((i, wrong))
            out.append(None)
            continue
        line, col = locator.at(i, (column,))
        clean, found = record_problems(
            "nodes" if model is Node else "edges",
            model,
            {**base, column: value},
            lambda place, key, line=line, col=col: (display, line, col),
        )
        if found:
            problems.extend(found)
            out.append(clean.get(column) if column == "inputs" else None)
        else:
            out.append(value)
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    """A JSON object, refusing a repeated key as YAML does (json keeps the last silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _hint(column: str) -> str:
    return f"write it as in {_EXAMPLES.get(column, _RANGE_EXAMPLE)}"


def _json_problem(value: Any, column: str) -> str | None:
    """What is wrong with a parsed JSON cell beyond its schema: nesting depth, bad characters.

    Walked without recursion, so a cell nested a million deep cannot overflow the stack.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"{column}: JSON nesting deeper than {MAX_DEPTH} levels: {_hint(column)}"
        if isinstance(item, str):
            found = bad_character(item)
            if found is not None:
                return f"{column}: {found}"
        elif isinstance(item, dict):
            for key, inner in item.items():
                stack.append((key, depth))
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return None


def _parquet_type_problem(col: Any, column: str) -> str | None:
    """Refuse a typed parquet column of the wrong kind: true/false values, lists, bytes.

    A boolean column would otherwise be read as the numbers 0 and 1, and a
    list column cannot be a cell at all.
    """
    import numpy as np
    import pandas as pd

    if column in NUMBER_FIELDS or column in INT_FIELDS:
        expected = "numbers (a float or integer column)"
    elif column in JSON_FIELDS:
        expected = f"JSON text (a string column), e.g. {_EXAMPLES.get(column, _RANGE_EXAMPLE)}"
    else:
        expected = "text (a string column)"
    if pd.api.types.is_bool_dtype(col.dtype):
        held = "true/false values"
    elif col.dtype == object:
        kinds = {type(x) for x in col.tolist() if x is not None and x is not pd.NA}
        if any(issubclass(k, (bool, np.bool_)) for k in kinds):
            held = "true/false values"
        elif any(issubclass(k, (list, tuple, dict, np.ndarray)) for k in kinds):
            held = "lists or mappings"
        elif any(issubclass(k, (bytes, bytearray)) for k in kinds):
            held = "bytes"
        else:
            return None
    else:
        return None
    return f"column {column!r} holds {held}: it must hold {expected}; write it again as such"
