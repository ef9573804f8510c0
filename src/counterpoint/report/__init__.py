"""Reports of comparisons: text (terminal), Markdown, JSON and a self-contained HTML page.

Every renderer takes the public JSON document (see :mod:`counterpoint.report.json`),
so all formats show the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable

from counterpoint.model import Comparison
from counterpoint.report.json import dumps, to_document

FORMATS = ("text", "markdown", "json", "html")

__all__ = ["FORMATS", "render", "to_document"]


def render(comparisons: Iterable[Comparison], fmt: str, *, width: int = 100) -> str:
    """The comparisons in format ``fmt`` (one of :data:`FORMATS`)."""
    document = to_document(comparisons)
    if fmt == "json":
        return dumps(document) + "\n"
    if fmt == "markdown":
        from counterpoint.report.markdown import render_markdown

        return render_markdown(document)
    if fmt == "html":
        from counterpoint.report.html import render_html

        return render_html(document)
    if fmt == "text":
        from counterpoint.report.text import render_text

        return render_text(document, width=width)
    raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
