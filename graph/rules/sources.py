"""The sources rules: ids are slugs defined once; a record's ``source`` and ``confidence``."""

from __future__ import annotations

from typing import Any

from graph.lookup import did_you_mean
from graph.records import Columns
from graph.rules.common import SLUG, Run, slug_message
from graph.schema import CONFIDENCES


def check_sources(S: Columns, run: Run) -> None:
    """Source ids are slugs, each defined once."""
    for i, sid in enumerate(S.data["id"]):
        if sid is None:
            continue
        if not SLUG.fullmatch(sid):
            run.add(S.problem(i, "id", slug_message("source id", sid)))
        if sid in run.source_ids:
            run.add(
                S.problem(
                    i,
                    "id",
                    f"duplicate source id {sid!r} (first defined at "
                    f"{S.where(run.source_ids[sid])}): give each source its own id",
                )
            )
        else:
            run.source_ids[sid] = i


def check_provenance(C: Columns, i: int, src: Any, conf: Any, run: Run) -> None:
    """``source`` names a source; ``confidence`` is one of ``CONFIDENCES``."""
    if src is not None and src not in run.source_ids:
        hint = run.suggest("source", src, run.source_ids)
        run.add(
            C.problem(
                i,
                "source",
                f"source {src!r} is not in sources{hint}: add it to a sources list or fix the id",
            )
        )
    if conf is not None and conf not in CONFIDENCES:
        run.add(
            C.problem(
                i,
                "confidence",
                f"confidence {conf!r} must be one of {', '.join(CONFIDENCES)}"
                f"{did_you_mean(conf, CONFIDENCES)}: say how sure the figure is",
            )
        )
