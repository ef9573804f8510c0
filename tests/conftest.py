from __future__ import annotations

import os
import subprocess
import sys
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


def outputs_under_hash_seeds(code: str, seeds=range(4)) -> set[str]:
    """What the Python ``code`` prints, run afresh under each of ``seeds`` for the hash seed
    (the order of sets of strings): one output means the result does not hang on it."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in seeds
    }
