"""Convert a dataset between its two forms: YAML and tables (CSV or parquet).

``convert(source, target)`` loads the dataset at ``source`` (so it is checked
first, and a dataset with problems is not converted), then writes it at
``target``: one YAML file when ``target`` ends in ``.yaml`` or ``.yml``, else
a folder of tables (``graph.tables``). Each file is written atomically.

The input is never changed: a target that is one of the input's files, or
lies inside the input's folder (where it would become part of the dataset),
is refused before anything is written. Nothing is written anywhere the
target does not name. A folder of tables is written whole, staged beside
it and swapped in (``graph.files.write_folder``); one that holds files
chokegraph did not write there is refused unless ``force``.

Examples
--------
>>> import graph, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "tables"
>>> [p.name for p in convert(graph.bundled_path(), out)]
['nodes.csv', 'edges.csv', 'sources.csv', 'groups.csv']
>>> len(graph.load(out)) == len(graph.load())
True
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from graph.errors import ChokegraphError
from graph.files import check_output_path

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_FORMATS = ("csv", "parquet")
TABLES = ("nodes", "edges", "sources", "groups")


def convert(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    fmt: str | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the dataset at ``source`` as YAML or as tables at ``target``; return the files.

    Parameters
    ----------
    source : str or path-like
        A YAML file, a folder of YAML files, or a folder of tables.
    target : str or path-like
        A ``.yaml``/``.yml`` file, or a folder for the tables (created if
        missing; its parent must exist).
    fmt : {"csv", "parquet"}, optional
        The tables' format (default csv); only for a folder target.
    force : bool
        Replace a target folder that holds files chokegraph did not write
        there (see ``graph.files.write_folder``).

    Raises
    ------
    DataError
        When the input has problems (nothing is written).
    ChokegraphError
        When the target would overwrite or join the input, is a folder of
        someone else's files (without ``force``), or cannot be written.
    """
    from graph.load import dataset_files

    out = Path(target)
    to_yaml = out.suffix.lower() in YAML_SUFFIXES
    if to_yaml and fmt is not None:
        raise ChokegraphError(
            f"--format {fmt} is for tables, but {target} is a YAML file: "
            "drop --format, or give a folder"
        )
    if out.suffix.lower() in (".csv", ".parquet"):
        raise ChokegraphError(
            f"{target} names one table: give a folder for the tables "
            f"(nodes{out.suffix}, edges{out.suffix}, ... are written in it), or a .yaml file"
        )
    fmt = (fmt or "csv").lower()
    if fmt not in TABLE_FORMATS:
        raise ChokegraphError(f"unknown table format {fmt!r}: use csv or parquet")
    root = Path(source)
    files, tables_folder = dataset_files(root)
    _refuse_input(root, files, tables_folder, out)
    inputs = [*files, *_table_inputs(tables_folder)]
    check_output_path(out, inputs=inputs, folder=not to_yaml)
    if not to_yaml:
        if out.exists() and not out.is_dir():
            raise ChokegraphError(
                f"{target} is a file: give a folder for tables, or a .yaml file for YAML"
            )
        if fmt == "parquet" and not _has_parquet_engine():
            raise ChokegraphError(
                "writing parquet needs pyarrow: pip install 'chokegraph[parquet]', "
                "or write CSV tables"
            )

    from graph.export import to_dict, write_tables, write_yaml
    from graph.load import load

    data = to_dict(load(root))
    if to_yaml:
        return [write_yaml(data, out)]
    return write_tables(data, out, fmt, inputs=inputs, force=force)


def _refuse_input(root: Path, files: list[Path], tables_folder: Path | None, out: Path) -> None:
    """Refuse a target that is one of the input's files, or inside its folder."""
    target = out.resolve()
    inputs = {f.resolve() for f in [*files, *_table_inputs(tables_folder)]}
    if target in inputs:
        raise ChokegraphError(f"{out} is the input: give another OUT, so the input stays as it is")
    if root.is_dir():
        folder = root.resolve()
        if target == folder or folder in target.parents:
            raise ChokegraphError(
                f"{out} lies in the input folder {root}, and would become part of the "
                "dataset: write it somewhere else"
            )


def _table_inputs(tables_folder: Path | None) -> list[Path]:
    if tables_folder is None:
        return []
    return [
        p
        for name in TABLES
        for fmt in TABLE_FORMATS
        if (p := tables_folder / f"{name}.{fmt}").exists()
    ]


def _has_parquet_engine() -> bool:
    return any(importlib.util.find_spec(m) is not None for m in ("pyarrow", "fastparquet"))
