"""counterpoint: compare how news outlets report the same event, fact by fact.

The library in a few names (each imported on first use, so ``import counterpoint`` stays
quick)::

    from counterpoint import Store, compare_paths
    comparisons, failures = compare_paths(["examples/"])

:mod:`counterpoint.pipeline` runs the stages, :mod:`counterpoint.model` holds the records,
:mod:`counterpoint.report` renders them, :mod:`counterpoint.config` holds the settings;
``counterpoint --help`` is the command line.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("counterpoint")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "Article": "counterpoint.model",
    "Comparison": "counterpoint.model",
    "Event": "counterpoint.model",
    "Settings": "counterpoint.config",
    "Store": "counterpoint.store",
    "add_articles": "counterpoint.pipeline",
    "compare_event": "counterpoint.pipeline",
    "compare_paths": "counterpoint.pipeline",
    "ingest": "counterpoint.pipeline",
    "load_settings": "counterpoint.config",
    "render": "counterpoint.report",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'counterpoint' has no attribute {name!r}")
