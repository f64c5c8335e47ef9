"""The pandas tables of results: key columns first, nullable numbers, rounded for display.

A result's records are plain dicts (None where there is no figure); as a
DataFrame, a column of whole days with gaps would be ``object`` or ``float``,
so counts become ``Int64`` and figures ``Float64``, with ``<NA>`` in the
gaps. The frame prints its numbers rounded (a REPL shows ``0.3192``, not
``0.31920000000000004``); its values stay exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

#: The nullable dtype of each numeric column of a result table.
NULLABLE = {
    "days_to_impact": "Int64",
    "value_at_risk": "Float64",
    "shortfall_on_day": "Float64",
    "days_to_peak": "Int64",
    "value_lost": "Float64",
}
#: Decimals shown when a result table is printed, and the widest text cell.
SHOWN_DECIMALS = 4
SHOWN_WIDTH = 24


class ResultFrame(pd.DataFrame):
    """A DataFrame that prints its numbers rounded; anything derived from it is a plain one.

    Examples
    --------
    >>> frame = ResultFrame({"shortfall": [0.1 + 0.2]})
    >>> print(frame)
       shortfall
    0        0.3
    >>> float(frame["shortfall"].iloc[0]) == 0.1 + 0.2
    True
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def _shown(self) -> pd.DataFrame:
        return pd.DataFrame(self).round(SHOWN_DECIMALS)

    def __repr__(self) -> str:
        # pandas elides the middle columns of a wide frame, keeping the last
        # (via) and hiding the shortfall; here the leading columns that fit
        # the terminal are shown, long text cut short, and the rest named.
        import shutil

        shown = self._shown()
        if shown.empty:
            return repr(shown)
        width = shutil.get_terminal_size((80, 24)).columns
        rows = pd.get_option("display.max_rows")
        text = ""
        for k in range(shown.shape[1], 0, -1):
            text = shown.iloc[:, :k].to_string(max_rows=rows, max_colwidth=SHOWN_WIDTH)
            if max(len(line) for line in text.splitlines()) <= width:
                break
        if k < shown.shape[1]:
            rest = ", ".join(map(str, shown.columns[k:]))
            text += f"\n\n[{len(shown)} rows x {shown.shape[1]} columns; not shown: {rest}]"
        return text

    def _repr_html_(self) -> str | None:
        return self._shown()._repr_html_()

    def to_string(self, *args: Any, **kwargs: Any) -> str:
        return self._shown().to_string(*args, **kwargs)


def impacts_frame(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """The impacts of a what-if as a ``ResultFrame``, columns in the given order.

    Examples
    --------
    >>> frame = impacts_frame([{"node": "a", "days_to_impact": None}], ["node", "days_to_impact"])
    >>> frame["days_to_impact"].dtype, bool(frame["days_to_impact"].isna().all())
    (Int64Dtype(), True)
    """
    frame = pd.DataFrame(list(records), columns=list(columns))
    for column, dtype in NULLABLE.items():
        if column in frame:
            frame[column] = frame[column].astype(dtype)
    return ResultFrame(frame)
