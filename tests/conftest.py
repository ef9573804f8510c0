from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint import pipeline
from counterpoint.report.json import to_document
from counterpoint.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def seed_document() -> dict:
    """The JSON document for the two bundled seed articles (analysed once per session)."""
    comparisons, failures = pipeline.compare_paths([EXAMPLES], store=Store())
    assert failures == ()
    return to_document(comparisons)


@pytest.fixture(scope="session")
def seed_event(seed_document) -> dict:
    assert len(seed_document["events"]) == 1
    return seed_document["events"][0]


def outlet_of(event: dict, article_id: str) -> str:
    return next(a["outlet"] for a in event["articles"] if a["id"] == article_id)
