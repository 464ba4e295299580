"""How much the headings above a passage help, measured on a built batch's gold.

    tongket corpus build --out /tmp/bdev --split dev
    python bench/heading_evidence.py /tmp/bdev [--model DIR]

Labels every gold passage of the batch (body passages with their real heading
paths) with heading evidence at several weights, and prints macro-F1 for both
heads. Use a model trained without the dev split (TrainConfig.refit=False) so
that dev passages are unseen.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline import classify
from pipeline.evaluate import evaluate
from pipeline.labelled import LabelledPassage


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("batch")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    rows = [json.loads(line) for line in (Path(args.batch) / "gold" / "passages.jsonl").read_text(
        encoding="utf-8").splitlines()]
    rows = [r for r in rows if not r.get("source_id", "").startswith("generated:")]
    gold = [LabelledPassage(str(i), r["text"], r["area"], r["finding"], r.get("area2")) for i, r in enumerate(rows)]
    clf = classify.Classifier(args.model)
    print(f"{len(gold)} đoạn có nhãn trong {args.batch}")
    print(f"{'trọng số (lĩnh vực, loại)':<28}{'F1 lĩnh vực':>12}{'F1 loại':>9}")
    for weights in [(0.0, 0.0), (1.0, 0.75), (2.0, 1.5), (3.0, 2.0), (4.0, 3.0)]:
        classify.HEADING_WEIGHT.update(area=weights[0], finding=weights[1])
        res = clf.label_texts([(g.id, g.text, r["heading_path"]) for g, r in zip(gold, rows)], split=False)
        area, finding = evaluate(gold, [(x[0].area, x[0].finding) for x in res], clf.taxonomy)
        print(f"{str(weights):<28}{area.macro_f1:12.3f}{finding.macro_f1:9.3f}")


if __name__ == "__main__":
    main()
