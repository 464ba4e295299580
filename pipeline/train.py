"""Train the area and finding classifiers (spaCy) from the labelled corpus.

One spaCy pipeline, two exclusive text classifiers named ``area`` and ``finding``
over the underthesea tokenizer. Each head is updated only with its own labels
(spaCy's textcat validates that one label per example is positive, so the two
heads cannot share one Example). Training is seeded and ordered, so the same
corpus gives the same model; each head keeps its best epoch on the dev split, and the
two heads may use different architectures (chosen by measurement, README "Model choice").
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .spacy_lite import spacy  # first: spaCy without its command line
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from . import spacy_tokenizer, textcat_model  # noqa: F401  (register the tokenizer and the architecture)
from .nlp import build_lexicon
from .textcat_model import fit_idf
from .labelled import LabelledPassage
from .taxonomy import Taxonomy, load_taxonomy

MODEL_DIR = Path(__file__).parent / "models" / "classifier"
HEADS = ("area", "finding")


@dataclass
class TrainConfig:
    """What the dev split chose (see README, "Model choice")."""

    segmenter: str = "lexicon"  # "crf" or "lexicon" (see pipeline/nlp.py)
    lead_words: int = 2  # the first words of a passage also count as "^word" features
    # Per head: "bow" (spaCy's n-gram counts), "normbow" (normalised binary n-grams), "tfidf"
    # (TF-IDF-weighted n-grams), "dual" (counts + normbow, one linear layer; see
    # pipeline.textcat_model) or "ensemble" (bow + CNN).
    area_architecture: str = "tfidf"
    area_ngrams: int = 1
    finding_architecture: str = "normbow"
    finding_ngrams: int = 2
    width: int = 64  # ensemble only: CNN width
    hash_length: int = 2**17
    epochs: int = 30  # at most; each head stops after `patience` epochs without a better dev score
    patience: int = 6
    batch_size: int = 16
    dropout: float = 0.2
    learn_rate: float = 0.002
    l2: float = 1e-5
    seed: int = 0
    refit: bool = True  # after choosing each head's epoch count on dev, train on train + dev
    extra: dict = field(default_factory=dict)


def _textcat_model(architecture: str, ngrams: int, cfg: TrainConfig) -> dict:
    bow = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": ngrams,
           "no_output_layer": False, "length": cfg.hash_length}
    if architecture == "bow":
        return bow
    if architecture == "normbow":
        return {"@architectures": "tongket.TextCatNormBOW.v1", "ngram_size": ngrams,
                "length": cfg.hash_length}
    if architecture == "tfidf":
        return {"@architectures": "tongket.TextCatTfidfBOW.v1", "ngram_size": ngrams,
                "length": cfg.hash_length}
    if architecture == "dual":
        return {"@architectures": "tongket.TextCatDualBOW.v1", "ngram_size": ngrams, "length": cfg.hash_length}
    if architecture == "ensemble":
        return {
            "@architectures": "spacy.TextCatEnsemble.v2",
            "linear_model": dict(bow, no_output_layer=True),  # the ensemble adds its own output layer
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": cfg.width,
                          "rows": [5000, 2500], "attrs": ["ORTH", "PREFIX"],
                          "include_static_vectors": False},
                "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": cfg.width,
                           "window_size": 1, "maxout_pieces": 3, "depth": 2},
            },
        }
    raise ValueError(f"unknown architecture {architecture!r}")


def build_pipeline(taxonomy: Taxonomy, cfg: TrainConfig):
    nlp = spacy.blank("xx", config={"nlp": {"tokenizer": {
        "@tokenizers": "tongket.underthesea_tokenizer.v1", "mode": cfg.segmenter,
        "lead_words": cfg.lead_words}}})
    heads = (("area", taxonomy.area_codes, cfg.area_architecture, cfg.area_ngrams),
             ("finding", taxonomy.finding_codes, cfg.finding_architecture, cfg.finding_ngrams))
    for head, labels, architecture, ngrams in heads:
        model = _textcat_model(architecture, ngrams, cfg)
        nlp.add_pipe("textcat", name=head, config={"model": model, "threshold": 0.0})
        # Fixed label sets: otherwise each head would infer all labels from the examples.
        nlp.config["initialize"]["components"][head] = {"labels": list(labels)}
    return nlp


def _examples(nlp, items: list[LabelledPassage], taxonomy: Taxonomy) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {h: [] for h in HEADS}
    for item in items:
        doc = nlp.make_doc(item.text)
        area = {code: float(code == item.area) for code in taxonomy.area_codes}
        finding = {code: float(code == item.finding) for code in taxonomy.finding_codes}
        # Situation descriptions' area is not scored (codebook), but it still teaches the topic.
        out["area"].append(Example.from_dict(doc, {"cats": area}))
        out["finding"].append(Example.from_dict(doc.copy(), {"cats": finding}))
    return out


def corpus_fingerprint(items: list[LabelledPassage], cfg: TrainConfig) -> str:
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda it: it.id):
        digest.update(item.to_json().encode("utf-8"))
    digest.update(json.dumps(cfg.__dict__, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:10]


def _fit(items: list[LabelledPassage], cfg: TrainConfig, taxonomy: Taxonomy, epochs: dict[str, int],
         dev_items: list[LabelledPassage] = (), log=print):
    """Train a fresh pipeline, each head for its own number of epochs; with dev items, keep
    each head's best epoch. Returns (nlp, best epoch per head, dev scores per head)."""
    from .evaluate import macro_f1

    fix_random_seed(cfg.seed)
    nlp = build_pipeline(taxonomy, cfg)
    if cfg.segmenter == "lexicon":
        nlp.tokenizer.set_extra_words(build_lexicon([it.text for it in items]))
    examples = _examples(nlp, items, taxonomy)
    for head in HEADS:  # TF-IDF heads weigh n-grams by their document frequency in these passages
        fit_idf(nlp.get_pipe(head).model, [ex.predicted for ex in examples[head]])
    nlp.initialize(lambda: examples["area"] + examples["finding"])
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = cfg.learn_rate
    optimizer.L2 = cfg.l2
    rng = random.Random(cfg.seed)
    order = list(range(len(items)))
    best = {head: (-1.0, None, 0 if dev_items else epochs[head]) for head in HEADS}  # (dev F1, bytes, epoch)
    dev_texts = [it.text for it in dev_items]
    scored = [i for i, it in enumerate(dev_items) if it.finding != "khac"]  # situations' area is not scored
    for epoch in range(1, max(epochs.values()) + 1):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        training = [h for h in HEADS if epoch <= epochs[h] and epoch - best[h][2] <= cfg.patience]
        if not training:
            break
        for batch in minibatch(order, size=cfg.batch_size):
            for head in training:
                nlp.update([examples[head][i] for i in batch], sgd=optimizer, drop=cfg.dropout,
                           losses=losses, exclude=[h for h in HEADS if h != head])
        if not dev_items:
            continue
        docs = list(nlp.pipe(dev_texts))
        area_pred = [max(taxonomy.area_codes, key=lambda c: d.cats[c]) for d in docs]
        find_pred = [max(taxonomy.finding_codes, key=lambda c: d.cats[c]) for d in docs]
        f1 = {"area": macro_f1([dev_items[i].area for i in scored], [area_pred[i] for i in scored]),
              "finding": macro_f1([it.finding for it in dev_items], find_pred)}
        log(f"  vòng {epoch:2d}: mất mát {losses.get('area', 0):.2f}/{losses.get('finding', 0):.2f}"
            f" — dev macro-F1 lĩnh vực {f1['area']:.3f}, loại {f1['finding']:.3f}")
        for head in training:
            if f1[head] > best[head][0]:
                best[head] = (f1[head], nlp.get_pipe(head).to_bytes(exclude=["vocab"]), epoch)
    for head, (_, data, _) in best.items():
        if data is not None:
            nlp.get_pipe(head).from_bytes(data, exclude=["vocab"])
    return (nlp, {h: best[h][2] for h in HEADS},
            {h: round(best[h][0], 4) for h in HEADS if best[h][1] is not None})


