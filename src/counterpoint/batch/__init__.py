"""batch: months of coverage in one run, on this machine or on a Ray cluster.

::

    inputs (.jsonl(.gz) shards, folders, .warc(.gz) news crawls, .txt, .html)
      │ shards       one file = one shard, read whole, finished (and resumed) as a unit
      │ engine       local: a process pool | ray: Ray Data with actors that load models once
      │   analyse    pieces of 16 articles -> the same Analysis as ``counterpoint ingest``
      │ parquet      OUT/articles/<shard>.parquet, OUT/errors/<shard>.jsonl, as each shard ends
      │ windows      30-day windows by date (+ the grouper's 7-day gate), grouped in parallel,
      ▼              stitched where they share articles -> OUT/events.parquet (and a DuckDB store)

Both engines give the same output for the same inputs, and a rerun skips the
shards that are done. A bad record goes to ``OUT/errors.jsonl`` with its shard
and its line (JSON Lines) or byte offset (WARC); the run goes on.
"""

from counterpoint.errors import CounterpointError

try:
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise CounterpointError(
        f"counterpoint batch writes Parquet with pyarrow ({exc}); "
        "install it with: pip install 'counterpoint[ray]'"
    ) from exc

from .records import RecordError
from .run import ENGINES, BatchProgress, BatchReport, run_batch
from .shards import SHARD_SUFFIXES
from .windows import WINDOW_DAYS

__all__ = [
    "ENGINES",
    "SHARD_SUFFIXES",
    "WINDOW_DAYS",
    "BatchProgress",
    "BatchReport",
    "RecordError",
    "run_batch",
]
