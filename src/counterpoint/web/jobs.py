"""Ingest from the web: uploaded files, pasted text and fetched pages, one job at a time.

A request hands its inputs to :class:`Ingester` and gets a :class:`Job` back at once; one
worker thread runs the jobs in order, holding the write lock (DuckDB allows one writer),
and the page polls the job's progress. The worker writes through its own connection and
tells the :class:`~.catalog.Catalog` when the store has changed.

Pages are fetched by :func:`counterpoint.ingest.fetch.fetch_article`, which refuses
addresses of the machine's own network. Uploaded files are written under names the server makes (the upload's own name stripped
to letters, digits, dots and dashes, kept only for the outlet and for messages) inside a
private temporary folder that is removed when the job ends: no name from a request is
used as a path.
"""

from __future__ import annotations

import itertools
import queue
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from counterpoint import pipeline
from counterpoint.config import Settings
from counterpoint.errors import CounterpointError, InputError
from counterpoint.ingest import article_from_text, read_paths
from counterpoint.ingest.fetch import Network, fetch_article
from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Article
from counterpoint.store import Store

from .catalog import Catalog

KEPT_JOBS = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Pasted:
    text: str
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """What one request asks to ingest. ``outlet`` names the outlet of files and pages."""

    uploads: tuple[Upload, ...] = ()
    pasted: tuple[Pasted, ...] = ()
    urls: tuple[str, ...] = ()
    outlet: str | None = None

    def __len__(self) -> int:
        return len(self.uploads) + len(self.pasted) + len(self.urls)


@dataclass(slots=True)
class Job:
    """One ingest, as the page sees it while it runs and after."""

    id: str
    inputs: int
    state: str = "queued"
    """queued, reading, fetching, analysing, loading (the stored analyses of articles
    stored without a profile, by an earlier version), grouping, done or failed."""
    done: int = 0
    total: int = 0
    message: str = "waiting for the jobs before it"
    report: dict | None = None
    created: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "state": self.state,
            "finished": self.finished,
            "inputs": self.inputs,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "report": self.report,
        }


