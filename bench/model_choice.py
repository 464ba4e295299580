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

from pipeline.labelled import load_split
from pipeline.train import TrainConfig, train

# Each candidate overrides the TrainConfig defaults (the chosen model: word unigrams over
# the lexicon segmenter, the first two words marked, BOW architecture).
CANDIDATES = {
    "chosen (1gram, lead2)": dict(),
    "1gram, no lead": dict(lead_words=0),
    "1gram, lead3": dict(lead_words=3),
    "2gram, lead2": dict(ngram_size=2),
    "3gram, lead2": dict(ngram_size=3),
    "crf segmenter": dict(segmenter="crf"),
    "dropout 0.4": dict(dropout=0.4),
    "ensemble (bow+cnn)": dict(architecture="ensemble"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    train_items, dev_items = load_split("train"), load_split("dev")
    print(f"train {len(train_items)}, dev {len(dev_items)}")
    print(f"{'cấu hình':<24}{'F1 lĩnh vực':>12}{'F1 loại':>9}{'vòng':>6}{'đoạn/s':>9}")
    for name, overrides in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        cfg = replace(TrainConfig(), refit=False, **overrides)
        with tempfile.TemporaryDirectory() as tmp:
            best = {}

            def log(line, best=best):
                if "dev macro-F1" in line:
                    a = float(line.split("lĩnh vực ")[1].split(",")[0])
                    f = float(line.rsplit("loại ", 1)[1])
                    if a + f > best.get("sum", -1):
                        best.update(sum=a + f, a=a, f=f)

            meta = train(train_items, dev_items, out_dir=__import__("pathlib").Path(tmp) / "m", cfg=cfg, log=log)
            from pipeline.classify import Classifier
            from pipeline.nlp import _segment_sentence

            clf = Classifier(__import__("pathlib").Path(tmp) / "m")
            texts = [f"{it.text} ({i})" for i, it in enumerate(dev_items * 2)]
            _segment_sentence.cache_clear()
            t = time.perf_counter()
            clf.label_texts([(str(i), t_, []) for i, t_ in enumerate(texts)])
            speed = len(texts) / (time.perf_counter() - t)
        print(f"{name:<24}{best['a']:12.3f}{best['f']:9.3f}{meta['best_epoch']:6d}{speed:9.0f}", flush=True)


if __name__ == "__main__":
    main()
