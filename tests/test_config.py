"""Settings: read once, from the defaults, a file, the environment and the flags, in that
order; a bad value named by where it came from; and handed down, never read below the CLI."""

from __future__ import annotations

import os
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from counterpoint.analyze import analyze_many
from counterpoint.analyze.loaded import default_model
from counterpoint.analyze.nlp import load_nlp
from counterpoint.batch.records import Record, analysis_of
from counterpoint.batch.work import analyse_piece
from counterpoint.cli import main
from counterpoint.config import (
    _PARSERS,
    DEFAULT_DB,
    DEFAULT_WORKERS,
    Settings,
    load_settings,
)
from counterpoint.errors import ConfigError, ModelError
from counterpoint.ingest import article_from_text

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "counterpoint"
LOADED = "Republicans lashed out at the senator on Monday over his disgusting sham."


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Every test runs in an empty folder: no ./counterpoint.toml but its own."""
    monkeypatch.chdir(tmp_path)


def write_config(folder: Path, body: str, name: str = "counterpoint.toml") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_the_defaults_are_the_command_line_s():
    assert Settings() == load_settings(environ={})
    assert Settings().db == DEFAULT_DB == "counterpoint.duckdb"
    assert Settings().workers == DEFAULT_WORKERS == min(2, os.cpu_count() or 1)
    assert (Settings().device, Settings().loaded_context) == ("cpu", True)
    assert Settings().max_article_chars == 1_000_000


def test_every_setting_has_a_parser():
    assert list(_PARSERS) == [f.name for f in fields(Settings)]


def test_a_file_value_gives_way_to_the_environment_and_that_to_a_flag(tmp_path):
    config = write_config(tmp_path, '[counterpoint]\ndb = "file.duckdb"\nworkers = 3\n'
                                    'device = "cuda"\nloaded_context = false\n')
    environ = {"COUNTERPOINT_WORKERS": "4", "COUNTERPOINT_DB": "env.duckdb"}
    settings = load_settings({"db": "flag.duckdb", "workers": None}, config=config,
                             environ=environ)
    assert settings == Settings(db="flag.duckdb", workers=4, device="cuda",
                                loaded_context=False)


def test_the_file_is_the_one_named_else_the_variable_s_else_the_folder_s(tmp_path):
    write_config(tmp_path, "[counterpoint]\nworkers = 1\n")
    named = write_config(tmp_path, "[counterpoint]\nworkers = 5\n", "named.toml")
    variable = write_config(tmp_path, "[counterpoint]\nworkers = 6\n", "variable.toml")
    assert load_settings(environ={}).workers == 1
    assert load_settings(environ={"COUNTERPOINT_CONFIG": str(variable)}).workers == 6
    assert load_settings(config=named, environ={"COUNTERPOINT_CONFIG": str(variable)}).workers == 5


@pytest.mark.parametrize(("word", "value"), [
    ("on", True), ("off", False), ("TRUE", True), ("false", False), ("1", True), ("0", False),
    ("yes", True), ("No", False),
])
def test_on_off_settings_take_the_usual_words(word, value):
    environ = {"COUNTERPOINT_LOADED_CONTEXT": word}
    assert load_settings(environ=environ).loaded_context is value


def test_a_variable_set_to_nothing_is_unset():
    environ = {"COUNTERPOINT_DB": "", "COUNTERPOINT_MAX_ARTICLE_CHARS": " "}
    assert load_settings(environ=environ) == Settings()


@pytest.mark.parametrize(("name", "raw", "accepted"), [
    ("workers", "'many'", "a whole number from 1 to 64"),
    ("device", "'gpu'", "use cpu or cuda"),
    ("loaded_context", "'maybe'", "use on or off"),
    ("max_article_chars", "0", "a whole number of 1 or more"),
    ("db", "''", "give one, such as 'counterpoint.duckdb'"),
])
def test_a_bad_value_names_its_source_and_what_is_accepted(tmp_path, name, raw, accepted):
    config = write_config(tmp_path, f"[counterpoint]\n{name} = {raw}\n", "bad.toml")
    with pytest.raises(ConfigError, match=re.escape(f"{config} [counterpoint] {name}: ")) as err:
        load_settings(config=config, environ={})
    assert accepted in str(err.value)
    bad = raw.strip("'")
    if bad:  # a variable set to nothing is unset, not bad
        with pytest.raises(ConfigError, match=f"^COUNTERPOINT_{name.upper()}: ") as err:
            load_settings(environ={f"COUNTERPOINT_{name.upper()}": bad})
        assert accepted in str(err.value)
    with pytest.raises(ConfigError, match=f"^--{name.replace('_', '-')}: ") as err:
        load_settings({name: bad}, environ={})
    assert accepted in str(err.value)


def test_a_bad_value_made_by_hand_is_named_too():
    with pytest.raises(ConfigError, match=r"^Settings\(workers=\.\.\.\): 0 is not a whole"):
        Settings(workers=0)


def test_an_unknown_file_key_names_the_known_ones(tmp_path):
    config = write_config(tmp_path, "[counterpoint]\nmax_chars = 10\n")
    with pytest.raises(ConfigError) as err:
        load_settings(config=config, environ={})
    assert "'max_chars'" in str(err.value) and str(config) in str(err.value)
    assert "db, workers, device, loaded_context, max_article_chars" in str(err.value)


def test_settings_outside_the_table_and_broken_files_are_named(tmp_path):
    stray = write_config(tmp_path, 'db = "news.duckdb"\n')
    with pytest.raises(ConfigError, match=r"put the settings in a \[counterpoint\] table"):
        load_settings(config=stray, environ={})
    broken = write_config(tmp_path, "[counterpoint\n", "broken.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config=broken, environ={})
    with pytest.raises(ConfigError, match="^COUNTERPOINT_CONFIG: 'gone.toml' is not a file"):
        load_settings(environ={"COUNTERPOINT_CONFIG": "gone.toml"})


# --- through the command line ------------------------------------------------------------


def test_the_command_line_reads_the_variables_the_file_and_its_flags(tmp_path):
    def missing(*args: str, env=None) -> str:
        done = CliRunner().invoke(main, [*args], env=env)
        assert done.exit_code == 1, done.output
        return re.search(r"No database '([^']*)'", " ".join(done.stderr.split())).group(1)

    assert missing("events", env={"COUNTERPOINT_DB": "env.duckdb"}) == "env.duckdb"
    config = write_config(tmp_path, '[counterpoint]\ndb = "file.duckdb"\n', "c.toml")
    assert missing("--config", str(config), "events") == "file.duckdb"
    assert missing("--config", str(config), "show", "evt_1",
                   env={"COUNTERPOINT_DB": "env.duckdb"}) == "env.duckdb"
    assert missing("--config", str(config), "events", "--db", "flag.duckdb",
                   env={"COUNTERPOINT_DB": "env.duckdb"}) == "flag.duckdb"


def test_a_bad_setting_is_a_usage_error_naming_it():
    result = CliRunner().invoke(main, ["events"], env={"COUNTERPOINT_WORKERS": "lots"})
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "COUNTERPOINT_WORKERS: 'lots' is not a whole number from 1 to 64" in message


def test_the_article_size_limit_reaches_the_readers_from_the_environment(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 400, encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "big.txt")],
                                env={"COUNTERPOINT_MAX_ARTICLE_CHARS": "1000"})
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "over the limit of 1,000" in message and "COUNTERPOINT_MAX_ARTICLE_CHARS" in message


# --- handed down, to this process and to the workers --------------------------------------


def _without_context(labels, text: str) -> None:
    """Every label of ``text`` scores what the words alone score, not what context gives."""
    doc = load_nlp()(text)
    alone = default_model().word_scores(doc, states=False)
    in_context = default_model().word_scores(doc)
    assert labels
    for label in labels:
        span = doc.char_span(label.start, label.end)
        assert label.score == round(max(alone[span.start : span.end]), 3)
        assert label.score != round(max(in_context[span.start : span.end]), 3)


def test_the_worker_processes_get_the_loaded_context_setting():
    articles = [article_from_text(LOADED, source=f"t{i}", outlet="t", id=f"a{i}")
                for i in range(2 * 16)]  # two batches of 16: the pool runs
    analyses = list(analyze_many(articles, workers=2, loaded_context=False))
    assert [a.article_id for a in analyses] == [a.id for a in articles]
    for analysis in analyses:
        _without_context(analysis.labels, LOADED)


def test_a_batch_piece_gets_the_loaded_context_setting():
    article = article_from_text(LOADED, source="t", outlet="t")
    rows, errors = analyse_piece([Record(article=article, shard="s", line=1)],
                                 loaded_context=False)
    assert not errors
    _without_context(analysis_of(rows[0]).labels, LOADED)


def test_the_device_is_handed_to_the_embedder():
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("ONNX Runtime's GPU build is installed: cuda would work")
    article = article_from_text(LOADED, source="t", outlet="t")
    with pytest.raises(ModelError, match="--device cuda needs ONNX Runtime's GPU build"):
        list(analyze_many([article], device="cuda"))


def test_no_module_below_the_cli_reads_the_environment():
    """Only config.py reads it; the library sets two variables for third-party tools."""
    housekeeping = ('os.environ.setdefault("ORT_DISABLE_TELEMETRY"',
                    'os.environ.setdefault("RAY_USAGE_STATS_ENABLED"')
    readers = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "config.py" and path.parent == SOURCE:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\benviron\b|getenv", line) and not line.strip().startswith(
                housekeeping
            ):
                readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not readers, "read the setting in counterpoint.config instead:\n" + "\n".join(readers)
