"""Read YAML safely, keeping the line and column of every key and value.

Only ``yaml.safe_load``-level YAML is accepted, with these differences, each
chosen so that a curator's mistake is an error rather than a silent surprise:

- Numbers in YAML 1.2 form are numbers: PyYAML (YAML 1.1) reads ``4.0e10``
  and ``1e-3`` as text; here they are floats. A quoted ``"0.5"`` stays text.
- A key repeated in one mapping is an error (PyYAML keeps the last silently).
- Aliases (``*name``) are rejected, so no document can expand exponentially
  ("billion laughs"); anchors alone are harmless and allowed.
- Nesting deeper than ``MAX_DEPTH`` levels is an error, not a crash.
- A byte-order mark is skipped; bytes that are not UTF-8 are an error that
  names the byte's offset, line and column.
- Text holding a control character (other than tab and line breaks) or a
  lone surrogate, written raw or as an escape (``"\\x01"``, ``"\\ud800"``),
  is an error: such text cannot be written to XML (GraphML, GEXF, SVG) or
  shown safely on a terminal.
- ``-0.0`` reads as ``0.0``: a negative zero means nothing in a dataset.
- An empty file (or one holding only comments) reads as ``None``: an empty
  dataset, not an error.

Positions are 1-based ``(line, col)`` pairs, keyed by the path of keys and
list indices that leads to a value, e.g. ``("nodes", 3, "share")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from graph.errors import Problem

#: Deepest nesting accepted; a dataset needs about five levels.
MAX_DEPTH = 64

Path = tuple  # a path of keys and list indices into a document


class _YAMLError(Exception):
    """Raised inside the loader to stop at the first located problem."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


# YAML 1.2 core-schema floats that YAML 1.1 misses (no dot, or exponent
# without a sign): 4.0e10, 1e-3, 1E5. Integers match PyYAML's int resolver
# first, because resolvers for the same first character are tried in order.
_FLOAT_12 = re.compile(
    r"""^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$""",
    re.X,
)


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with YAML 1.2 floats, no aliases and bounded depth."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        key: list(resolvers) for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            mark = event.start_mark
            raise _YAMLError(
                mark.line + 1,
                mark.column + 1,
                f"YAML aliases are not supported (*{event.anchor}): write the value out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _YAMLError(
                    mark.line + 1,
                    mark.column + 1,
                    f"nesting deeper than {MAX_DEPTH} levels: a dataset needs only a few; "
                    "check the brackets and indentation",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


SafeLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Document:
    """A parsed YAML document: its data and where each part of it was written.

    ``values[path]`` is the ``(line, col)`` of the value at ``path`` and
    ``keys[path]`` that of the key that introduces it.
    """

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)


