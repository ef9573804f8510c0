"""The JSON contract: typed structs, the JSON Schema made from them, and every output checked
against it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import msgspec
import pytest
from click.testing import CliRunner

from counterpoint import pipeline
from counterpoint.cli import main
from counterpoint.report.schema import Document, EventList, json_schema, validate
from counterpoint.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHIPPED = ROOT / "docs" / "schema.json"


@pytest.fixture(scope="module")
def checker() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "seed.duckdb"
    with Store(path) as store:
        assert not pipeline.ingest([EXAMPLES], store).failures
    return path


def test_the_shipped_schema_is_the_one_the_structs_make():
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped == json_schema(), "run: counterpoint schema --output docs/schema.json"
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output) == shipped


def test_the_document_every_format_renders_follows_the_schema(seed_document, checker):
    # text, Markdown, HTML and JSON are all rendered from this one document
    checker.validate(seed_document)
    typed = validate(seed_document)
    assert isinstance(typed, Document) and typed.events[0].facts
    assert msgspec.json.decode(msgspec.json.encode(typed)) == seed_document  # nothing lost


def test_show_events_and_compare_json_follow_the_schema(seed_db, checker):
    runner = CliRunner()
    listed = runner.invoke(main, ["events", "--db", str(seed_db), "--format", "json"])
    assert listed.exit_code == 0
    events = json.loads(listed.output)
    checker.validate(events)
    assert isinstance(validate(events, EventList), EventList)
    (row,) = events["events"]
    shown = runner.invoke(main, ["show", row["id"], "--db", str(seed_db), "--format", "json"])
    compared = runner.invoke(main, ["compare", str(EXAMPLES), "--format", "json"])
    for result in (shown, compared):
        assert result.exit_code == 0
        checker.validate(json.loads(result.output))


def test_a_document_that_breaks_the_contract_is_refused_by_path(seed_document, checker):
    broken = copy.deepcopy(seed_document)
    broken["events"][0]["facts"][1]["status"] = "probably"
    with pytest.raises(msgspec.ValidationError, match=r"\$\.events\[0\]\.facts\[1\]\.status"):
        validate(broken)
    assert not checker.is_valid(broken)
    del broken["events"][0]["facts"][1]["status"]
    broken["events"][0]["articles"][0]["start"] = 3  # not a field of an article
    errors = {e.message for e in checker.iter_errors(broken)}
    assert errors, "a missing field and an unknown one are both caught"
    with pytest.raises(msgspec.ValidationError):
        validate(broken)
