"""The Ray engine: the same work on a Ray cluster, through Ray Data.

Shards flow through a Ray Data pipeline: read tasks turn each shard into
records, and a pool of ``workers`` actors -- each loading the models once --
analyses them in pieces; the driver writes each shard out as soon as all its
records are back. Windows are grouped as Ray tasks. Without an address, Ray
starts on this machine; with one (``ray://host:10001`` or ``host:6379``), the
batch runs on that cluster, and the inputs must be readable at the same paths on
every node (a shared file system). ``pip install counterpoint[ray]`` installs Ray.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyarrow as pa

from counterpoint.errors import CounterpointError, ModelError
from counterpoint.ingest.text import MAX_ARTICLE_CHARS
from counterpoint.model import Event

from .local import ShardResult
from .records import ARTICLE_FIELDS, Record, RecordError, article_of, from_wire, to_wire
from .shards import Shard, read_shard
from .windows import group_window
from .work import analyse_piece, start_worker

WIRE = pa.schema([("key", pa.string()), ("kind", pa.string()), ("payload", pa.string())])
"""Rows between the stages: ``kind`` is ``record`` (to analyse), ``row`` (analysed),
``error`` (a bad record) or ``end`` (the shard's last: ``payload`` counts the others)."""


def import_ray():
    """The ``ray`` module, or a clear message on how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise CounterpointError(
            f"--engine ray needs Ray ({exc}); install it with: pip install 'counterpoint[ray]'"
        ) from exc
    return ray


class RayEngine:
    """Runs the batch on a Ray cluster, or on a Ray instance started here. The settings
    (``device``, ``loaded_context``, ``max_article_chars``) go to the read tasks and the
    actors as arguments."""

    name = "ray"

    def __init__(
        self,
        *,
        workers: int = 2,
        device: str = "cpu",
        loaded_context: bool = True,
        max_article_chars: int = MAX_ARTICLE_CHARS,
        piece: int = 16,
        address: str | None = None,
    ) -> None:
        self.ray = import_ray()
        self.workers = workers
        self.device = device
        self.loaded_context = loaded_context
        self.max_article_chars = max_article_chars
        self.piece = piece
        self._started = not self.ray.is_initialized()
        if self._started:
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            self.ray.init(
                address=address,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        try:
            self._gpus = self._gpu_share() if device == "cuda" else 0.0
        except ModelError:
            self.close()
            raise

    def _gpu_share(self) -> float:
        gpus = self.ray.cluster_resources().get("GPU", 0)
        if not gpus:
            raise ModelError("--device cuda, but the Ray cluster has no GPU; use --device cpu")
        return min(1.0, gpus / self.workers)

    def analyse(
        self,
        shards: Sequence[Shard],
        *,
        outlet: str | None,
        finished: Callable[[ShardResult], None],
    ) -> None:
        """Analyse every shard; ``finished`` gets each shard as soon as it is complete."""
        if not shards:
            return
        data = _data_module(self.ray)
        items = [{"path": s.path, "key": s.key} for s in shards]
        dataset = (
            data.from_items(items, override_num_blocks=len(items))
            .flat_map(
                _read_records,
                fn_kwargs={"outlet": outlet, "max_article_chars": self.max_article_chars},
                num_cpus=0,
            )
            .map_batches(
                _analyser(self.device, self.loaded_context),
                batch_size=self.piece,
                batch_format="pyarrow",
                compute=data.ActorPoolStrategy(size=self.workers),
                num_cpus=1,
                num_gpus=self._gpus,
            )
        )
        open_shards = {s.key: _Open(ShardResult(shard=s)) for s in shards}
        for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
            for key, kind, payload in zip(*(batch.column(c).to_pylist() for c in WIRE.names)):
                state = open_shards[key]
                state.take(kind, payload)
                if state.complete:
                    finished(open_shards.pop(key).result)

    def group(self, tables: Iterable[pa.Table]) -> Iterator[list[Event]]:
        """The events of each window, in the order of ``tables``, grouped as Ray tasks."""
        task = self.ray.remote(num_cpus=1)(group_window)
        pending = []
        for table in tables:
            pending.append(task.remote(table))
            if len(pending) >= 2 * self.workers:
                yield self.ray.get(pending.pop(0))
        for ref in pending:
            yield self.ray.get(ref)

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()


class _Open:
    """A shard whose records are on their way back."""

    def __init__(self, result: ShardResult) -> None:
        self.result = result
        self.seen = 0
        self.expected: int | None = None

    def take(self, kind: str, payload: str) -> None:
        if kind == "end":
            self.expected = int(payload)
            return
        self.seen += 1
        if kind == "row":
            self.result.rows.append(from_wire(payload))
        else:
            self.result.errors.append(RecordError.from_json(payload))

    @property
    def complete(self) -> bool:
        return self.expected is not None and self.seen == self.expected


def _read_records(item: dict, *, outlet: str | None, max_article_chars: int) -> Iterator[dict]:
    """One shard -> a wire row per record and per bad record, then its ``end`` row."""
    key = item["key"]
    records, errors = read_shard(Shard(path=item["path"], key=key), outlet=outlet,
                                 max_article_chars=max_article_chars)
    for record in records:
        row = {
            **{name: getattr(record.article, name) for name in ARTICLE_FIELDS},
            "shard": record.shard,
            "line": record.line,
            "offset": record.offset,
        }
        yield {"key": key, "kind": "record", "payload": to_wire(row)}
    for error in errors:
        yield {"key": key, "kind": "error", "payload": error.to_json()}
    yield {"key": key, "kind": "end", "payload": str(len(records) + len(errors))}


def _analyser(device: str, loaded_context: bool) -> type:
    """The actor class that analyses records on ``device``, reading loaded words in context
    unless not ``loaded_context`` (models loaded once per actor)."""

    class Analyser:
        def __init__(self) -> None:
            start_worker()

        def __call__(self, batch: pa.Table) -> pa.Table:
            out: list[dict] = []
            records: list[tuple[str, Record]] = []
            for key, kind, payload in zip(*(batch.column(c).to_pylist() for c in WIRE.names)):
                if kind == "record":
                    row = from_wire(payload)
                    record = Record(
                        article=article_of(row),
                        shard=row["shard"],
                        line=row["line"],
                        offset=row["offset"],
                    )
                    records.append((key, record))
                else:
                    out.append({"key": key, "kind": kind, "payload": payload})
            if records:
                rows, errors = analyse_piece([r for _, r in records], device=device,
                                             loaded_context=loaded_context)
                keys = {(r.shard, r.line, r.offset): k for k, r in records}
                out += [
                    {
                        "key": keys[(row["shard"], row["line"], row["offset"])],
                        "kind": "row",
                        "payload": to_wire(row),
                    }
                    for row in rows
                ]
                out += [
                    {
                        "key": keys[(e.shard, e.line, e.offset)],
                        "kind": "error",
                        "payload": e.to_json(),
                    }
                    for e in errors
                ]
            return pa.Table.from_pylist(out, schema=WIRE)

    return Analyser


def _data_module(ray):
    """``ray.data``, quiet: no progress bars or per-operator logs on the terminal (counterpoint
    shows its own), and none of the deprecation warnings Ray's own defaults raise."""
    data = ray.data
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ray\.data")
        context = data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    return data
