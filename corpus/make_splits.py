"""Merge the authored passage files (corpus/passages/raw/*.jsonl) into the fixed split.

    python -m corpus.make_splits

writes corpus/passages/{train,dev,test}.jsonl. The split is a function of each
passage's id (see pipeline.labelled.assign_splits), so re-running after adding
passages moves no existing passage between splits unless its cell's cut moves.
"""
from __future__ import annotations

import sys
from collections import Counter

from pipeline.labelled import PASSAGES_DIR, assign_splits, read_jsonl, write_jsonl
from pipeline.taxonomy import load_taxonomy


def main() -> int:
    tax = load_taxonomy()
    items, seen_ids, seen_texts, problems = [], set(), set(), []
    for path in sorted((PASSAGES_DIR / "raw").glob("*.jsonl")):
        for item in read_jsonl(path):
            key = " ".join(item.text.lower().split())
            if item.area not in tax.area_codes or item.finding not in tax.finding_codes:
                problems.append(f"{path.name}:{item.id}: nhãn không hợp lệ {item.area}/{item.finding}")
            elif item.id in seen_ids:
                problems.append(f"{path.name}:{item.id}: trùng mã")
            elif key in seen_texts:
                problems.append(f"{path.name}:{item.id}: trùng nội dung")
            else:
                seen_ids.add(item.id)
                seen_texts.add(key)
                items.append(item)
    for line in problems:
        print(line, file=sys.stderr)
    splits = assign_splits(items)
    for name, split in splits.items():
        write_jsonl(PASSAGES_DIR / f"{name}.jsonl", split)
        print(f"{name}: {len(split)}")
    cells = Counter((it.area, it.finding) for it in items)
    for area in tax.area_codes:
        print(area.ljust(5), " ".join(f"{f}={cells[(area, f)]:<4}" for f in tax.finding_codes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
