"""The open database file that every part of a store reads and writes through: opening
it (and bringing a file of an earlier schema up to date), transactions, and the statements
each part writes rows with."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Self

from counterpoint.errors import StoreError
from counterpoint.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

__all__ = ["Connection"]


class Connection:
    """A counterpoint database file, open (or ``":memory:"``)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        import duckdb

        self.path = str(path)
        try:
            self._db = duckdb.connect(self.path)
            self._migrate()
            self._db.execute(SCHEMA)
            self._db.execute("INSERT OR REPLACE INTO setting VALUES ('schema', ?)",
                             [str(SCHEMA_VERSION)])
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (PID {holder.group(1)})" if holder else ""
                raise StoreError(
                    f"The database {self.path!r} is in use by another counterpoint "
                    f"process{who}; wait for it to finish, or pass another --db"
                ) from exc
            raise StoreError(
                f"Cannot open the database {self.path!r}: {exc}; "
                "pass --db with a writable path, or remove a file that is not a counterpoint database"
            ) from exc

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        """Bring a file of an earlier schema up to :data:`SCHEMA_VERSION`, each step in a
        transaction of its own (a new file needs none)."""
        tables = {t for (t,) in self._db.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if "setting" not in tables:
            return
        row = self._db.execute("SELECT value FROM setting WHERE name = 'schema'").fetchone()
        version = int(row[0]) if row else 1
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The database {self.path!r} was written by a newer counterpoint (schema "
                f"{version}, this one reads up to {SCHEMA_VERSION}); upgrade counterpoint"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                MIGRATIONS[step](self._db, tables)
                self._db.execute("INSERT OR REPLACE INTO setting VALUES ('schema', ?)",
                                 [str(step)])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction around the block: committed when it ends, rolled back (and the
        error raised again) when anything in it fails, an interrupt included."""
        self._db.execute("BEGIN TRANSACTION")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _insert(self, table: str, *columns: list, replace: bool = False) -> None:
        """Insert rows given column by column, in one statement (``replace``: in place of
        rows with the same key)."""
        if columns and columns[0]:
            insert = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
            self._db.execute(
                f"{insert} {table} SELECT {', '.join(['unnest(?)'] * len(columns))}",
                [list(c) for c in columns],
            )

    def _one(self, query: str) -> tuple:
        """The one row of an aggregate query."""
        row = self._db.execute(query).fetchone()
        assert row is not None
        return row
