"""Per-article analysis: sentences, entities, times, figures, attributions, labels.

Each article is analysed on its own, so the stage parallelises trivially:
:func:`analyze_many` runs the spaCy pipeline in batches and, with ``workers``
greater than one, in a pool of processes that each load the models once.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Literal, overload

from counterpoint.analyze.attribution import find_attributions
from counterpoint.analyze.claims import find_claims, lemmas
from counterpoint.analyze.embed import default_embedder
from counterpoint.analyze.entities import find_mentions
from counterpoint.analyze.figures import find_figures, mark_background, reference_day
from counterpoint.analyze.labels import find_labels
from counterpoint.analyze.loaded import default_model
from counterpoint.analyze.nlp import load_nlp
from counterpoint.analyze.times import event_date, find_times
from counterpoint.errors import ModelError
from counterpoint.model import Analysis, Article, Sentence

__all__ = ["analyze", "analyze_many", "lead_text"]

LEAD_SENTENCES = 3


def analyze(article: Article) -> Analysis:
    """Analyse one article (loads the models on first use)."""
    return next(analyze_many([article]))


@overload
def analyze_many(
    articles: Iterable[Article], *, workers: int = ..., batch_size: int = ...,
    keep_going: Literal[False] = ..., loaded_context: bool = ..., device: str = ...,
) -> Iterator[Analysis]: ...


@overload
def analyze_many(
    articles: Iterable[Article], *, workers: int = ..., batch_size: int = ..., keep_going: bool,
    loaded_context: bool = ..., device: str = ...,
) -> Iterator[Analysis | ModelError]: ...


def analyze_many(
    articles: Iterable[Article],
    *,
    workers: int = 1,
    batch_size: int = 16,
    keep_going: bool = False,
    loaded_context: bool = True,
    device: str = "cpu",
) -> Iterator[Analysis | ModelError]:
    """Analyses in input order. ``workers > 1`` spreads batches over processes.

    With ``keep_going``, an article whose analysis fails yields a
    :class:`~counterpoint.errors.ModelError` naming it instead of stopping the run.
    ``loaded_context=False`` leaves out the loaded-word tagger's reading of context (about
    1.8 times as fast, fewer loaded words found); ``device`` is where the embeddings run
    (``cpu`` or ``cuda``). Worker processes get both with each batch, as arguments.
    """
    articles = list(articles)
    if workers <= 1 or len(articles) < 2 * batch_size:
        yield from _analyze_batch(articles, keep_going, loaded_context, device)
        return
    batches = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]
    every = len(batches)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_warm_up, initargs=(device,)
    ) as pool:
        for result in pool.map(_analyze_batch_list, batches, [keep_going] * every,
                               [loaded_context] * every, [device] * every):
            yield from result


def _warm_up(device: str = "cpu") -> None:
    die_with_parent()
    load_nlp()
    default_embedder(device=device)


def die_with_parent() -> None:
    """Ask the kernel to end this worker process when its parent dies (Linux), so that a
    killed ``ingest`` leaves no workers running on, holding memory."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _analyze_batch_list(
    articles: Sequence[Article], keep_going: bool = False, loaded_context: bool = True,
    device: str = "cpu",
) -> list[Analysis | ModelError]:
    return list(_analyze_batch(articles, keep_going, loaded_context, device))


def _analyze_batch(
    articles: Sequence[Article], keep_going: bool = False, loaded_context: bool = True,
    device: str = "cpu",
) -> Iterator[Analysis | ModelError]:
    nlp = load_nlp()
    bodies = [a.text[a.body_start :] for a in articles]
    # ingest caps an article's size (the max_article_chars setting); what it let through
    # is read whole, past spaCy's default limit
    nlp.max_length = max([nlp.max_length, *(len(b) + 1 for b in bodies)])
    docs = list(nlp.pipe(bodies, batch_size=16))
    leads = [lead_text(a, doc) for a, doc in zip(articles, docs)]
    embedder = default_embedder(device=device)
    vectors = embedder.encode(leads) if articles else ()
    # The sentences that may hold a loaded word, encoded once for the model's reading of
    # context; loaded_context=False skips that (faster, fewer loaded words found).
    model = default_model()
    reads_context = loaded_context and (bool(model.context) or model.tagger is not None)
    states = (model.context_states(docs, embedder=embedder) if reads_context
              else [False] * len(docs))
    for article, doc, vector, state in zip(articles, docs, vectors, states):
        try:
            yield _analyze_doc(article, doc, tuple(float(x) for x in vector), state)
        except Exception as exc:
            if not keep_going:
                raise
            yield ModelError(
                f"Cannot analyse this article ({type(exc).__name__}: {exc}); it was skipped. "
                "Please report it with the file that holds it"
            )


