"""The local engine: a pool of processes on this machine, each loading the models once.

Shards are read in the pool, cut into pieces of :data:`~counterpoint.batch.work.PIECE`
articles, and the pieces analysed in the pool as workers come free; a shard is
handed back as soon as its last piece is done. At most two shards per worker
are open at a time, so memory stays bounded however many shards there are.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import pyarrow as pa

from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Event

from .records import RecordError, Row
from .shards import Shard, read_shard
from .windows import group_window
from .work import analyse_piece, pieces, start_worker


@dataclass(slots=True)
class ShardResult:
    """A finished shard: its analysed rows and its bad records."""

    shard: Shard
    rows: list[Row] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    waiting: int = 0


class LocalEngine:
    """Runs the batch on ``workers`` processes of this machine. ``device``, ``loaded_context``
    and ``max_article_chars`` are the settings (:mod:`counterpoint.config`) the workers read
    and analyse with; they go with each task."""

    name = "local"

    def __init__(
        self, *, workers: int = 2, device: str = "cpu", loaded_context: bool = True,
        max_article_chars: int = MAX_ARTICLE_CHARS, piece: int = 16,
    ) -> None:
        self.workers = workers
        self.piece = piece
        self.device = device
        self.loaded_context = loaded_context
        self.max_article_chars = max_article_chars
        # forkserver: workers start from a clean process, not a copy of this one's threads
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=start_worker,
        )

    def analyse(
        self,
        shards: Sequence[Shard],
        *,
        outlet: str | None,
        finished: Callable[[ShardResult], None],
    ) -> None:
        """Analyse every shard; ``finished`` gets each shard as soon as it is complete."""
        queue = list(reversed(shards))
        reading: dict[Future, Shard] = {}
        working: dict[Future, ShardResult] = {}
        open_shards = 0

        def refill() -> None:
            nonlocal open_shards
            while queue and open_shards < 2 * self.workers:
                shard = queue.pop()
                reading[self._pool.submit(read_shard, shard, outlet=outlet,
                                          max_article_chars=self.max_article_chars)] = shard
                open_shards += 1

        refill()
        while reading or working:
            done, _ = wait([*reading, *working], return_when=FIRST_COMPLETED)
            for future in done:
                if future in reading:
                    result = ShardResult(shard=reading.pop(future))
                    records, result.errors = future.result()
                    for piece in pieces(records, self.piece):
                        task = self._pool.submit(analyse_piece, piece, device=self.device,
                                                 loaded_context=self.loaded_context)
                        working[task] = result
                        result.waiting += 1
                else:
                    result = working.pop(future)
                    rows, errors = future.result()
                    result.rows += rows
                    result.errors += errors
                    result.waiting -= 1
                if result.waiting == 0:
                    open_shards -= 1
                    finished(result)
            refill()

    def group(self, tables: Iterable[pa.Table]) -> Iterator[list[Event]]:
        """The events of each window, in the order of ``tables``."""
        return _bounded(self._pool.submit, group_window, tables, 2 * self.workers)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _bounded(submit, fn, items: Iterable, limit: int) -> Iterator:
    """``map`` over a pool with at most ``limit`` items in flight, results in order."""
    pending: list[Future] = []
    for item in items:
        pending.append(submit(fn, item))
        if len(pending) >= limit:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()
