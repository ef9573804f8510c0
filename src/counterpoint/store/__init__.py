"""The embedded database (DuckDB): the only package that speaks SQL.

A :class:`Store` is one database file, its parts by module:

- :mod:`~counterpoint.store.schema`: the tables (drawn in its docstring), the schema version
  of the file, and the migrations that bring an older file up to date;
- :mod:`~counterpoint.store.core`: opening the file, transactions, and the statements the
  other parts write rows with;
- :mod:`~counterpoint.store.articles`: articles, their analyses and their grouping profiles;
- :mod:`~counterpoint.store.events`: the events and the merges that renamed them;
- :mod:`~counterpoint.store.grouping`: what incremental grouping keeps between ingests;
- :mod:`~counterpoint.store.comparisons`: each event's comparison, stored once per membership;
- :mod:`~counterpoint.store.search`: search and pages of events, for the web app.
"""

from __future__ import annotations

from counterpoint.store.articles import ADD_CHUNK, ARTICLE_COLUMNS, Articles
from counterpoint.store.comparisons import Comparisons
from counterpoint.store.events import Events
from counterpoint.store.grouping import Grouping
from counterpoint.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION
from counterpoint.store.search import Search

__all__ = ["ADD_CHUNK", "ARTICLE_COLUMNS", "MIGRATIONS", "SCHEMA", "SCHEMA_VERSION", "Store"]


class Store(Articles, Events, Grouping, Comparisons, Search):
    """A counterpoint database file (or ``":memory:"``)."""
