"""ingest: files, folders, HTML pages and JSON Lines -> :class:`~counterpoint.model.Article`.

``.txt``    the whole decoded file is the text; an optional `` date 2024-11-29 TEHRAN - ``
            prefix gives ``published``, ``dateline`` and ``body_start``, or a first line
            standing alone above a blank line gives ``title``
``.html``   trafilatura finds the main text, title, date and site name
``.jsonl``  one article per line (``.jsonl.gz`` too); a bad line fails alone
"""

from .names import SUFFIXES
from .paths import IngestResult, read_file, read_file_collecting, read_paths
from .text import article_from_text

__all__ = [
    "SUFFIXES",
    "IngestResult",
    "article_from_text",
    "read_file",
    "read_file_collecting",
    "read_paths",
]
