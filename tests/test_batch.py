"""Batch analysis: shards and WARC files in, Parquet out, on the local and the Ray engine."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.conftest import EXAMPLES

from counterpoint import pipeline
from counterpoint.analyze.embed import Embedder
from counterpoint.batch import run_batch
from counterpoint.batch.local import LocalEngine
from counterpoint.batch.parquet import articles_file
from counterpoint.batch.records import analysis_of
from counterpoint.batch.run import group_files, store_output
from counterpoint.batch.shards import find_shards, read_shard, shard_of
from counterpoint.batch.windows import Window, stitch, windows_for
from counterpoint.cli import main
from counterpoint.errors import ModelError
from counterpoint.model import Event
from counterpoint.store import Store

FLOOD = (
    "Heavy rain flooded the centre of Valencia on Tuesday, and the regional government said "
    "at least 40 homes were evacuated. Firefighters rescued a driver trapped in a car near "
    "the port, the city council said in a statement."
)
ELECTION = (
    "Voters in Iceland went to the polls on Saturday for a snap parliamentary election called "
    "after the coalition government collapsed. Turnout was above 80 percent, the national "
    "electoral commission said."
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Two shards: the seed articles in different ones, two other stories, one bad line."""
    folder = tmp_path_factory.mktemp("inputs")
    wire = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    tehran = (EXAMPLES / "tehran-times.txt").read_text(encoding="utf-8")
    first = [
        {"text": wire, "outlet": "wire", "published": "2024-11-28"},
        {"text": FLOOD, "outlet": "Levante", "published": "2024-10-29", "title": "Valencia floods"},
    ]
    lines = [json.dumps(r) for r in first]
    lines.insert(1, '{"text": "a line that was cut off')
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = [
        {"text": tehran, "outlet": "Tehran Times"},
        {"text": ELECTION, "outlet": "RUV", "published": "2024-11-30"},
    ]
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("".join(json.dumps(r) + "\n" for r in second))
    return folder


@pytest.fixture(scope="module")
def local_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out-local")
    return run_batch([inputs], out, engine="local", workers=2)


def articles_table(out: Path):
    return ds.dataset(out / "articles").to_table().sort_by("id")


def test_local_run_writes_articles_events_and_errors(local_run, inputs):
    out = local_run.out
    assert (local_run.shards, local_run.skipped, local_run.analysed) == (2, 0, 4)
    rows = articles_table(out).to_pylist()
    texts = {(EXAMPLES / n).read_text(encoding="utf-8") for n in ("wire.txt", "tehran-times.txt")}
    assert texts <= {r["text"] for r in rows}  # stored exactly as read
    for row in rows:
        analysis = analysis_of(row)
        assert analysis.article_id == row["id"] and analysis.sentences
        for mention in analysis.mentions:
            assert row["text"][mention.start : mention.end] == mention.text
    tehran = next(r for r in rows if r["outlet"] == "Tehran Times")
    assert tehran["published"] == date(2024, 11, 29)  # from the text's own date prefix
    assert tehran["shard"] == str(inputs / "b.jsonl.gz") and tehran["line"] == 1
    events = pq.read_table(out / "events.parquet").to_pylist()
    assert sum(e["articles"] for e in events) == 4
    seeds = {r["id"] for r in rows if r["outlet"] in ("wire", "Tehran Times")}
    assert any(set(e["article_ids"]) == seeds for e in events)
    (error,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert error["shard"] == str(inputs / "a.jsonl") and error["line"] == 2
    assert "not valid JSON" in error["message"]


def test_ray_gives_the_same_output_as_local(local_run, inputs, tmp_path):
    ray = pytest.importorskip("ray")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        report = run_batch([inputs], tmp_path / "out", engine="ray", workers=2)
    finally:
        ray.shutdown()
    assert report.engine == "ray" and report.analysed == 4
    assert articles_table(report.out).equals(articles_table(local_run.out))
    assert pq.read_table(report.out / "events.parquet").equals(
        pq.read_table(local_run.out / "events.parquet")
    )
    assert (report.out / "errors.jsonl").read_text() == (local_run.out / "errors.jsonl").read_text()


def test_an_interrupted_run_resumes_where_it_stopped(local_run, inputs, tmp_path):
    out = tmp_path / "out"

    def stop_after_first_shard(progress):
        if progress.shards_done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([inputs], out, workers=1, progress=stop_after_first_shard)
    assert len(list((out / "articles").glob("*.parquet"))) == 1
    assert not (out / "events.parquet").exists()
    report = run_batch([inputs], out, workers=1)
    assert (report.shards, report.skipped, report.analysed, report.articles) == (2, 1, 2, 4)
    assert articles_table(out).equals(articles_table(local_run.out))
    assert pq.read_table(out / "events.parquet").equals(
        pq.read_table(local_run.out / "events.parquet")
    )


def test_grouping_does_not_depend_on_sharding_or_window_size(local_run, inputs, tmp_path):
    shards, _ = find_shards([inputs])
    files = [articles_file(local_run.out, s.key) for s in shards]
    # the same articles as one shard, in reverse order
    merged = tmp_path / "merged.parquet"
    table = ds.dataset([str(f) for f in files]).to_table()
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), merged)
    engine = LocalEngine(workers=1)
    try:
        expected, _ = group_files(engine, files)
        assert group_files(engine, [merged])[0] == expected
        assert group_files(engine, list(reversed(files)), window_days=1)[0] == expected
    finally:
        engine.close()


