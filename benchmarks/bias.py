"""Read the loaded-language corpora in ``../shared/eval`` as texts with gold spans.

Three public data sets mark loaded or biased wording in news:

- **BASIL** (``basil/``): 3 articles per event (Fox, NYT, HuffPost); experts marked
  *lexical bias* spans, each with whether it stands inside a quotation and who the
  speaker is. An article's text is its title, a blank line, then its paragraphs
  (sentences joined by a space, paragraphs by a blank line); gold offsets are mapped
  from (sentence, start, end) onto that text.
- **BABE** (``babe/*.csv``): single sentences, each labelled Biased / Non-biased, with
  the words annotators marked as bias-inducing. "No agreement" rows are skipped.
- **PTC** (``ptc/``, SemEval-2020 Task 11): whole articles with character spans of
  propaganda techniques; ``Loaded_Language`` and ``Name_Calling,Labeling`` are kept.
  Every ``<split>-articles`` folder present is read, with its
  ``<split>-labels-task-flc-tc`` folder or ``<split>-task-flc-tc.labels`` file.

Each document has a stable ``key`` (the data set's own id, or a hash of a BABE
sentence) and a ``unit``: the group kept together when the data is split into a
training and a held-out part (a BASIL event, a PTC article, a BABE sentence).
:func:`held_out` is that split. The data stays where it is: this module reads it
and never copies it.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DATASETS", "Doc", "GoldSpan", "held_out", "load", "load_babe", "load_basil",
           "load_ptc", "words"]

DATASETS = ("basil", "babe", "ptc")
PTC_TECHNIQUES = {"Loaded_Language": "loaded_language", "Name_Calling,Labeling": "name_calling"}
HELD_OUT_SHARE = 3
"""One unit in this many (by hash) is held out of training."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldSpan:
    start: int
    end: int
    kind: str
    """``lex`` (BASIL), ``biased`` (BABE), ``loaded_language`` / ``name_calling`` (PTC)."""
    quote: bool | None = None
    """BASIL: whether the span stands inside a quotation."""
    speaker: str | None = None
    """BASIL: who says the quoted words, as annotated (``Rick_Santorum``, ``other_anti``)."""
    target: str | None = None
    """BASIL: the actor the span is about, as annotated (``Barack_Obama``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    dataset: str
    key: str
    unit: str
    text: str
    spans: tuple[GoldSpan, ...] = ()
    biased: bool | None = None
    """BABE: the sentence's label."""
    biased_words: tuple[str, ...] = ()
    """BABE: the annotated words, lower case, split into single words."""
    title: str | None = None
    outlet: str | None = None
    entities: tuple[str, ...] = field(default=())
    """BASIL: the article's main entities (``Barack_Obama``)."""


