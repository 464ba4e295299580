"""Load the review taxonomy (areas, finding types, cues, heading patterns) from data.

The taxonomy is a TOML file so that the next review cycle can reuse the tool by
writing a new file instead of changing code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ReportError

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "taxonomy-2016-2020.toml"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    short: str = ""
    cues: tuple[str, ...] = ()
    heading_patterns: tuple[re.Pattern, ...] = field(default=(), compare=False)

    @property
    def choice(self) -> str:
        """The "code - name" form used in dropdowns."""
        return f"{self.code} - {self.name}"


@dataclass(frozen=True)
class Taxonomy:
    cycle: dict
    areas: tuple[Category, ...]
    findings: tuple[Category, ...]
    low_confidence: float
    path: str

    @property
    def area_codes(self) -> list[str]:
        return [a.code for a in self.areas]

    @property
    def finding_codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def area(self, code: str) -> Category:
        return _by_code(self.areas, code)

    def finding(self, code: str) -> Category:
        return _by_code(self.findings, code)


def _by_code(items: tuple[Category, ...], code: str) -> Category:
    for item in items:
        if item.code == code:
            return item
    raise KeyError(code)


def _category(raw: dict) -> Category:
    return Category(
        code=str(raw["code"]),
        name=raw["name"],
        short=raw.get("short", ""),
        cues=tuple(raw.get("cues", ())),
        heading_patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw.get("heading_patterns", ())),
    )


@lru_cache(maxsize=8)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    path = Path(path) if path else DEFAULT_TAXONOMY
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        areas = tuple(_category(a) for a in raw["areas"])
        findings = tuple(_category(f) for f in raw["findings"])
    except FileNotFoundError:
        raise ReportError("không tìm thấy tệp phân loại", str(path), "kiểm tra lại đường dẫn --taxonomy")
    except (tomllib.TOMLDecodeError, KeyError, re.error) as exc:
        raise ReportError(f"tệp phân loại không hợp lệ ({exc})", str(path), "sửa tệp theo mẫu mặc định")
    return Taxonomy(
        cycle=raw.get("cycle", {}),
        areas=areas,
        findings=findings,
        low_confidence=float(raw.get("thresholds", {}).get("low_confidence", 0.6)),
        path=str(path),
    )