def test_shards_are_found_in_folders_but_not_in_the_output(tmp_path):
    (tmp_path / "crawl" / ".hidden").mkdir(parents=True)
    (tmp_path / "crawl" / "out" / "errors").mkdir(parents=True)
    for name in (
        "crawl/a.jsonl.gz",
        "crawl/b.WARC.GZ",
        "crawl/.hidden/c.jsonl",
        "crawl/out/errors/a.jsonl",
        "crawl/notes.pdf",
    ):
        (tmp_path / name).write_bytes(b"x")
    shards, errors = find_shards(
        [tmp_path / "crawl", tmp_path / "crawl" / "a.jsonl.gz", tmp_path / "nowhere"],
        skip=tmp_path / "crawl" / "out",
    )
    assert [Path(s.path).name for s in shards] == ["a.jsonl.gz", "b.WARC.GZ"]
    assert len({s.key for s in shards}) == 2
    (error,) = errors
    assert error.shard.endswith("nowhere") and "no such file" in error.message


def test_windows_overlap_by_the_gate_and_keep_undated_apart():
    windows = windows_for([date(2024, 11, 29), None, date(2024, 11, 1)], days=10, overlap=7)
    assert windows[-1] == Window(start=None, end=None)
    dated = windows[:-1]
    assert [w.start for w in dated] == sorted(w.start for w in dated)
    for window in dated:
        assert (window.end - window.start).days == 17
        assert window.start.toordinal() % 10 == 0
    assert any(w.start <= date(2024, 11, 29) < w.end for w in dated)


def test_stitch_joins_events_that_share_an_article():
    key = {a: (False, date(2024, 11, n), a) for n, a in enumerate("abcde", start=1)}
    first_window = [
        Event(id="evt_a", article_ids=("a", "b"), title="A"),
        Event(id="evt_c", article_ids=("c",), title="C"),
    ]
    second_window = [
        Event(id="evt_b", article_ids=("b", "d"), title="B", copies={"d": "b"}),
        Event(id="evt_e", article_ids=("e",), title="E"),
    ]
    events = stitch([first_window, second_window], key)
    assert [(e.id, e.article_ids, e.title) for e in events] == [
        ("evt_a", ("a", "b", "d"), "A"),
        ("evt_c", ("c",), "C"),
        ("evt_e", ("e",), "E"),
    ]
    assert events[0].copies == {"d": "b"}


def test_the_command_skips_done_shards_and_reports_bad_records(local_run, inputs, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local_run.out, out)
    result = CliRunner().invoke(main, ["batch", str(inputs), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "a.jsonl:2: not valid JSON" in result.stderr
    assert "0 articles analysed (2 of 2 shards already done), 4 in all" in " ".join(
        result.stderr.split()
    )


def test_the_command_refuses_an_address_without_ray(inputs, tmp_path):
    result = CliRunner().invoke(
        main, ["batch", str(inputs), "--out", str(tmp_path), "--address", "10.0.0.1:6379"]
    )
    assert result.exit_code == 1
    assert "--engine ray" in result.stderr


def test_ingest_forms_the_events_a_batch_run_forms(local_run, inputs, tmp_path):
    with Store(tmp_path / "news.duckdb") as store:
        # the shards listed the other way round: the Tehran Times report, published the day
        # after the wire's, comes first
        pipeline.ingest([inputs / "b.jsonl.gz", inputs / "a.jsonl"], store)
        ingested = {e.id: set(e.article_ids) for e in store.events()}
    events = pq.read_table(local_run.out / "events.parquet").to_pylist()
    assert ingested == {r["id"]: set(r["article_ids"]) for r in events}
    assert len(ingested) == 3  # the two seed reports, the flood, the election


def test_output_goes_into_the_database(local_run, tmp_path):
    files = sorted((local_run.out / "articles").glob("*.parquet"))
    events = [
        Event(id=r["id"], title=r["title"], article_ids=tuple(r["article_ids"]))
        for r in pq.read_table(local_run.out / "events.parquet").to_pylist()
    ]
    db = tmp_path / "news.duckdb"
    store_output(db, files, events)
    store_output(db, files, events)  # twice changes nothing
    with Store(db) as store:
        assert len(store.articles()) == 4
        assert {e.id for e in store.events()} == {e.id for e in events}


# --- WARC ----------------------------------------------------------------------------------

ARTICLE_PAGE = """<!DOCTYPE html><html><head><title>Rebels enter Aleppo</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-11-29T08:00:00Z">
<link rel="canonical" href="https://news.example.com/world/aleppo-offensive">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Rebels enter Aleppo</h1>
<p>Rebel fighters entered the outskirts of Aleppo on Friday after a surprise offensive, a war
monitor said, in the most serious challenge to the Syrian government in years.</p>
<p>The Syrian Observatory for Human Rights said more than 240 people had been killed since the
offensive began on Wednesday, most of them fighters on both sides.</p>
<p>Residents said families were leaving the western neighbourhoods of the city as shells fell.</p>
</article><footer>Copyright Example News</footer></body></html>"""
UNDATED_PAGE = """<html><head><title>Valencia counts the cost</title></head><body><article>
<p>Shopkeepers in the centre of Valencia spent the weekend clearing mud from their premises,
three days after the worst flooding the city has seen in decades.</p>
<p>The regional government said it would pay for the repairs of homes and small businesses.</p>
</article></body></html>"""
INDEX_PAGE = "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></body></html>"


def warc_record(kind: str, uri: str, block: bytes, *, day: str = "2024-11-30") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: {day}T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash((kind, uri)))}>\r\n"
        f"Content-Type: application/http; msgtype={kind}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n")


