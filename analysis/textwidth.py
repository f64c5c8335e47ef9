"""Tables and lines for people that fit a width and never cut a word.

A date, an id or a number is one word: it is never split across lines.
``wrap_words`` wraps a line of text (a headline, a note) between words;
``column_widths`` decides which columns of a table fit a width and how wide
each is, never narrower than its longest word (``analysis.output.to_table``
draws the table with them); ``cell_lines`` counts the lines of a cell as
rich wraps it.

Examples
--------
>>> column_widths(["day", "node"], [["2026-01-06", "jp-compound-semis"]], 30, [1, 0])
([0, 1], [10, 17])
"""

from __future__ import annotations

from collections.abc import Sequence


def wrap_words(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` between words only (a word longer stays whole), with ``\\n``.

    Each line of ``text`` is wrapped on its own; hyphens are not break points,
    so ids and dates stay whole.

    Examples
    --------
    >>> print(wrap_words("China restricts gallium, 2026-01-06 to jp-compound-semis", 24), end="")
    China restricts gallium,
    2026-01-06 to
    jp-compound-semis
    """
    import textwrap

    out = []
    for line in text.split("\n"):
        wrapped = textwrap.wrap(
            line, width, break_long_words=False, break_on_hyphens=False, drop_whitespace=True
        )
        out.extend(wrapped or [""])
    return "".join(line.rstrip() + "\n" for line in out)


def cell_lines(text: str, width: int) -> int:
    """The lines ``text`` takes at ``width``, wrapped between words as rich does."""
    from rich.cells import cell_len

    total = 0
    for line in text.split("\n"):
        count, used = 1, -1
        for word in line.split():
            n = cell_len(word)
            if used < 0:
                used = n
            elif used + 1 + n <= width:
                used += 1 + n
            else:
                count, used = count + 1, n
        total += count
    return total


#: Rows whose wrapping decides the widths: the first ones (tables list the most
#: important first), so that a table of 100,000 rows is sized as fast as one of 400.
SIZING_ROWS = 400


def column_widths(
    headers: Sequence[str], cells: list[list[str]], width: int, order: Sequence[int]
) -> tuple[list[int], list[int]]:
    """The columns kept (their indexes, in order) and their widths, to fit ``width``.

    A column is never narrower than its longest word (heading included): a
    date, an id or a number stays whole. If those floors do not fit,
    columns are dropped in ``order`` (every index once, the first dropped
    first) until they do, then those dropped come back, the last dropped
    first, where they fit in what is left; only a table whose last column
    standing cannot
    fit has that column folded, at the whole width. Between its floor and
    its widest cell, the table narrows one character at a time where that
    adds the fewest lines (of the first ``SIZING_ROWS`` rows), then where
    it adds fewest to the column itself, then the widest column.
    """
    import numpy as np
    from rich.cells import cell_len

    def longest_word(text: str) -> int:
        return max((cell_len(w) for w in text.split()), default=0)

    def longest_line(text: str) -> int:
        return max((cell_len(line) for line in text.split("\n")), default=0)

    columns = [[header, *(row[j] for row in cells)] for j, header in enumerate(headers)]
    floors = [max(max(map(longest_word, col), default=0), 1) for col in columns]

    def fits(kept: list[int]) -> bool:
        return sum(floors[j] for j in kept) + 3 * (len(kept) - 1) <= width

    shown = list(range(len(headers)))
    dropped: list[int] = []
    for j in order:
        if len(shown) == 1 or fits(shown):
            break
        shown.remove(j)
        dropped.append(j)
    # Then back, most needed first, whichever fits again in the room the others left.
    for j in reversed(dropped):
        if fits(sorted([*shown, j])):
            shown = sorted([*shown, j])
    room = width - 3 * (len(shown) - 1)  # " | " between columns
    floor = [floors[j] for j in shown]
    if sum(floor) > room:  # one column whose longest word is wider than the table
        return shown, [max(room, 1)]
    natural = [max(max(map(longest_line, columns[j]), default=0), 1) for j in shown]
    top = [min(n, room - (sum(floor) - f)) for n, f in zip(natural, floor, strict=True)]
    if sum(top) <= room:
        return shown, top
    sample = [columns[j][: SIZING_ROWS + 1] for j in shown]  # the heading and the rows
    # lines[k][w]: the lines of each sampled row of column k at width floor[k] + w.
    lines = [
        np.array([[cell_lines(text, w) for text in col] for w in range(f, t + 1)])
        for col, f, t in zip(sample, floor, top, strict=True)
    ]
    widths = list(top)
    while sum(widths) > room:
        current = [lines[k][widths[k] - floor[k]] for k in range(len(shown))]
        best: tuple[int, int, int, int] | None = None
        for k in range(len(shown)):
            if widths[k] == floor[k]:
                continue
            narrower = lines[k][widths[k] - 1 - floor[k]]
            trial = [*current[:k], narrower, *current[k + 1 :]]
            # Fewest lines in all; then fewest in the column itself (a cell that
            # could have been one line shorter); then the widest column.
            cost = int(np.maximum.reduce(trial).sum())
            own = int(narrower.sum() - current[k].sum())
            key = (cost, own, -widths[k], k)
            if best is None or key < best:
                best = key
        assert best is not None  # sum(floor) <= room, so some column can narrow
        widths[best[3]] -= 1
    return shown, widths
