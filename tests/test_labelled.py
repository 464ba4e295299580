
import pytest

from pipeline.errors import ReportError
from pipeline.labelled import LabelledPassage, assign_splits, load_split, read_jsonl


def _items(n_per_cell=20):
    return [LabelledPassage(f"{a}-{f}-{i}", f"đoạn {a} {f} {i}", a, f)
            for a in ("1.1", "1.4") for f in ("ket_qua", "ton_tai") for i in range(n_per_cell)]


def test_split_is_stratified_and_deterministic():
    items = _items()
    first = assign_splits(items)
    again = assign_splits(list(reversed(items)))
    assert {k: [i.id for i in v] for k, v in first.items()} == {k: [i.id for i in v] for k, v in again.items()}
    for cell in [("1.1", "ket_qua"), ("1.4", "ton_tai")]:
        counts = {k: sum(1 for i in v if (i.area, i.finding) == cell) for k, v in first.items()}
        assert counts == {"train": 14, "dev": 3, "test": 3}


def test_malformed_line_is_a_vietnamese_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "a", "area": "1.1", "finding": "khac"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ReportError, match="dòng 2 không phải JSON hợp lệ"):
        read_jsonl(path)


def test_shipped_splits_do_not_share_passages():
    splits = {name: load_split(name) for name in ("train", "dev", "test")}
    norm = {name: {" ".join(p.text.lower().split()) for p in items} for name, items in splits.items()}
    assert not norm["test"] & norm["train"]
    assert not norm["test"] & norm["dev"]
    assert not norm["dev"] & norm["train"]
    ids = [p.id for items in splits.values() for p in items]
    assert len(ids) == len(set(ids))