def http(status: str, kind: str, body: str) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n\r\n{body}".encode()


@pytest.fixture()
def warc_file(tmp_path) -> tuple[Path, dict[str, int]]:
    """A news crawl in miniature, one gzip member per record, and each record's offset."""
    records = {
        "request": warc_record(
            "request",
            "https://news.example.com/world/aleppo-offensive",
            b"GET /world/aleppo-offensive HTTP/1.1\r\n\r\n",
        ),
        "article": warc_record(
            "response",
            "https://news.example.com/world/aleppo-offensive?x=1",
            http("200 OK", "text/html; charset=utf-8", ARTICLE_PAGE),
        ),
        "missing": warc_record(
            "response",
            "https://news.example.com/gone",
            http("404 Not Found", "text/html", "<p>not found</p>"),
        ),
        "image": warc_record(
            "response", "https://news.example.com/logo.png", http("200 OK", "image/png", "PNG")
        ),
        "index": warc_record(
            "response", "https://news.example.com/world", http("200 OK", "text/html", INDEX_PAGE)
        ),
        "undated": warc_record(
            "response",
            "https://news.example.org/valencia",
            http("200 OK", "text/html", UNDATED_PAGE),
            day="2024-11-02",
        ),
    }
    offsets, position, data = {}, 0, b""
    for name, record in records.items():
        offsets[name] = position
        position += len(record)
        data += record
    path = tmp_path / "CC-NEWS-20241130.warc.gz"
    path.write_bytes(data)
    return path, offsets


def test_warc_pages_become_articles_through_the_html_path(warc_file):
    path, offsets = warc_file
    records, errors = read_shard(shard_of(path))
    assert [r.offset for r in records] == [offsets["article"], offsets["undated"]]
    article, undated = (r.article for r in records)
    assert article.title == "Rebels enter Aleppo"
    assert article.outlet == "Example News"
    assert article.url == "https://news.example.com/world/aleppo-offensive"  # the canonical URL
    assert article.published == date(2024, 11, 29)
    assert "\nRebel fighters entered the outskirts of Aleppo on Friday" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text
    assert article.source == f"{path}@{offsets['article']}"
    assert undated.published == date(2024, 11, 2)  # no date of its own: the day it was fetched
    assert undated.outlet == "news.example.org"
    (error,) = errors
    assert (error.shard, error.offset, error.line) == (str(path), offsets["index"], None)
    assert "no article text" in error.message
    assert str(error).startswith(f"{path} at byte {offsets['index']}: ")


def test_a_cut_off_warc_keeps_the_records_before_the_cut(warc_file, tmp_path):
    path, offsets = warc_file
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: offsets["undated"] + 40])
    records, errors = read_shard(shard_of(cut))
    assert [r.offset for r in records] == [offsets["article"]]
    assert [(e.offset, "breaks off" in e.message) for e in errors] == [
        (offsets["index"], False),  # the page without article text
        (offsets["undated"], True),
    ]


# --- devices -------------------------------------------------------------------------------


def test_cuda_without_the_gpu_build_says_how_to_get_it():
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has ONNX Runtime's GPU build")
    with pytest.raises(ModelError, match="onnxruntime-gpu"):
        Embedder(device="cuda")


def test_an_unknown_device_is_refused():
    with pytest.raises(ModelError, match="Unknown device 'tpu'"):
        Embedder(device="tpu")
