"""Read a dataset's YAML records into the row container, beside ``graph.tables``.

``graph.yamlio`` turns YAML text into plain data that remembers where each
key and value stood; this module walks that data (or an in-memory mapping
given to ``graph.from_dict``) section by section and appends each source,
node, edge and group member to a ``Dataset``, as ``graph.tables`` does for
table rows. What is wrong with the shape of a file (not a mapping, an
unknown section, an entry that is not a mapping) and with a record's fields
becomes a ``Problem`` located at its line and column; the rules across
records (ids, references, share sums) are ``graph.validate``'s.

Examples
--------
>>> from graph.records import Dataset
>>> ds = Dataset()
>>> read_yaml(b"nodes:\\n  - {id: chn, kind: country}\\n  - {id: jpn, knd: country}\\n",
...           "tiny.yaml", ds)
>>> for problem in ds.problems:  # doctest: +ELLIPSIS
...     print(problem)
tiny.yaml:3:5: error: a node needs 'kind': add it
tiny.yaml:3:15: error: unknown key 'knd' in a node (did you mean 'kind'?): ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.errors import Problem

if TYPE_CHECKING:
    from graph.records import Dataset
    from graph.yamlio import Document

__all__ = ["add_document", "read_yaml"]

_NOT_A_MAPPING = "expected a mapping with keys sources, groups, nodes, edges"
_ENTRY_EXAMPLE = {
    "sources": "{id: ..., title: ...}",
    "nodes": "{id: ..., kind: ...}",
    "edges": "{from: ..., to: ..., share: ...}",
}


def read_yaml(raw: bytes, path: str, ds: Dataset) -> None:
    """Decode and parse one YAML file's bytes and add its records to ``ds``.

    A file that is not UTF-8 or not YAML adds its one problem to
    ``ds.problems`` and nothing else; ``path`` is the name problems give.
    """
    from graph.yamlio import decode, parse

    text, problem = decode(raw, path)
    if problem is None:
        doc, problem = parse(text, path)
    if problem is not None:
        ds.problems.append(problem)
        return
    add_document(ds, doc.data, path, doc)


def add_document(ds: Dataset, data: Any, path: str, doc: Document | None) -> None:
    """Add one file's data (a parsed YAML document or a mapping) to ``ds``.

    Parameters
    ----------
    ds : Dataset
        The rows read so far; records and problems are appended.
    data : any
        The file's data: a mapping with sections ``sources``, ``groups``,
        ``nodes``, ``edges``, or ``None`` for an empty file.
    path : str
        The file name problems give.
    doc : Document or None
        Where each key and value stood; ``None`` for in-memory data, whose
        problems are located at line and column 0.

    Examples
    --------
    >>> from graph.records import Dataset
    >>> ds = Dataset()
    >>> add_document(ds, {"nodes": [{"id": "chn", "kind": "country"}], "links": []},
    ...              "<memory>", None)
    >>> [str(p) for p in ds.problems]  # doctest: +ELLIPSIS
    ["<memory>:0:0: error: unknown key 'links'...: expected a mapping with keys ..."]
    """
    from graph.lookup import did_you_mean
    from graph.schema import SECTIONS

    def at(place: tuple, key: bool = False) -> tuple[int, int]:
        if doc is None:
            return 0, 0
        if key and place in doc.keys:
            return doc.keys[place]
        return doc.values.get(place, (1, 1))

    def problem(place: tuple, message: str, key: bool = False) -> None:
        ds.problems.append(Problem(path, *at(place, key), message))

    if data is None:
        return
    if not isinstance(data, dict):
        problem((), f"{_NOT_A_MAPPING}, not {_kind_of(data)}")
        return
    for section, value in data.items():
        if section not in SECTIONS:
            problem(
                (section,),
                f"unknown key {section!r}{did_you_mean(section, SECTIONS)}: {_NOT_A_MAPPING}",
                key=True,
            )
        elif value is None:
            continue
        elif section == "groups":
            _add_groups(ds, value, path, doc, problem)
        elif not isinstance(value, list):
            problem(
                (section,),
                f"{section} must be a list of mappings such as "
                f"- {_ENTRY_EXAMPLE[section]}, not {_kind_of(value)}",
            )
        else:
            _add_records(ds, section, value, path, doc, problem)


def _add_records(
    ds: Dataset, section: str, value: list, path: str, doc: Document | None, problem: Any
) -> None:
    """Append the entries of one list section (sources, nodes or edges), checked field by field."""
    from graph.records import YamlLocator, record_problems
    from graph.schema import RECORD_MODELS

    columns = getattr(ds, section)
    model = RECORD_MODELS[section]
    locator = YamlLocator(path, doc)
    columns.add_segment(locator)
    for j, raw in enumerate(value):
        if not isinstance(raw, dict):
            problem(
                (section, j),
                f"each entry of {section} must be a mapping such as "
                f"{_ENTRY_EXAMPLE[section]}, not {_kind_of(raw)}",
            )
            continue
        locator.prefixes.append((section, j))
        row = len(locator.prefixes) - 1
        clean, problems = record_problems(
            section,
            model,
            raw,
            lambda place, key, row=row, loc=locator: (path, *loc.at(row, place, key)),
        )
        ds.problems.extend(problems)
        columns.append(clean)


def _add_groups(ds: Dataset, value: Any, path: str, doc: Document | None, problem: Any) -> None:
    from graph.records import GroupLocator

    if not isinstance(value, dict):
        problem(
            ("groups",),
            "groups must be a mapping of group name -> list of commodities, "
            f"e.g. rare-earths: [light-rare-earths], not {_kind_of(value)}",
        )
        return
    locator = GroupLocator(path, doc)
    ds.groups.add_segment(locator)
    for name, members in value.items():
        if not isinstance(name, str):
            problem(("groups", name), f"group name {name!r} must be text", key=True)
            continue
        if not isinstance(members, list):
            problem(
                ("groups", name),
                f"group {name!r} must be a list of commodities, e.g. [gallium, germanium], "
                f"not {_kind_of(members)}",
            )
            continue
        locator.prefixes.append(("groups", name))
        ds.groups.append({"group": name, "member": None})  # the group, even when empty
        for j, member in enumerate(members):
            if not isinstance(member, str):
                problem(
                    ("groups", name, j),
                    f"group {name!r}: member {member!r} must be the name of a commodity (text)",
                )
                continue
            locator.prefixes.append(("groups", name, j))
            ds.groups.append({"group": name, "member": member})


def _kind_of(value: Any) -> str:
    """What a value is, with its article: "a list", "an empty entry"."""
    if value is None:
        return "an empty entry"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
