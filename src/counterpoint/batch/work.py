"""The work every engine does, wherever it runs: start a worker, analyse a piece of a shard.

A worker loads the models once (spaCy, MiniLM) and then analyses pieces of
shards. An article whose analysis fails is a bad record; the others in its
piece still count. A missing model stops the run: nothing could be analysed.
What a piece is analysed with (the device, the reading of context) comes with
each piece, as arguments: a worker reads no settings of its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from counterpoint.analyze import analyze_many
from counterpoint.errors import ModelError

from .records import Record, RecordError, Row, analysed_row

PIECE = 16
"""Articles per piece: the unit of work handed to a worker (and spaCy's batch)."""


def start_worker() -> None:
    """Set a worker process up: it ends with its parent, and ONNX Runtime sends nothing."""
    from counterpoint.analyze import die_with_parent

    die_with_parent()
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def pieces(records: Sequence[Record], size: int = PIECE) -> list[list[Record]]:
    """Consecutive pieces of at most ``size`` records."""
    return [list(records[i : i + size]) for i in range(0, len(records), size)]


def analyse_piece(
    records: Sequence[Record], *, device: str = "cpu", loaded_context: bool = True
) -> tuple[list[Row], list[RecordError]]:
    """Analyse a piece, embeddings on ``device`` (see :func:`~counterpoint.analyze.analyze_many`
    for ``loaded_context``); on failure, each article again on its own so only bad ones fail."""
    try:
        analyses = list(
            analyze_many([r.article for r in records], device=device,
                         loaded_context=loaded_context)
        )
    except ModelError:
        raise
    except Exception as exc:
        if len(records) == 1:
            return [], [_failed(records[0], exc)]
        rows: list[Row] = []
        errors: list[RecordError] = []
        for record in records:
            more_rows, more_errors = analyse_piece(
                [record], device=device, loaded_context=loaded_context
            )
            rows += more_rows
            errors += more_errors
        return rows, errors
    return [analysed_row(r, a) for r, a in zip(records, analyses)], []


def _failed(record: Record, exc: Exception) -> RecordError:
    return record.error(
        f"analysis failed ({type(exc).__name__}: {exc}); this article was left out; "
        "please report it with the record"
    )
