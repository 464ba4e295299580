"""Labelled passages in the corpus schema: reading, writing and the fixed split.

One JSON object per line::

    {"id": "w3-0042", "text": "...", "area": "1.4", "finding": "ton_tai",
     "area2": null, "heading": "optional heading the passage sat under"}

The split into train/dev/test is a pure function of the passage id (a hash), so
it is stable when passages are added, and stratified by area × finding.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import ReportError

PASSAGES_DIR = Path(__file__).resolve().parent.parent / "corpus" / "passages"
SPLITS = ("train", "dev", "test")


@dataclass
class LabelledPassage:
    id: str
    text: str
    area: str
    finding: str
    area2: str | None = None
    heading: str = ""

    def to_json(self) -> str:
        data = {"id": self.id, "text": self.text, "area": self.area, "finding": self.finding,
                "area2": self.area2}
        if self.heading:
            data["heading"] = self.heading
        return json.dumps(data, ensure_ascii=False)


def read_json_lines(path: str | Path) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a malformed line is a Vietnamese error."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ReportError("không tìm thấy tệp", str(path), "kiểm tra lại đường dẫn")
    except UnicodeDecodeError:
        raise ReportError("tệp không phải văn bản UTF-8", str(path), "lưu lại tệp dạng JSON Lines UTF-8")
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise ValueError("không phải đối tượng")
        except ValueError as exc:
            raise ReportError(f"dòng {number} không phải JSON hợp lệ ({exc})", str(path),
                              'mỗi dòng phải là một đối tượng JSON, ví dụ {"id": ..., "text": ...}')
        out.append((number, raw))
    return out


def read_jsonl(path: str | Path, require_labels: bool = True) -> list[LabelledPassage]:
    """Read a labelled JSONL file in the corpus schema."""
    items: list[LabelledPassage] = []
    for number, raw in read_json_lines(path):
        item = LabelledPassage(
            id=str(raw.get("id", number)),
            text=unicodedata.normalize("NFC", str(raw.get("text") or "")),
            area=str(raw.get("area") or ""),
            finding=str(raw.get("finding") or ""),
            area2=raw.get("area2") or None,
            heading=unicodedata.normalize("NFC", str(raw.get("heading") or "")),
        )
        if require_labels and not (item.area and item.finding):
            raise ReportError(f"dòng {number} thiếu nhãn area hoặc finding", str(path))
        items.append(item)
    return items


def write_jsonl(path: str | Path, items: list[LabelledPassage]) -> None:
    Path(path).write_text("".join(item.to_json() + "\n" for item in items), encoding="utf-8")


def load_split(name: str, directory: Path = PASSAGES_DIR) -> list[LabelledPassage]:
    return read_jsonl(directory / f"{name}.jsonl")


def _rank(item_id: str) -> str:
    return hashlib.sha256(item_id.encode("utf-8")).hexdigest()


def assign_splits(items: list[LabelledPassage], dev: float = 0.15, test: float = 0.15
                  ) -> dict[str, list[LabelledPassage]]:
    """Stratified, deterministic split: within each area × finding cell, passages are
    ordered by the hash of their id and cut into test, dev and train shares."""
    cells: dict[tuple[str, str], list[LabelledPassage]] = defaultdict(list)
    for item in items:
        cells[(item.area, item.finding)].append(item)
    out: dict[str, list[LabelledPassage]] = {s: [] for s in SPLITS}
    for key in sorted(cells):
        cell = sorted(cells[key], key=lambda it: _rank(it.id))
        n_test = round(len(cell) * test)
        n_dev = round(len(cell) * dev)
        out["test"].extend(cell[:n_test])
        out["dev"].extend(cell[n_test:n_test + n_dev])
        out["train"].extend(cell[n_test + n_dev:])
    for split in out.values():
        split.sort(key=lambda it: it.id)
    return out
