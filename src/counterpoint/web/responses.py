"""Finished response bodies, kept while the store stays as it is.

An event's comparison is fixed by its membership, so the JSON and the page made from it
are too: the second reader of an event gets the bytes the first one was sent, without a
query, a decode or a render. Each body is kept under the store's generation (how many
ingests have changed it, :meth:`Catalog.changed`); a change clears them all. A body made
while an ingest changed the store is sent but not kept. Bodies are kept up to
``max_bytes`` in all, the least recently read going first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.concurrency import run_in_threadpool

MAX_BYTES = 256 * 2**20


class Bodies:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.generation = 0
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        """The store changed: nothing kept is current any more."""
        with self._lock:
            self.generation += 1
            self._kept.clear()
            self._size = 0

    async def get(self, key: Hashable, make: Callable[[], tuple[bytes, bool]]) -> bytes:
        """The body for ``key``, made by ``make`` in a worker thread when it is not kept.
        ``make`` returns the body and whether it may be kept (a list whose agreement is
        still being worked out is not)."""
        with self._lock:
            generation = self.generation
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        body, keep = await run_in_threadpool(make)
        if keep and len(body) <= self.max_bytes // 8:
            with self._lock:
                if generation == self.generation and key not in self._kept:
                    self._kept[key] = body
                    self._size += len(body)
                    while self._size > self.max_bytes:
                        _, dropped = self._kept.popitem(last=False)
                        self._size -= len(dropped)
        return body

    def __len__(self) -> int:
        return len(self._kept)
