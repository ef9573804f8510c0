"""One batch run: shards -> analysed articles -> events, written to an output folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counterpoint.analyze.embed import DEVICES
from counterpoint.errors import CounterpointError
from counterpoint.group import placing_order
from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Event

from .local import LocalEngine, ShardResult
from .parquet import (
    articles_file,
    is_done,
    iter_rows,
    read_between,
    read_columns,
    read_errors,
    write_errors,
    write_events,
    write_shard,
)
from .records import RecordError, analysis_of, article_of
from .shards import find_shards
from .windows import WINDOW_DAYS, stitch, windows_for

ENGINES = ("local", "ray")


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchProgress:
    """Where a run stands: shards finished (skipped ones included) out of all shards."""

    shards_done: int
    shards_total: int
    articles: int
    """Articles analysed so far in this run."""
    errors: int
    """Bad records found so far in this run."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchReport:
    """What a run did, and where its output is."""

    out: Path
    engine: str
    shards: int
    skipped: int
    """Shards already done by an earlier run, and not read again."""
    analysed: int
    """Articles analysed in this run."""
    articles: int
    """Articles in the output: this run's and those of skipped shards."""
    events: int
    errors: tuple[RecordError, ...]
    """Every bad record of the inputs, from this run and earlier ones (see ``errors.jsonl``)."""


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    engine: str = "local",
    address: str | None = None,
    workers: int = 2,
    device: str = "cpu",
    loaded_context: bool = True,
    max_article_chars: int = MAX_ARTICLE_CHARS,
    outlet: str | None = None,
    db: str | os.PathLike[str] | None = None,
    window_days: int = WINDOW_DAYS,
    progress: Callable[[BatchProgress], None] | None = None,
) -> BatchReport:
    """Analyse every article of ``inputs`` and group them into events, writing to ``out``.

    Shards already done in ``out`` are skipped, so an interrupted run picks up where
    it stopped. With ``db``, the articles, analyses and events also go into that
    database (events of articles stored earlier from elsewhere are kept). ``workers``,
    ``device``, ``loaded_context`` and ``max_article_chars`` are the settings of those
    names (:mod:`counterpoint.config`); the workers get them as arguments.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shards, input_errors = find_shards(inputs, skip=out)
    todo = [s for s in shards if not is_done(out, s.key)]
    counts = {"done": len(shards) - len(todo), "articles": 0, "errors": 0}

    def tell() -> None:
        if progress is not None:
            progress(
                BatchProgress(
                    shards_done=counts["done"],
                    shards_total=len(shards),
                    articles=counts["articles"],
                    errors=counts["errors"],
                )
            )

    def finished(result: ShardResult) -> None:
        write_shard(out, result.shard.key, result.rows, result.errors)
        counts["done"] += 1
        counts["articles"] += len(result.rows)
        counts["errors"] += len(result.errors)
        tell()

    runner = make_engine(engine, workers=workers, device=device, address=address,
                         loaded_context=loaded_context, max_article_chars=max_article_chars)
    try:
        tell()
        runner.analyse(todo, outlet=outlet, finished=finished)
        files = [articles_file(out, s.key) for s in shards]
        events, dates = group_files(runner, files, window_days=window_days)
    finally:
        runner.close()
    write_events(out, events, dates)
    errors = tuple(input_errors) + tuple(e for s in shards for e in read_errors(out, s.key))
    write_errors(out, errors)
    if db is not None:
        store_output(db, files, events)
    return BatchReport(
        out=out,
        engine=runner.name,
        shards=len(shards),
        skipped=len(shards) - len(todo),
        analysed=counts["articles"],
        articles=len(dates),
        events=len(events),
        errors=errors,
    )


def make_engine(
    name: str, *, workers: int, device: str, address: str | None, loaded_context: bool = True,
    max_article_chars: int = MAX_ARTICLE_CHARS,
):
    """The engine called ``name`` (``local`` or ``ray``)."""
    if device not in DEVICES:
        raise CounterpointError(f"Unknown device {device!r}; use one of {', '.join(DEVICES)}")
    if name == "local":
        if address is not None:
            raise CounterpointError(
                f"--address {address!r} names a Ray cluster; add --engine ray to use it"
            )
        return LocalEngine(workers=workers, device=device, loaded_context=loaded_context,
                           max_article_chars=max_article_chars)
    if name == "ray":
        from .ray_engine import RayEngine

        return RayEngine(workers=workers, device=device, loaded_context=loaded_context,
                         max_article_chars=max_article_chars, address=address)
    raise CounterpointError(f"Unknown engine {name!r}; use one of {', '.join(ENGINES)}")


def group_files(
    runner, files: Sequence[Path], *, window_days: int = WINDOW_DAYS
) -> tuple[list[Event], dict[str, date | None]]:
    """Events over the analysed articles in ``files``, window by window, then stitched;
    and the ``group_date`` of every article."""
    if not files:
        return [], {}
    index = read_columns(files, ["id", "published", "group_date"]).to_pylist()
    order: dict = {}
    dates: dict[str, date | None] = {}
    for row in index:
        key = placing_order(row["published"], row["id"])
        order[row["id"]] = min(order.get(row["id"], key), key)
        dates[row["id"]] = row["group_date"]
    windows = windows_for((row["group_date"] for row in index), days=window_days)
    tables = (read_between(files, w.start, w.end) for w in windows)
    return stitch(list(runner.group(tables)), order), dates


def store_output(db: str | os.PathLike[str], files: Sequence[Path], events: list[Event]) -> None:
    """Put the batch's articles, analyses and events into the database ``db``."""
    from counterpoint.store import Store

    with Store(os.fspath(db)) as store:
        store.add_many((article_of(row), analysis_of(row)) for row in iter_rows(files))
        ours = {a for e in events for a in e.article_ids}
        kept = []
        for event in store.events():
            rest = tuple(a for a in event.article_ids if a not in ours)
            if rest:
                copies = {a: c for a, c in event.copies.items() if a in rest and c in rest}
                kept.append(Event(id=event.id, title=event.title, article_ids=rest, copies=copies))
        store.save_events(kept + events)