def load(dataset: str, path: str | Path, *, limit: int | None = None) -> list[Doc]:
    """The documents of ``dataset`` under ``path`` (the eval folder or the data set's own)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; choose one of {', '.join(DATASETS)}")
    root = Path(path)
    if (root / dataset).is_dir():
        root = root / dataset
    loader = {"basil": load_basil, "babe": load_babe, "ptc": load_ptc}[dataset]
    return loader(root)[:limit]


def held_out(doc: Doc) -> bool:
    """Whether ``doc`` belongs to the fixed held-out part: its unit's sha256, taken as a
    number, is divisible by three. Training never sees these documents."""
    digest = hashlib.sha256(f"{doc.dataset}:{doc.unit}".encode()).hexdigest()
    return int(digest[:12], 16) % HELD_OUT_SHARE == 0


def words(text: str) -> list[str]:
    """Lower-case words, as BABE's biased words are compared: letters, digits, inner ' and -."""
    return re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", text.lower())


# --- BASIL --------------------------------------------------------------------------


def load_basil(root: Path) -> list[Doc]:
    files = sorted((root / "articles").rglob("*.json")) if (root / "articles").is_dir() else []
    if not files:
        raise FileNotFoundError(
            f"No BASIL articles (articles/<year>/<uuid>_<n>.json) under {str(root)!r}; "
            "pass the eval folder, e.g. ../shared/eval"
        )
    docs = []
    for file in files:
        annotation = root / "annotations" / file.parent.name / f"{file.stem}_ann.json"
        if not annotation.is_file():
            continue
        docs.append(_basil_doc(file, annotation))
    return docs


def _basil_doc(file: Path, annotation: Path) -> Doc:
    article = json.loads(file.read_text(encoding="utf-8"))
    gold = json.loads(annotation.read_text(encoding="utf-8"))
    title = article.get("title") or ""
    parts = [title, "\n\n"]
    at = len(title) + 2
    starts: list[int] = []
    for p, paragraph in enumerate(article.get("body-paragraphs") or []):
        if p:
            parts.append("\n\n")
            at += 2
        for s, sentence in enumerate(paragraph):
            if s:
                parts.append(" ")
                at += 1
            starts.append(at)
            parts.append(sentence)
            at += len(sentence)
    text = "".join(parts)
    spans = []
    for item in gold.get("phrase-level-annotations") or []:
        if item.get("bias") != "lex":
            continue
        ref = item.get("id", "")
        base = 0 if ref == "title" else starts[int(ref[1:])]
        start, end = base + int(item["start"]), base + int(item["end"])
        if text[start:end] != item.get("txt", text[start:end]):
            raise ValueError(
                f"{annotation}: span {ref} {item['start']}-{item['end']} does not match its "
                f"text {item.get('txt')!r}"
            )
        spans.append(
            GoldSpan(
                start=start,
                end=end,
                kind="lex",
                quote=item.get("quote") == "yes",
                speaker=item.get("speaker") or None,
                target=item.get("target") or None,
            )
        )
    return Doc(
        dataset="basil",
        key=file.stem,  # <triplet-uuid>_<n>: article uuids repeat across some triplets
        unit=str(article.get("triplet-uuid") or file.stem.rsplit("_", 1)[0]),
        text=text,
        spans=tuple(sorted(spans, key=lambda g: (g.start, g.end))),
        title=title or None,
        outlet=str(article.get("source", "")).lower() or None,
        entities=tuple(article.get("main-entities") or ()),
    )


# --- BABE ---------------------------------------------------------------------------


def load_babe(root: Path) -> list[Doc]:
    files = sorted(root.glob("*.csv")) if root.is_dir() else [root]
    files = [f for f in files if not f.name.startswith("raw_")]
    if not files:
        raise FileNotFoundError(
            f"No BABE csv file under {str(root)!r}; pass the eval folder, e.g. ../shared/eval"
        )
    docs: dict[str, Doc] = {}
    for file in files:
        for doc in _babe_rows(file):
            docs.setdefault(doc.key, doc)
    return list(docs.values())


def _babe_rows(file: Path) -> Iterable[Doc]:
    with file.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
            label = (row.get("label_bias") or "").strip()
            text = row.get("text") or ""
            if label not in ("Biased", "Non-biased") or not text.strip():
                continue
            try:
                marked = ast.literal_eval(row.get("biased_words") or "[]")
            except (ValueError, SyntaxError) as exc:
                raise ValueError(
                    f"{file}:{line}: biased_words {row.get('biased_words')!r} is not a Python "
                    f"list literal ({exc})"
                ) from exc
            key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            yield Doc(
                dataset="babe",
                key=key,
                unit=key,
                text=text,
                biased=label == "Biased",
                biased_words=tuple(dict.fromkeys(w for m in marked for w in words(str(m)))),
                outlet=row.get("outlet") or None,
            )


# --- PTC ----------------------------------------------------------------------------


def load_ptc(root: Path) -> list[Doc]:
    folders = sorted(root.glob("*-articles"))
    if not folders:
        raise FileNotFoundError(
            f"No PTC <split>-articles folder under {str(root)!r}; pass the eval folder, "
            "e.g. ../shared/eval"
        )
    docs = []
    for folder in folders:
        split = folder.name.removesuffix("-articles")
        labels = _ptc_labels(root, split)
        if labels is None:
            continue  # a split without gold (the test articles)
        for file in sorted(folder.glob("article*.txt")):
            article_id = file.stem.removeprefix("article")
            text = file.read_bytes().decode("utf-8")
            spans = tuple(sorted(labels.get(article_id, ()), key=lambda g: (g.start, g.end)))
            docs.append(Doc(dataset="ptc", key=article_id, unit=article_id, text=text,
                            spans=spans))
    return docs


def _ptc_labels(root: Path, split: str) -> dict[str, list[GoldSpan]] | None:
    files = sorted((root / f"{split}-labels-task-flc-tc").glob("*.labels"))
    if not files and (root / f"{split}-task-flc-tc.labels").is_file():
        files = [root / f"{split}-task-flc-tc.labels"]
    if not files:
        return None
    out: dict[str, list[GoldSpan]] = {}
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                raise ValueError(
                    f"{file}:{number}: expected 4 tab-separated fields "
                    f"(article, technique, start, end), got {line!r}"
                )
            article_id, technique, start, end = fields
            if technique in PTC_TECHNIQUES:
                out.setdefault(article_id, []).append(
                    GoldSpan(start=int(start), end=int(end), kind=PTC_TECHNIQUES[technique])
                )
    return out
