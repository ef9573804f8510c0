"""The exceptions counterpoint raises.

::

    CounterpointError            anything counterpoint raises on purpose
    ├── ConfigError              a setting (file key, variable, flag) has a bad value
    ├── InputError               an input file, line or field cannot be used
    ├── ModelError               an NLP model is missing or failed to load
    ├── StoreError               the database file cannot be opened or written
    └── NotFoundError            an event, entity or article id is unknown

Every message says what failed, shows the offending value, and says how to fix it.
"""

from __future__ import annotations


class CounterpointError(Exception):
    """The root of every error counterpoint raises on purpose."""


class ConfigError(CounterpointError):
    """A setting cannot be used. ``where`` names its source: the file and key, the
    environment variable, or the flag (see :mod:`counterpoint.config`)."""

    def __init__(self, message: str, *, where: str) -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}")


class InputError(CounterpointError):
    """An input cannot be used. ``source`` names the file (and ``line`` the line)."""

    def __init__(self, message: str, *, source: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class ModelError(CounterpointError):
    """A model that counterpoint needs is not installed or cannot be loaded."""


class StoreError(CounterpointError):
    """The database file cannot be opened, read or written."""


class NotFoundError(CounterpointError):
    """An id given by the user names nothing in the store."""
