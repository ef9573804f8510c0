"""The command line, through click's runner: output, exit codes, bad input, the database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.conftest import EXAMPLES

from counterpoint.cli import main

CONTRACT_EVENT_KEYS = {"id", "title", "articles", "entities", "facts", "figures", "framing",
                       "summary"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_compare_json_follows_the_contract(runner):
    result = runner.invoke(main, ["compare", str(EXAMPLES), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == "1"
    (event,) = document["events"]
    assert set(event) >= CONTRACT_EVENT_KEYS
    article = event["articles"][0]
    assert {"id", "outlet", "title", "published", "source", "text"} <= set(article)
    fact = event["facts"][0]
    assert {"id", "text", "status", "reports"} <= set(fact)
    assert {"article", "start", "end", "text", "attributed_to"} <= set(fact["reports"][0])
    figure = event["figures"][0]
    assert {"what", "who", "low", "high", "status", "reports"} <= set(figure)
    assert {"value", "qualifier", "attributed_to"} <= set(figure["reports"][0])
    frame = event["framing"][0]
    assert {"entity", "article", "term", "voice", "speaker", "start", "end"} <= set(frame)


@pytest.mark.parametrize("fmt, marker", [("text", "SUMMARY"), ("markdown", "## "),
                                         ("html", "<!DOCTYPE html>")])
def test_compare_formats(runner, tmp_path, fmt, marker):
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(main, ["compare", str(EXAMPLES), "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert marker.lower() in text.lower()
    assert "tehran-times" in text and "wire" in text


def test_outlet_option_names_the_outlet(runner, tmp_path):
    result = runner.invoke(main, ["compare", str(EXAMPLES / "wire.txt"), "--outlet", "Agency",
                                  "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"][0]["articles"][0]["outlet"] == "Agency"


def test_bad_inputs_are_named_and_the_rest_is_compared(runner, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait est servi.".encode("latin-1"))
    (tmp_path / "broken.jsonl").write_text('{"text": "A fine line about a vote."}\n{oops\n')
    (tmp_path / "menu.html").write_text("<html><body><nav>Home</nav></body></html>")
    for name in ("wire.txt", "tehran-times.txt"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = runner.invoke(main, ["compare", str(tmp_path), str(missing), "--format", "json"])
    assert result.exit_code == 1
    for name in ("empty.txt", "binary.txt", "latin1.txt", "broken.jsonl:2", "menu.html",
                 "missing.txt"):
        assert name in result.stderr, name
    outlets = {a["outlet"] for e in json.loads(result.stdout)["events"] for a in e["articles"]}
    assert {"wire", "tehran-times", "broken"} <= outlets
    assert "6 input(s) failed; 3 articles went through." in result.stderr


def test_a_run_where_everything_failed_says_so(runner, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(main, ["compare", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "1 input(s) failed; no article went through." in result.stderr


def test_an_error_shows_square_brackets_as_written(runner, tmp_path):
    # a file name (or an install hint like counterpoint[ray]) is text, never terminal markup
    (tmp_path / "[bold]notes.txt").write_text("")
    result = runner.invoke(main, ["compare", str(tmp_path / "[bold]notes.txt")])
    assert result.exit_code == 1
    assert "[bold]notes.txt" in result.stderr


def test_usage_errors_exit_2(runner):
    assert runner.invoke(main, ["compare"]).exit_code == 2
    assert runner.invoke(main, ["compare", str(EXAMPLES), "--format", "pdf"]).exit_code == 2


def test_ingest_is_idempotent_and_events_show_work(runner, tmp_path):
    db = str(tmp_path / "news.duckdb")
    first = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db])
    assert first.exit_code == 0, first.output
    assert "2 articles added, 0 already stored; 1 event new or grown" in first.stderr
    again = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db])
    assert again.exit_code == 0
    assert "0 articles added, 2 already stored; 0 events new or grown" in again.stderr
    listed = runner.invoke(main, ["events", "--db", db, "--format", "json"])
    document = json.loads(listed.stdout)
    assert document["schema_version"] == "1" and document["total"] == 1
    (event,) = document["events"]
    assert event["article_count"] == 2 and event["independent_sources"] == 2
    shown = runner.invoke(main, ["show", event["id"][:10], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["events"][0]["id"] == event["id"]


def test_events_table_keeps_ids_whole_in_a_narrow_terminal(runner, tmp_path):
    db = str(tmp_path / "news.duckdb")
    assert runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    listed = runner.invoke(main, ["events", "--db", db, "--format", "json"])
    (event,) = json.loads(listed.stdout)["events"]
    table = runner.invoke(main, ["events", "--db", db], env={"COLUMNS": "80"}).stdout
    (row,) = [line for line in table.splitlines() if event["id"] in line]
    first, last = event["date_range"]
    # the whole id and the dates on the event's first line, a one-day event's date once
    identifier, _, dates, articles, sources = [cell.strip() for cell in row.split("│")[1:-1]]
    assert identifier == event["id"]
    assert dates == (first if first == last else f"{first} – {last}")
    assert (articles, sources) == ("2", "2")
    assert "sources: outlets whose text is not a copy" in table


@pytest.mark.parametrize(
    ("options", "found"),
    [
        (["--min-sources", "2"], 1),  # the wire and Tehran Times
        (["--min-sources", "3"], 0),
        (["--since", "2024-11-29", "--until", "2024-11-29"], 1),
        (["--since", "2024-11-30"], 0),
    ],
)
def test_events_filters(runner, tmp_path, options, found):
    db = str(tmp_path / "news.duckdb")
    assert runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    listed = runner.invoke(main, ["events", "--db", db, "--format", "json", *options])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)["events"]) == found


def test_reading_commands_never_create_a_database(runner, tmp_path):
    db = tmp_path / "news.duckdb"
    for command in (["events"], ["show", "evt_1"]):
        result = runner.invoke(main, [*command, "--db", str(db)])
        assert result.exit_code == 1 and "No database" in result.stderr
        assert "counterpoint ingest" in result.stderr
    assert not db.exists()


def test_show_unknown_event_is_a_clear_error(runner, tmp_path):
    db = str(tmp_path / "news.duckdb")
    assert runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    result = runner.invoke(main, ["show", "evt_nope", "--db", db])
    assert result.exit_code == 1
    assert "No event 'evt_nope'" in result.stderr and "counterpoint events" in result.stderr


def test_every_command_has_help_with_an_example(runner):
    for command in ("compare", "ingest", "events", "show"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command
