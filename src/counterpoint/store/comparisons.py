"""Each event's comparison, stored once per event membership."""

from __future__ import annotations

import contextlib

from counterpoint.codec import from_json, pack, to_json, unpack
from counterpoint.model import Comparison
from counterpoint.store.core import Connection

__all__ = ["Comparisons"]


class Comparisons(Connection):
    """The comparisons a store keeps, by event id and the key each was made under."""

    def comparison(self, event_id: str, key: str) -> Comparison | None:
        """The stored comparison of ``event_id`` if it was made under ``key`` (the event's
        membership and the comparison version, :func:`counterpoint.pipeline.comparison_key`)."""
        # by the id alone, so that the primary key's index finds the row: a second condition
        # in the query makes DuckDB scan every stored comparison (30 ms at 1,000 events)
        row = self._db.execute("SELECT key, data FROM comparison WHERE event_id = ?",
                               [event_id]).fetchone()
        return unpack(Comparison, row[1]) if row and row[0] == key else None

    def comparisons(self, keys: dict[str, str]) -> dict[str, Comparison]:
        """The stored comparisons among ``keys`` (event id -> key) made under their key."""
        if not keys:
            return {}
        rows = self._db.execute(
            "SELECT event_id, key, data FROM comparison WHERE event_id IN (SELECT unnest(?))",
            [list(keys)]).fetchall()
        return {i: unpack(Comparison, d) for i, k, d in rows if keys[i] == k}

    def comparison_counts(self, keys: dict[str, str]) -> dict[str, dict[str, int]]:
        """Facts by status of the stored comparisons among ``keys`` (event id -> key)."""
        if not keys:
            return {}
        rows = self._db.execute(
            "SELECT event_id, key, counts FROM comparison WHERE event_id IN (SELECT unnest(?))",
            [list(keys)]).fetchall()
        return {i: from_json(dict[str, int], c) for i, k, c in rows if keys[i] == k}

    def put_comparison(self, key: str, comparison: Comparison, counts: dict[str, int]) -> None:
        """Store ``comparison`` under ``key``, in the place of the event's earlier one. When
        another connection of this process stores the same event at the same moment, its
        copy stands (both are the same comparison)."""
        import duckdb

        with contextlib.suppress(duckdb.TransactionException):
            self._db.execute("INSERT OR REPLACE INTO comparison VALUES (?, ?, ?, ?)",
                             [comparison.event.id, key, to_json(counts), pack(comparison)])
