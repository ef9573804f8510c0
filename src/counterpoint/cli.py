"""The ``counterpoint`` command: thin commands, each calling one library function.

Data goes to stdout (or ``--output``), messages and progress to stderr.
Exit codes: 0 success, 1 something failed (each failure named on stderr),
2 usage error (a bad setting among them). Each command reads its settings once
(:func:`counterpoint.config.load_settings`: a ``counterpoint.toml``, the
``COUNTERPOINT_*`` variables, its flags) and passes them down; nothing below reads the
environment.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from counterpoint import pipeline
from counterpoint.config import DEFAULT_DB, DEFAULT_WORKERS, DEVICES, Settings, load_settings
from counterpoint.errors import ConfigError, CounterpointError, InputError, StoreError
from counterpoint.model import Article
from counterpoint.report import FORMATS, render
from counterpoint.report._view import date_span
from counterpoint.report.json import SCHEMA_VERSION, event_listing
from counterpoint.store import Store

err = Console(stderr=True)

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help=f"Database file. compare: none (work in memory); other commands: ./{DEFAULT_DB}. "
    "Also read from COUNTERPOINT_DB or counterpoint.toml.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of stdout.",
)
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help=f"Processes that analyse articles in parallel (default: {DEFAULT_WORKERS}). Also "
    "read from COUNTERPOINT_WORKERS or counterpoint.toml.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="counterpoint")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None,
              help="Settings file (TOML, a [counterpoint] table); default: the one "
                   "COUNTERPOINT_CONFIG names, else ./counterpoint.toml where there is one.")
def main(config: Path | None) -> None:
    """Compare how news outlets report the same event, fact by fact.

    Settings come from counterpoint.toml, then COUNTERPOINT_* variables, then flags
    (docs/configuration.md).

    \b
    Example:
      counterpoint compare examples/
    """


@main.command("compare")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option
@output_option
@db_option
@click.option(
    "--outlet", default=None, help="Outlet name for .txt/.html inputs (default: file name)."
)
@workers_option
def compare_command(paths, fmt, output, db, outlet, workers) -> None:
    """Group articles into events and compare how each outlet reports each event.

    PATHS are .txt, .html or .jsonl files, or folders of them.

    \b
    Examples:
      counterpoint compare examples/
      counterpoint compare a.txt b.html --format json --output event.json
    """
    settings = _settings(Settings(db=":memory:"), db=db, workers=workers)
    with _failing_nicely(), _open(settings.db) as store, _progress() as progress:
        comparisons, failures = pipeline.compare_paths(
            paths, store=store, outlet=outlet, settings=settings, progress=progress
        )
    _report_failures(failures, processed=sum(len(c.articles) for c in comparisons))
    if comparisons:
        _write(render(comparisons, fmt, width=_width()), output)
    sys.exit(1 if failures else 0)


@main.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option(
    "--outlet", default=None, help="Outlet name for .txt/.html inputs (default: file name)."
)
@click.option("--allow-fetch", "allow_fetch", multiple=True, metavar="NETWORK",
              help="A private network or address whose pages may be fetched; only public "
                   "addresses otherwise. Repeatable.")
@workers_option
def ingest_command(inputs, db, outlet, allow_fetch, workers) -> None:
    """Add articles (files, folders, http(s) addresses of pages, RSS or Atom feeds) to the
    database and group them into events.

    Ingesting an article that is already stored changes nothing. A page is fetched with
    the web app's limits: public addresses only, 5 MiB, 15 seconds. A feed (an address, or
    a .rss, .atom or .xml file) has each of its entries' pages fetched the same way, 100
    at most.

    \b
    Example:
      counterpoint ingest examples/ --db news.duckdb
      counterpoint ingest https://example.org/story --db news.duckdb
      counterpoint ingest https://example.org/news.rss --db news.duckdb
    """
    from counterpoint.ingest import read_paths
    from counterpoint.ingest.feeds import feed_paths, is_feed, read_feed
    from counterpoint.ingest.fetch import article_from_page, fetch, networks

    settings = _settings(db=db, workers=workers)
    limit = settings.max_article_chars
    urls = [i for i in inputs if re.match(r"https?://", i, re.IGNORECASE)]
    paths = [Path(i) for i in inputs if i not in urls]
    feeds = feed_paths(paths)
    paths = [p for p in paths if p not in feeds]
    with _failing_nicely(), _open(settings.db) as store, _progress() as progress:
        allowed = networks(allow_fetch)
        fetched: list[Article] = []
        failures: list[InputError] = []
        for number, source in enumerate([*urls, *feeds]):
            progress("fetching", number, len(urls) + len(feeds))
            try:
                page = fetch(source, allowed=allowed) if isinstance(source, str) else None
                if page is None or is_feed(page.data):
                    articles, missed = read_feed(
                        source, outlet=outlet, allowed=allowed, max_article_chars=limit,
                        page=page, progress=lambda done, total: progress("fetching", done, total))
                    fetched += articles
                    failures += missed
                else:
                    fetched.append(article_from_page(page, source, outlet=outlet,
                                                     max_article_chars=limit))
            except InputError as exc:
                failures.append(exc)
        read = read_paths(paths, outlet=outlet, max_article_chars=limit) if paths else None
        report = pipeline.add_articles(
            [*fetched, *(read.articles if read else ())], store,
            failures=[*failures, *(read.failures if read else ())], settings=settings,
            progress=progress)
    _report_failures(report.failures, processed=len(report.article_ids))
    err.print(
        f"{len(report.added)} articles added, {len(report.known)} already stored; "
        f"{len(report.events)} {'event' if len(report.events) == 1 else 'events'} "
        f"new or grown in {settings.db}"
    )
    sys.exit(1 if report.failures else 0)


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (Parquet); running again into it skips finished shards.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: processes on this machine; ray: Ray Data (pip install "
              "'counterpoint[ray]').")
@click.option("--address", default=None,
              help="Ray cluster to run on (with --engine ray); default: start Ray here.")
@workers_option
@click.option("--device", type=click.Choice(DEVICES), default=None,
              help="Where embeddings run (default: cpu); cuda needs onnxruntime-gpu and an "
                   "NVIDIA GPU. Also read from COUNTERPOINT_DEVICE or counterpoint.toml.")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Also store the articles and events in this database.")
@click.option("--outlet", default=None,
              help="Outlet name for .txt/.html inputs (default: file name).")
def batch_command(inputs, out, engine, address, workers, device, db, outlet) -> None:
    """Analyse large inputs -- JSONL shards, folders, WARC news crawls -- into Parquet.

    Writes OUT/articles/*.parquet (analysed articles), OUT/events.parquet and
    OUT/errors.jsonl (each bad record with its shard and line or byte offset).

    \b
    Examples:
      counterpoint batch crawl/CC-NEWS-*.warc.gz --out analysed/
      counterpoint batch shards/ --out analysed/ --engine ray --workers 8
    """
    settings = _settings(workers=workers, device=device)  # batch --db: a copy, not the store
    with _failing_nicely(), _progress() as update:
        from counterpoint.batch import run_batch

        report = run_batch(
            inputs, out, engine=engine, address=address, workers=settings.workers,
            device=settings.device, loaded_context=settings.loaded_context,
            max_article_chars=settings.max_article_chars, db=db, outlet=outlet,
            progress=lambda p: update("shards", p.shards_done, p.shards_total),
        )
    for failure in report.errors[:20]:
        err.print(f"[red]error:[/red] {escape(str(failure))}", markup=True, highlight=False, soft_wrap=True)
    if report.errors:
        err.print(f"{len(report.errors)} bad record(s), all listed in {out / 'errors.jsonl'}")
    err.print(
        f"{report.analysed} articles analysed ({report.skipped} of {report.shards} shards "
        f"already done), {report.articles} in all, {report.events} events, in {out}"
    )
    sys.exit(1 if report.errors else 0)


@main.command("events")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--limit", type=click.IntRange(0), default=50, show_default=True,
    help="Show at most this many events (0: all).",
)
@click.option("--search", default=None, help="Only events whose titles or articles hold this text.")
@click.option("--outlet", default=None, help="Only events with an article from this outlet.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only events with an article published on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Only events with an article published on or before this day (YYYY-MM-DD).",
)
@click.option(
    "--min-sources",
    type=click.IntRange(0),
    default=0,
    help="Only events reported by at least this many independent sources (copies not counted).",
)
def events_command(db, fmt, limit, search, outlet, since, until, min_sources) -> None:
    """List the events in the database, most recent first.

    \b
    Example:
      counterpoint events --db news.duckdb
      counterpoint events --search earthquake --limit 10
      counterpoint events --since 2024-11-01 --min-sources 2
    """
    settings = _settings(db=db)
    with _failing_nicely(), _open(settings.db, existing=True) as store:
        events, total = store.find_events(
            text=search,
            outlet=outlet,
            since=since and since.date(),
            until=until and until.date(),
            min_sources=min_sources,
            limit=limit or 2**62,
            offset=0,
        )
        articles = {a.id: a for a in store.articles(a for e in events for a in e.article_ids)}
    rows = [event_listing(e, [articles[a] for a in e.article_ids]) for e in events]
    if fmt == "json":  # the envelope of `compare --format json`, with the listing rows
        document = {"schema_version": SCHEMA_VERSION, "events": rows, "total": total}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    shown = f"{len(rows)} of {total} events" if total > len(rows) else f"{len(rows)} events"
    # ids and dates never wrap, so they can be copied; titles are text, not Rich markup
    table = Table(
        title=shown, caption="sources: outlets whose text is not a copy of another's", expand=True
    )
    table.add_column("id", no_wrap=True)
    table.add_column("event", overflow="fold")
    table.add_column("dates", no_wrap=True)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("sources", justify="right", no_wrap=True)
    for row in rows:
        event = Text(row["title"] or "(untitled)")
        event.append("\n" + ", ".join(row["outlets"]), style="dim")
        table.add_row(
            row["id"],
            event,
            date_span(*row["date_range"]) or "undated",
            str(row["article_count"]),
            str(row["independent_sources"]),
        )
    Console(width=_width()).print(table)


@main.command("show")
@click.argument("event_id")
@format_option
@output_option
@db_option
def show_command(event_id, fmt, output, db) -> None:
    """Show the comparison of one event (an id from `counterpoint events`, or its first characters).

    \b
    Example:
      counterpoint show evt_1a2b3c --format markdown
    """
    settings = _settings(db=db)
    with _failing_nicely(), _open(settings.db, existing=True) as store:
        comparison = pipeline.compare_event(store, event_id, device=settings.device)
    _write(render([comparison], fmt, width=_width()), output)


@main.command("schema")
@output_option
def schema_command(output) -> None:
    """Print the JSON Schema of what `--format json` and the JSON API give.

    \b
    Example:
      counterpoint schema --output counterpoint.schema.json
    """
    from counterpoint.report.schema import json_schema

    _write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", output)


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens it to other machines.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--token", envvar="COUNTERPOINT_TOKEN", default=None,
              help="Token that writes (adding articles) need [env COUNTERPOINT_TOKEN]; made "
                   "and printed when --host is not loopback and none is given.")
@click.option("--allow-fetch", "allow_fetch", multiple=True, metavar="NETWORK",
              help="A private network (10.0.0.0/8) or address whose pages may be added by "
                   "URL; only public addresses otherwise. Repeatable.")
def serve_command(db, host, port, token, allow_fetch) -> None:
    """Serve the web app and JSON API over the database, until Ctrl-C.

    \b
    Example:
      counterpoint serve --db news.duckdb      # then open http://127.0.0.1:8000/
    """
    from counterpoint.ingest.fetch import networks
    from counterpoint.web import serve

    settings = _settings(db=db)
    with _failing_nicely():
        allowed = networks(allow_fetch)
        err.print(f"serving {settings.db} on http://{host}:{port}/ (Ctrl-C stops)")
        serve(settings.db, host=host, port=port, token=token, fetch_allowed=allowed,
              settings=settings, say=err.print)


def _settings(defaults: Settings | None = None, **flags: object) -> Settings:
    """This command's settings: ``defaults``, then the file that ``counterpoint --config``
    names (or the usual one), the ``COUNTERPOINT_*`` variables, and the ``flags`` given
    (None: not given). A bad value is a usage error naming where it came from."""
    config = click.get_current_context().find_root().params.get("config")
    try:
        return load_settings(flags, config=config, defaults=defaults)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _width() -> int:
    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


@contextmanager
def _open(path: str, *, existing: bool = False):
    """The store at ``path``; with ``existing``, a missing file is an error rather than a
    new empty database (a command that only reads never creates one)."""
    if existing and path != ":memory:" and not Path(path).exists():
        raise StoreError(f"No database {path!r}; add articles first with `counterpoint ingest "
                         f"FILES --db {path}`, or pass --db with an existing one")
    store = Store(path)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _failing_nicely():
    try:
        yield
    except CounterpointError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
        sys.exit(1)


@contextmanager
def _progress():
    """A progress bar on stderr (in a terminal) and its ``update(stage, done, total)``."""
    columns = (
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("analysing", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield update


def _report_failures(failures, *, processed: int) -> None:
    """Each failure, then how many failed and how many articles (``processed``) went
    through."""
    for failure in failures:
        err.print(f"[red]error:[/red] {escape(str(failure))}", markup=True, highlight=False, soft_wrap=True)
    if failures:
        rest = ("no article went through" if not processed else
                f"{processed} article{'s' if processed > 1 else ''} went through")
        err.print(f"{len(failures)} input(s) failed; {rest}.")


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    Path(output).write_text(text, encoding="utf-8")
    err.print(f"wrote {output}")
