"""Comparisons are a stored stage: made once per event membership, read after that."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from fastapi.testclient import TestClient
from tests.conftest import EXAMPLES

import counterpoint.pipeline as pipeline
from counterpoint.model import Event
from counterpoint.store import Store
from counterpoint.web import create_app


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("stored") / "seed.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([EXAMPLES], store)
        assert len(report.added) == 2
    return path


@pytest.fixture()
def copy(seed_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(seed_db, path)
    return path


def _refuse_to_compare(*args, **kwargs):
    raise AssertionError("compare ran on read")


def test_ingest_stores_the_comparison_and_reads_do_not_recompute(copy, monkeypatch):
    with Store(copy) as store:
        (event,) = store.events()
        made = store.comparison(event.id, pipeline.comparison_key(event))
        assert made is not None and made.facts
        monkeypatch.setattr(pipeline, "compare", _refuse_to_compare)
        assert pipeline.compare_event(store, event.id) == made
    with TestClient(create_app(str(copy)), base_url="http://127.0.0.1") as client:
        row = client.get("/api/events").json()["events"][0]
        assert row["facts"]["agreed"] == sum(f.status == "agreed" for f in made.facts)
        document = client.get(f"/api/events/{event.id}").json()["events"][0]
        assert len(document["facts"]) == len(made.facts)
        assert client.get(f"/events/{event.id}").status_code == 200


def test_a_new_comparison_version_or_membership_recomputes(copy, monkeypatch):
    calls = []
    real = pipeline.compare

    def counting(*args, **kwargs):
        calls.append(args[0].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "compare", counting)
    with Store(copy) as store:
        (event,) = store.events()
        pipeline.compare_event(store, event)
        assert calls == []
        monkeypatch.setattr(pipeline, "version", lambda: "another-version")
        pipeline.compare_event(store, event)
        pipeline.compare_event(store, event)  # stored again under the new version
        assert calls == [event.id]
        smaller = Event(id=event.id, title=event.title, article_ids=event.article_ids[:1])
        assert pipeline.comparison_key(smaller) != pipeline.comparison_key(event)
        assert len(pipeline.compare_event(store, smaller).articles) == 1
        assert calls == [event.id, event.id]



def test_the_web_app_answers_while_an_event_is_being_compared(tmp_path, monkeypatch):
    path = tmp_path / "uncompared.duckdb"
    with Store(path) as store:
        pipeline.ingest([EXAMPLES], store, compare_events=False)
        (event,) = store.events()
    real, started = pipeline.compare, threading.Event()

    def slow(*args, **kwargs):
        started.set()
        time.sleep(4)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "compare", slow)
    with TestClient(create_app(str(path)), base_url="http://127.0.0.1") as client:
        comparing = threading.Thread(target=client.get, args=(f"/api/events/{event.id}",))
        comparing.start()
        assert started.wait(30)
        listed = client.get("/")  # the list takes the catalog's lock; the comparison does not
        assert listed.status_code == 200
        assert comparing.is_alive()  # answered before the comparison was done
        comparing.join(60)
    with Store(path) as store:  # and the comparison made meanwhile was stored
        assert store.comparison(event.id, pipeline.comparison_key(event)) is not None


def test_events_compared_in_worker_processes_are_stored_as_compared_inline(copy):
    with Store(copy) as store:
        (event,) = store.events()
        inline = pipeline.compare_event(store, event)
        # events of the same articles under other ids, enough for the worker processes
        others = [Event(id=f"{event.id}_{k}", article_ids=event.article_ids, title=event.title)
                  for k in range(pipeline.PARALLEL_EVENTS)]
        assert pipeline.compare_all(store, others, workers=2) == 0
        for other in others:
            made = store.comparison(other.id, pipeline.comparison_key(other))
            assert made is not None
            assert [(f.status, f.reports) for f in made.facts] == [
                (f.status, f.reports) for f in inline.facts]
            assert made.figures == inline.figures and made.summary == inline.summary
