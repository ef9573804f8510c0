"""Settings: what a run can be told, read once at the command line and passed down.

Each setting is read from, each source over the one before: its default, a
``counterpoint.toml`` file, a ``COUNTERPOINT_<NAME>`` environment variable, and the
command's flag. Below the CLI nothing reads the environment: the library is handed a
:class:`Settings`, or the values it needs, as arguments (worker processes get them with
their tasks).

=================  ===================  =================  ==============================  ===========  =========================================
setting            default              file key           environment variable            flag         what it does
=================  ===================  =================  ==============================  ===========  =========================================
db                 counterpoint.duckdb  db                 COUNTERPOINT_DB                 --db         the database file (``compare``: in memory
                                                                                                        unless one is named)
workers            2 (1 on one CPU)     workers            COUNTERPOINT_WORKERS            --workers    processes that analyse articles, 1 to 64
device             cpu                  device             COUNTERPOINT_DEVICE             --device     where embeddings run: ``cpu`` or ``cuda``
                                                                                           (batch)
loaded_context     on                   loaded_context     COUNTERPOINT_LOADED_CONTEXT     none         read loaded words in their sentence's
                                                                                                        context (off: faster, fewer found)
max_article_chars  1000000              max_article_chars  COUNTERPOINT_MAX_ARTICLE_CHARS  none         the longest article text read; longer ones
                                                                                                        are refused with their size
=================  ===================  =================  ==============================  ===========  =========================================

The file is the ``config`` path (``counterpoint --config PATH``), else the one
``COUNTERPOINT_CONFIG`` names, else ``./counterpoint.toml`` where there is one; its
settings go in a ``[counterpoint]`` table::

    [counterpoint]
    db = "news.duckdb"
    loaded_context = false

A variable set to nothing counts as unset. On/off settings take ``on``/``off``,
``true``/``false``, ``yes``/``no`` or ``1``/``0`` (and TOML's ``true``/``false``).
``docs/configuration.md`` is the same table for users.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from counterpoint.errors import ConfigError
from counterpoint.ingest.text import MAX_ARTICLE_CHARS

DEFAULT_DB = "counterpoint.duckdb"
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
MAX_WORKERS = 64
DEVICES = ("cpu", "cuda")
CONFIG_FILE = "counterpoint.toml"
TABLE = "counterpoint"
CONFIG_VARIABLE = "COUNTERPOINT_CONFIG"
_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """One run's settings (see the table in :mod:`counterpoint.config`). Values are checked
    as they are made, so a bad one fails here, naming the setting, not deep in a run."""

    db: str = DEFAULT_DB
    workers: int = DEFAULT_WORKERS
    device: str = "cpu"
    loaded_context: bool = True
    max_article_chars: int = MAX_ARTICLE_CHARS

    def __post_init__(self) -> None:
        for name, parse in _PARSERS.items():
            object.__setattr__(self, name, parse(getattr(self, name), f"Settings({name}=...)"))


def load_settings(
    flags: Mapping[str, object] | None = None,
    *,
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    defaults: Settings | None = None,
) -> Settings:
    """The settings from ``defaults`` (:class:`Settings` ``()`` when None), then the
    configuration file, then the ``COUNTERPOINT_*`` variables of ``environ``
    (``os.environ`` when None), then ``flags`` (a flag's value None: not given).

    Raises :class:`~counterpoint.errors.ConfigError` naming the file and key, the variable
    or the flag of a bad value, and what it accepts."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}  # each checked by its parser, so of the field's type
    path = config_path(config, environ)
    if path is not None:
        values.update(read_config(path))
    values.update(_from_environ(environ))
    values.update(_from_flags(flags or {}))
    return replace(defaults or Settings(), **values)


def config_path(config: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The configuration file to read: ``config``, else ``COUNTERPOINT_CONFIG``'s, else
    ``./counterpoint.toml`` when it exists, else none. A file named on purpose must exist."""
    if config is not None:
        if not Path(config).is_file():
            raise ConfigError("no such configuration file; check the path", where=str(config))
        return Path(config)
    if named := environ.get(CONFIG_VARIABLE, "").strip():
        if not Path(named).is_file():
            raise ConfigError(
                f"{named!r} is not a file; fix the path or unset the variable",
                where=CONFIG_VARIABLE,
            )
        return Path(named)
    found = Path(CONFIG_FILE)
    return found if found.is_file() else None


def read_config(path: Path) -> dict[str, object]:
    """The settings of the ``[counterpoint]`` table of the TOML file ``path``, checked."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read it ({exc}); check the file", where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc}); fix the file", where=str(path)) from None
    if stray := [key for key in document if key != TABLE]:
        raise ConfigError(
            f"unknown table or key {stray[0]!r}; put the settings in a [{TABLE}] table",
            where=str(path),
        )
    table = document.get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{TABLE} = {table!r} is not a table; write a [{TABLE}] table", where=str(path)
        )
    values: dict[str, object] = {}
    for key, value in table.items():
        where = f"{path} [{TABLE}] {key}"
        name = _known(key, where)
        values[name] = _PARSERS[name](value, where)
    return values


def variable(name: str) -> str:
    """The environment variable of the setting ``name`` (``COUNTERPOINT_DB`` for ``db``)."""
    return f"COUNTERPOINT_{name.upper()}"


def flag(name: str) -> str:
    """The command-line flag of the setting ``name`` (``--max-article-chars``)."""
    return "--" + name.replace("_", "-")


def _from_environ(environ: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, parse in _PARSERS.items():
        raw = environ.get(variable(name), "")
        if raw.strip():  # set to nothing is unset, as it always was for COUNTERPOINT_DB
            values[name] = parse(raw, variable(name))
    return values


def _from_flags(flags: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, value in flags.items():
        if value is not None:  # a flag not given
            values[_known(name, flag(name))] = _PARSERS[name](value, flag(name))
    return values


def _known(name: str, where: str) -> str:
    if name not in _PARSERS:
        raise ConfigError(
            f"there is no setting {name!r}; the settings are {', '.join(_PARSERS)}",
            where=where,
        )
    return name


# --- one parser per setting: the value as given (text from a variable) -> the value -----


def _db(value: object, where: str) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise ConfigError(
        f"{value!r} names no database file; give one, such as {DEFAULT_DB!r}", where=where
    )


def _whole(low: int, high: int | None, example: int) -> Callable[[object, str], int]:
    span = f"from {low:,} to {high:,}" if high is not None else f"of {low:,} or more"

    def parse(value: object, where: str) -> int:
        number = value
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                number = None
        if (isinstance(number, bool) or not isinstance(number, int) or number < low
                or (high is not None and number > high)):
            raise ConfigError(
                f"{value!r} is not a whole number {span}; give one, such as {example:_}",
                where=where,
            )
        return number

    return parse


def _device(value: object, where: str) -> str:
    if isinstance(value, str) and value.strip().lower() in DEVICES:
        return value.strip().lower()
    raise ConfigError(f"{value!r} is not a device; use {' or '.join(DEVICES)}", where=where)


def _switch(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _ON or word in _OFF:
        return word in _ON
    raise ConfigError(
        f"{value!r} is neither on nor off; use on or off (or true/false, yes/no, 1/0)",
        where=where,
    )


_PARSERS: dict[str, Callable[[object, str], object]] = {
    "db": _db,
    "workers": _whole(1, MAX_WORKERS, DEFAULT_WORKERS),
    "device": _device,
    "loaded_context": _switch,
    "max_article_chars": _whole(1, None, MAX_ARTICLE_CHARS),
}
"""How each setting (every field of :class:`Settings`, in order) is read."""
