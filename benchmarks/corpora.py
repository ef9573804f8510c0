"""Read the event-labelled corpora in ``../shared/eval`` as :class:`Article` objects.

Each loader returns ``(article, gold)`` pairs, where ``gold`` names the real-world
event the article reports:

- ECB+ (``ecbplus/``): the sub-topic, ``"<topic>_ecb"`` or ``"<topic>_ecbplus"``;
  documents carry no publication date.
- BASIL (``basil/``): the triplet (one event covered by Fox, NYT and HuffPost);
  the article's own date is its publication date.
- AllSides roundups (``allsides/roundups.jsonl``): the story; each side's excerpt
  is one article, dated with the roundup's date (the excerpts carry none of their own).

The data stays where it is: these functions read it, they never copy it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks import ecbplus
from counterpoint.ingest import article_from_text
from counterpoint.model import Article

__all__ = ["DATASETS", "allsides_perspectives", "load_allsides", "load_basil", "load_ecbplus"]

Labelled = list[tuple[Article, str]]


def load_ecbplus(path: str | Path) -> Labelled:
    docs = ecbplus.load(path)
    return list(zip(ecbplus.to_articles(docs), (d.subtopic for d in docs)))


def load_basil(path: str | Path) -> Labelled:
    root = Path(path)
    folder = root / "articles" if (root / "articles").is_dir() else root
    files = sorted(folder.rglob("*.json"))
    if not files:
        raise FileNotFoundError(
            f"No BASIL article files (articles/<year>/<uuid>_<n>.json) under {str(root)!r}; "
            "pass the basil folder, e.g. ../shared/eval/basil"
        )
    pairs = []
    for file in files:
        record = json.loads(file.read_text(encoding="utf-8"))
        text = "\n\n".join(" ".join(p) for p in record["body-paragraphs"] if p)
        article = article_from_text(
            text,
            source=str(file),
            outlet=record["source"].lower(),
            title=record.get("title") or None,
            published=_date(record.get("date")),
            url=record.get("url") or None,
        )
        pairs.append((article, record["triplet-uuid"]))
    return pairs


def load_allsides(path: str | Path) -> Labelled:
    file = _roundups_file(path)
    pairs = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        story = json.loads(line)
        published = _date(story.get("date", "")[:10])
        for side, item in sorted((story.get("news") or {}).items()):
            body = "\n\n".join(p.strip() for p in item.get("newBody") or [] if p.strip())
            if not body:
                continue
            article = article_from_text(
                body,
                source=f"{file}:{number}:{side}",
                outlet=item.get("newsSource") or side,
                title=item.get("newsTitle") or None,
                published=published,
                url=item.get("newsLink") or None,
            )
            pairs.append((article, str(story["id"])))
    return pairs


def allsides_perspectives(path: str | Path) -> set[str]:
    """Ids of the AllSides stories that gather opinion on a happening, titled
    "Perspectives: …". AllSides keeps such a story apart from its news story on the
    same happening ("Facebook Board Upholds Trump Ban but Orders Review" and
    "Perspectives: Facebook Board Upholds Trump Ban", both of 5 May 2021)."""
    lines = _roundups_file(path).read_text(encoding="utf-8").splitlines()
    stories = (json.loads(line) for line in lines if line.strip())
    return {
        str(story["id"])
        for story in stories
        if (story.get("issue") or "").lower().startswith("perspectives:")
    }


def _roundups_file(path: str | Path) -> Path:
    """The AllSides roundups file: ``path`` itself, or ``roundups.jsonl`` in that folder."""
    root = Path(path)
    file = root / "roundups.jsonl" if root.is_dir() else root
    if not file.is_file():
        raise FileNotFoundError(
            f"No AllSides roundups file at {str(file)!r}; "
            "pass ../shared/eval/allsides or its roundups.jsonl"
        )
    return file


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


DATASETS: dict[str, Callable[[str | Path], Labelled]] = {
    "ecbplus": load_ecbplus,
    "basil": load_basil,
    "allsides": load_allsides,
}