def train(train_items: list[LabelledPassage], dev_items: list[LabelledPassage],
          out_dir: Path = MODEL_DIR, cfg: TrainConfig | None = None, taxonomy: Taxonomy | None = None,
          log=print) -> dict:
    """Choose each head's epoch count on dev, then (cfg.refit) train again on train + dev for
    those epochs; save to out_dir. The dev scores reported are those of the choosing run."""
    cfg = cfg or TrainConfig()
    taxonomy = taxonomy or load_taxonomy()
    nlp, best_epoch, dev_scores = _fit(train_items, cfg, taxonomy, dict.fromkeys(HEADS, cfg.epochs),
                                       dev_items, log)
    used = train_items
    if cfg.refit and dev_items:
        used = train_items + dev_items
        log(f"Huấn luyện lại trên train + dev ({len(used)} đoạn): lĩnh vực {best_epoch['area']} vòng, "
            f"loại {best_epoch['finding']} vòng.")
        nlp, _, _ = _fit(used, cfg, taxonomy, best_epoch, (), log)
    version = f"{taxonomy.cycle.get('id', 'x')}-{corpus_fingerprint(used, cfg)}"
    meta = {"version": version, "best_epoch": best_epoch, "train_size": len(used),
            "dev_size": len(dev_items), "dev_macro_f1": dev_scores, "config": cfg.__dict__,
            "taxonomy": Path(taxonomy.path).name}
    nlp.meta["tongket"] = meta
    _save_atomically(nlp, Path(out_dir))
    return meta


def _save_atomically(nlp, out_dir: Path) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".model-", dir=out_dir.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the model ships to every user
    nlp.to_disk(tmp)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