def lead_text(article: Article, doc) -> str:
    """The title and the first sentences: what the article is about."""
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()][:LEAD_SENTENCES]
    return " ".join(([article.title] if article.title else []) + sentences)


def _analyze_doc(article: Article, doc, embedding: tuple[float, ...], states=None) -> Analysis:
    offset = article.body_start
    sentences = _sentences(doc, offset)
    starts = [s.start for s in sentences]

    def sentence_of(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    mentions = find_mentions(doc, offset=offset, sentence_of=sentence_of)
    times = find_times(doc, offset=offset, published=article.published)
    attributions = find_attributions(doc, offset=offset, mentions=mentions)
    figures = [
        _attribute(f, attributions)
        for f in find_figures(doc, offset=offset, sentence_of=sentence_of)
    ]
    labels = find_labels(
        doc,
        offset=offset,
        attributions=attributions,
        mentions=mentions,
        sentence_of=sentence_of,
        states=states,
    )
    lead_end = sentences[min(LEAD_SENTENCES, len(sentences)) - 1].end if sentences else 0
    happened = event_date(times, lead_end, article.published)
    figures = mark_background(
        figures, sentences, times, reference_day(article.published, happened, times)
    )
    return Analysis(
        article_id=article.id,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        times=tuple(times),
        figures=tuple(figures),
        attributions=tuple(attributions),
        labels=tuple(labels),
        lemmas=tuple(_lemmas(doc, s, offset) for s in sentences),
        embedding=embedding,
        event_date=happened,
        claims=tuple(
            find_claims(doc, offset=offset, sentences=sentences, attributions=attributions)
        ),
    )


def _sentences(doc, offset: int) -> list[Sentence]:
    """The doc's sentences, stripped, and cut at blank lines: a paragraph break always ends
    a sentence (a headline or a subhead without a full stop does not run into the paragraph
    under it). A closing quotation mark that the parser put at the start of the next
    paragraph (``... that way."`` + line break) goes back to its sentence."""
    out: list[Sentence] = []
    for sent in doc.sents:
        base = offset + sent.start_char
        for a, b in _pieces(sent.text):
            start, text = base + a, sent.text[a:b]
            stray = _STRAY_QUOTE.match(text)
            if stray and out:
                last, end = out[-1], start + 1
                out[-1] = Sentence(
                    start=last.start, end=end, text=doc.text[last.start - offset : end - offset]
                )
                start, text = start + stray.end(), text[stray.end() :]
                if not text:
                    continue
            out.append(Sentence(start=start, end=start + len(text), text=text))
    return out


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each stretch of ``text`` between blank lines (or after a line that
    ends without punctuation), stripped."""
    at = 0
    for found in [*_BLANK_LINE.finditer(text), None]:
        stop = found.start() if found else len(text)
        piece = text[at:stop]
        if piece.strip():
            yield at + len(piece) - len(piece.lstrip()), stop - (len(piece) - len(piece.rstrip()))
        if found:
            at = found.end()


_BLANK_LINE = re.compile(
    r"\n[ \t\r\f\v]*\n\s*"
    # a line with no closing punctuation (a headline, a dateline, a byline) ends its unit
    # when the next line starts as a sentence does; a hard-wrapped line goes on in lower case
    r"|(?<=[^\s.!?:;,\"”’)\]])[ \t\r\f\v]*\n\s*(?=[A-Z0-9\"“‘(])"
)
_STRAY_QUOTE = re.compile(r"[\"”’»](?:\s*\n\s*|$)")
"""A closing quotation mark, then a line break (or nothing): the end of the paragraph above."""


def _lemmas(doc, sentence: Sentence, offset: int) -> tuple[str, ...]:
    span = doc.char_span(sentence.start - offset, sentence.end - offset, alignment_mode="expand")
    return () if span is None else lemmas(span)


def _attribute(figure, attributions):
    """The figure's source: the speaker of the reported speech it stands in (not of a stance:
    in "X praised the 200,000 jobs", the figure is the writer's)."""
    for attribution in attributions:
        c = attribution.content
        if (
            c.start <= figure.number.start < c.end
            and attribution.speaker
            and attribution.kind == "speech"
        ):
            return replace(figure, attributed_to=attribution.speaker)
    return figure
