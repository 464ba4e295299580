"""Benchmark: model load time and labelling speed on one core.

    python bench/classify.py [--model DIR] [--n 2000]

Prints the load time (a fresh process), and passages per second for the model
scores alone and for full labels (heading evidence + sentence splitting), on
passages from the corpus that the tokenizer cache has not seen.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()

    load_code = (
        "import time; t=time.perf_counter(); from pipeline.classify import Classifier; "
        f"c=Classifier({args.model!r}); c.scores(['khởi động']); print(time.perf_counter()-t)"
    )
    load = float(subprocess.run([sys.executable, "-c", load_code], capture_output=True, text=True,
                                check=True).stdout.strip())
    print(f"tải mô hình (tiến trình mới, kể cả import): {load:.2f} s")

    from pipeline.classify import Classifier
    from pipeline.labelled import load_split
    from pipeline.nlp import _segment_sentence

    clf = Classifier(args.model)
    items = [p for name in ("train", "dev", "test") for p in load_split(name)]
    # distinct texts so the sentence cache cannot help: suffix each copy
    texts = [f"{items[i % len(items)].text} (bản {i})" for i in range(args.n)]
    _segment_sentence.cache_clear()
    t = time.perf_counter()
    clf.scores(texts)
    scores_s = time.perf_counter() - t
    _segment_sentence.cache_clear()
    t = time.perf_counter()
    clf.label_texts([(str(i), text, []) for i, text in enumerate(texts)])
    label_s = time.perf_counter() - t
    words = sum(len(x.split()) for x in texts) / len(texts)
    print(f"{len(texts)} đoạn, trung bình {words:.0f} âm tiết/đoạn")
    print(f"chỉ điểm số mô hình: {len(texts) / scores_s:,.0f} đoạn/giây")
    print(f"gán nhãn đầy đủ (bằng chứng tiêu đề, tách câu): {len(texts) / label_s:,.0f} đoạn/giây")


if __name__ == "__main__":
    main()