class Ingester:
    """Runs ingest jobs one after another in a worker thread. Pages are fetched only from
    public addresses and the ``allowed`` networks (see :mod:`counterpoint.ingest.fetch`).
    ``settings`` (None: the defaults) give the article size limit, the device and the
    reading of loaded words in context; the analysis runs in the worker thread itself,
    whatever their ``workers``: no process pool is forked from a serving process."""

    def __init__(self, catalog: Catalog, *, allowed: tuple[Network, ...] = (),
                 settings: Settings | None = None) -> None:
        self.catalog = catalog
        self.allowed = allowed
        self.settings = settings or Settings()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: queue.Queue[tuple[Job, Submission] | None] = queue.Queue()
        self._changed = threading.Condition()
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._token = f"{int(time.time() * 1000) % 10**8:08d}"

    def submit(self, submission: Submission) -> Job:
        job = Job(id=f"job_{self._token}_{next(self._ids)}", inputs=len(submission))
        with self._changed:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="ingest", daemon=True)
                self._thread.start()
        self._queue.put((job, submission))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._changed:
            return self._jobs.get(job_id)

    def wait(self, job: Job, *, timeout: float) -> Job:
        """Block until ``job`` has finished, or ``timeout`` seconds have passed."""
        with self._changed:
            self._changed.wait_for(lambda: job.finished, timeout=timeout)
        return job

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    # --- the worker ------------------------------------------------------------------

    def _update(self, job: Job, **changes) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(job, name, value)
            self._changed.notify_all()

    def _work(self) -> None:
        store: Store | None = None
        try:
            while (item := self._queue.get()) is not None:
                job, submission = item
                try:
                    store = store or Store(self.catalog.path)
                    self._run(job, submission, store)
                except Exception as exc:  # a job fails alone; the worker goes on
                    reason = str(exc) if isinstance(exc, CounterpointError) else repr(exc)
                    self._update(job, state="failed", message=f"The ingest failed: {reason}")
        finally:
            if store is not None:
                store.close()

    def _run(self, job: Job, submission: Submission, store: Store) -> None:
        self._update(job, state="reading", message="reading the articles")
        limit = self.settings.max_article_chars
        folder = Path(tempfile.mkdtemp(prefix="counterpoint-upload-"))
        try:
            articles, failures = read_uploads(submission.uploads, submission.outlet, folder,
                                              max_article_chars=limit)
            for pasted in submission.pasted:
                try:
                    articles.append(from_pasted(pasted, max_article_chars=limit))
                except InputError as err:
                    failures.append(err)
            for url in submission.urls:
                self._update(job, state="fetching", message=f"fetching {url}")
                try:
                    articles.append(fetch_article(url, outlet=submission.outlet,
                                                  allowed=self.allowed, max_article_chars=limit))
                except InputError as err:
                    failures.append(err)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

        def progress(stage: str, done: int, total: int) -> None:
            verb = {"analysing": "analysed", "loading": "loaded", "grouping": "placed",
                    "comparing": "compared"}[stage]
            message = f"{verb} {done} of {total}"
            if stage == "analysing" and done >= total:
                stage, message = "grouping", "grouping into events"
            self._update(job, state=stage, done=done, total=total, message=message)

        self._update(job, state="analysing", total=len(articles), message="analysing")
        with self._write_lock:
            report = pipeline.add_articles(articles, store, failures=failures, workers=1,
                                           settings=self.settings, progress=progress)
        self.catalog.changed()
        wanted = set(report.article_ids)
        events = [  # the events of every article sent, new or already stored
            {"id": e.id, "title": e.title, "article_count": len(e.article_ids)}
            for e in store.events()
            if wanted & set(e.article_ids)
        ]
        result = {
            "added": list(report.added),
            "known": list(report.known),
            "failures": [
                {"source": f.source, "line": f.line, "message": str(f)} for f in report.failures
            ],
            "events": events,
        }
        state = "failed" if report.failures and not report.article_ids else "done"
        self._update(job, state=state, report=result, message=_summary(result))


def _summary(result: dict) -> str:
    parts = [f"{len(result['added'])} added", f"{len(result['known'])} already stored"]
    if result["failures"]:
        parts.append(f"{len(result['failures'])} failed")
    return ", ".join(parts) + f"; in {len(result['events'])} event(s)"


# --- reading each kind of input ------------------------------------------------------------


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name, with anything but ``\\w . - space`` replaced."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    return base[-100:] or "upload"


def read_uploads(
    uploads: tuple[Upload, ...], outlet: str | None, folder: Path, *,
    max_article_chars: int = MAX_ARTICLE_CHARS,
) -> tuple[list[Article], list[InputError]]:
    """Articles of uploaded files, each written to its own folder under ``folder``."""
    articles: list[Article] = []
    failures: list[InputError] = []
    for number, upload in enumerate(uploads, start=1):
        name = safe_name(upload.name)
        path = folder / f"file{number}" / name
        path.parent.mkdir()
        path.write_bytes(upload.data)
        result = read_paths([path], outlet=outlet, max_article_chars=max_article_chars)
        here = str(path)
        articles += [replace(a, source=a.source.replace(here, name, 1)) for a in result.articles]
        failures += [
            InputError(f.reason.replace(here, name), source=f.source.replace(here, name, 1),
                       line=f.line)
            for f in result.failures
        ]
    return articles, failures


def from_pasted(pasted: Pasted, *, max_article_chars: int = MAX_ARTICLE_CHARS) -> Article:
    from counterpoint.ingest.text import headline
    from counterpoint.ingest.urls import url_host

    source = pasted.url or "pasted text"
    outlet = pasted.outlet or (url_host(pasted.url) if pasted.url else None) or "pasted"
    return article_from_text(
        pasted.text,
        source=source,
        outlet=outlet,
        title=pasted.title or headline(pasted.text),
        published=pasted.published,
        url=pasted.url,
        max_article_chars=max_article_chars,
    )
