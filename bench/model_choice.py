"""Model choice by measurement: dev macro-F1 (both heads) and speed for candidate configs.

    python bench/model_choice.py [--quick]

Trains each candidate on the train split into a temporary folder, scores it on dev,
and times labelling. The chosen defaults live in pipeline.train.TrainConfig; the
README's "Model choice" table is this script's output.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pipeline.labelled import load_split
from pipeline.train import TrainConfig, train

# Each candidate overrides the TrainConfig defaults. The chosen model: the lexicon segmenter,
# the first two words marked; area head on TF-IDF-weighted words, finding head on normalised
# binary word uni+bigrams (pipeline.textcat_model); each head keeps its best epoch.
CANDIDATES = {
    "chosen (tfidf 1 / normbow 2)": dict(),
    "dual 1 / normbow 2 (before)": dict(area_architecture="dual"),
    "bow 1 / bow 1": dict(area_architecture="bow", finding_architecture="bow", finding_ngrams=1),
    "bow 1 / normbow 2": dict(area_architecture="bow"),
    "bow 1 / normbow 1": dict(area_architecture="bow", finding_ngrams=1),
    "bow 2 / normbow 2": dict(area_architecture="bow", area_ngrams=2),
    "normbow 1 / normbow 2": dict(area_architecture="normbow"),
    "normbow 2 / normbow 2": dict(area_architecture="normbow", area_ngrams=2),
    "dual 2 / normbow 2": dict(area_architecture="dual", area_ngrams=2),
    "tfidf 2 / normbow 2": dict(area_ngrams=2),
    "tfidf 2 / tfidf 2": dict(area_ngrams=2, finding_architecture="tfidf"),
    "tfidf 1 / tfidf 2": dict(finding_architecture="tfidf"),
    "learn rate 0.001": dict(learn_rate=0.001),
    "batch 64": dict(batch_size=64),
    "L2 weight decay 1e-3": dict(l2=1e-3),
    "L2 weight decay 1e-2": dict(l2=1e-2),
    "no lead words": dict(lead_words=0),
    "lead words 3": dict(lead_words=3),
    "crf segmenter": dict(segmenter="crf"),
    "ensemble (bow+cnn) / normbow 2": dict(area_architecture="ensemble"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    train_items, dev_items = load_split("train"), load_split("dev")
    print(f"train {len(train_items)}, dev {len(dev_items)}")
    print(f"{'cấu hình':<32}{'F1 lĩnh vực':>12}{'F1 loại':>9}{'vòng':>7}{'đoạn/s':>9}")
    for name, overrides in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        cfg = replace(TrainConfig(), refit=False, **overrides)
        with tempfile.TemporaryDirectory() as tmp:
            meta = train(train_items, dev_items, out_dir=Path(tmp) / "m", cfg=cfg,
                         log=lambda line: None)
            from pipeline.classify import Classifier
            from pipeline.nlp import _segment_sentence

            clf = Classifier(Path(tmp) / "m")
            texts = [f"{it.text} ({i})" for i, it in enumerate(dev_items * 2)]
            _segment_sentence.cache_clear()
            t = time.perf_counter()
            clf.label_texts([(str(i), t_, []) for i, t_ in enumerate(texts)])
            speed = len(texts) / (time.perf_counter() - t)
        epochs = f"{meta['best_epoch']['area']}/{meta['best_epoch']['finding']}"
        print(f"{name:<32}{meta['dev_macro_f1']['area']:12.3f}{meta['dev_macro_f1']['finding']:9.3f}"
              f"{epochs:>7}{speed:9.0f}", flush=True)


if __name__ == "__main__":
    main()