def _pos(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: Any, path: Path, loader: SafeLoader, doc: Document) -> Any:
    doc.values[path] = _pos(node)
    if isinstance(node, ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            raise _YAMLError(*_pos(node), f"unsupported YAML tag {node.tag}: remove it")
        return _scalar(loader.construct_object(node, deep=True), node)
    if isinstance(node, SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _YAMLError(*_pos(node), f"unsupported YAML tag {node.tag}: remove it")
        return [_convert(item, (*path, i), loader, doc) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _YAMLError(*_pos(node), f"unsupported YAML tag {node.tag}: remove it")
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise _YAMLError(*_pos(key_node), "a mapping key must be plain text")
            key = _scalar(loader.construct_object(key_node, deep=True), key_node)
            if key in out:
                first = doc.keys[(*path, key)]
                raise _YAMLError(
                    *_pos(key_node),
                    f"duplicate key {key!r} in one mapping (first at line {first[0]}, "
                    f"column {first[1]}): keep only one",
                )
            doc.keys[(*path, key)] = _pos(key_node)
            out[key] = _convert(value_node, (*path, key), loader, doc)
        return out
    raise _YAMLError(*_pos(node), "unsupported YAML node")  # pragma: no cover


_BAD_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


def bad_character(text: str) -> str | None:
    """Say what is wrong when ``text`` holds a control character or a lone surrogate.

    Tab, line feed, carriage return and NEL (U+0085, a line break) are allowed.

    Examples
    --------
    >>> bad_character("Plant A"), bad_character("Plant\\x1bA")
    (None, 'text holds the control character U+001B: remove it')
    >>> bad_character("\\ud800")
    'text holds U+D800, half of a surrogate pair and no character: remove it'
    """
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"text holds U+{code:04X}, half of a surrogate pair and no character: remove it"
    if code in (0xFFFE, 0xFFFF):
        return f"text holds U+{code:04X}, which is no character: remove it"
    return f"text holds the control character U+{code:04X}: remove it"


def _scalar(value: Any, node: Any) -> Any:
    """A scalar as read, checked: text without control characters, no negative zero."""
    if isinstance(value, str):
        problem = bad_character(value)
        if problem is not None:
            raise _YAMLError(*_pos(node), problem)
    elif isinstance(value, float) and value == 0:
        return 0.0  # -0.0 + 0.0 would do too; this says why
    return value


def decode(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """Decode a file's bytes as UTF-8 (a byte-order mark is skipped).

    Returns ``(text, None)``, or ``(None, problem)`` naming the first bad byte.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfnodes: []", "a.yaml")
    ('nodes: []', None)
    >>> decode(b"a: 1\\nb: \\xff", "a.yaml")[1].message[:27]
    'not UTF-8: byte 0xff at off'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(
            path,
            1,
            1,
            "not UTF-8 but UTF-16 (it starts with its byte-order mark); save the file as UTF-8",
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        return None, Problem(
            path,
            line,
            col,
            f"not UTF-8: byte 0x{byte:02x} at offset {exc.start}; save the file as UTF-8",
        )


#: Hints for PyYAML's syntax errors, by a piece of the problem's text.
_SYNTAX_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("expected <block end>", "check the indentation of this line"),
    ("mapping values are not allowed", "check the indentation, or put a value with ': ' in quotes"),
    ("could not find expected ':'", "add ':' after the key, or check the indentation"),
    ("found unexpected end of stream", "close the quote"),
    ("found another document", "keep one document per file: remove the '---' line"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str) -> Problem:
    """A located problem for a YAML syntax error, saying where the broken part starts."""
    mark, start = exc.problem_mark, exc.context_mark
    problem = exc.problem or ""
    if start is not None and (mark is None or "could not find expected ':'" in problem):
        mark = start  # the key that lacks its ':' is where the mistake is
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = " ".join(s for s in (exc.context, exc.problem) if s)
    where = (start.line + 1, start.column + 1) if start is not None else (line, col)
    if (exc.context or "").startswith("while ") and where != (line, col):
        what = f"{exc.context} that starts at line {where[0]}, column {where[1]}: {problem}"
    hint = next((h for key, h in _SYNTAX_HINTS if key in problem), "fix the YAML syntax")
    return Problem(path, line, col, f"YAML syntax error: {what}: {hint}")


def parse(text: str, path: str) -> tuple[Document | None, Problem | None]:
    """Parse one YAML document, keeping positions.

    Returns ``(document, None)`` or ``(None, problem)`` for the first syntax
    error, duplicate key, alias, over-deep nesting or unsupported tag.

    Examples
    --------
    >>> doc, problem = parse("value: 4.0e10\\nshare: '0.5'\\n", "a.yaml")
    >>> doc.data, doc.values[("value",)]
    ({'value': 40000000000.0, 'share': '0.5'}, (1, 8))
    >>> parse("a: 1\\na: 2\\n", "a.yaml")[1].line
    2
    """
    loader = None
    try:
        loader = SafeLoader(text)
        node = loader.get_single_node()
        doc = Document(None)
        if node is not None:
            doc.data = _convert(node, (), loader, doc)
        return doc, None
    except _YAMLError as exc:
        return None, Problem(path, exc.line, exc.col, exc.message)
    except yaml.MarkedYAMLError as exc:
        return None, _syntax_problem(exc, path)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, Problem(
            path,
            line,
            col,
            f"control character #x{exc.character:04x} is not allowed in YAML: remove it",
        )
    except RecursionError:
        return None, Problem(path, 1, 1, "the document is nested too deeply to read")
    finally:
        if loader is not None:
            loader.dispose()
