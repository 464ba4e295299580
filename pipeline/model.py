"""The typed data model that flows between tongket's stages.

Document (blocks with provenance) -> Passage -> Label -> FindingGroup -> Draft.
Every stage is a plain function over these dataclasses; nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Block kinds: what a block *is* typographically.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE = "table"
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE)

# Block roles: what a block *does* in an administrative report.
BODY = "body"
HEADER = "header"  # issuing body, national motto, number, place and date
TITLE = "title"  # "BÁO CÁO" and the subject line
ADDRESSEE = "addressee"  # "Kính gửi: ..."
RECIPIENTS = "recipients"  # "Nơi nhận: ..." list
SIGNATURE = "signature"  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", name
BLOCK_ROLES = (BODY, HEADER, TITLE, ADDRESSEE, RECIPIENTS, SIGNATURE)


@dataclass
class Block:
    """One unit of a document in reading order, with its provenance."""

    kind: str
    text: str
    index: int = 0  # position in the document's block list
    number: str | None = None  # numbering label as printed: "I.", "1.1.", "a)", "-"
    level: int | None = None  # outline level (1 = top) for headings and list items
    page: int | None = None  # 1-based page for paginated sources
    heading_path: list[str] = field(default_factory=list)
    rows: list[list[str]] | None = None  # tables only
    role: str = BODY
    style: str | None = None
    ocr_confidence: float | None = None  # 0..100, OCR'd blocks only

    @property
    def numbered_text(self) -> str:
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass
class Metadata:
    province: str | None = None  # canonical name, e.g. "Hà Nội", "Bà Rịa - Vũng Tàu"
    issuer: str | None = None  # e.g. "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
    doc_number: str | None = None  # e.g. "215/BC-UBND"
    date: str | None = None  # ISO date "2020-07-15"
    title: str | None = None
    province_source: str | None = None  # where the province was found: issuer, place, title, filename


@dataclass
class Document:
    source: str  # path as given
    sha256: str
    format: str  # docx, pdf, pdf-ocr, doc, odt, rtf
    metadata: Metadata = field(default_factory=Metadata)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data["metadata"] = Metadata(**data.get("metadata") or {})
        data["blocks"] = [Block(**b) for b in data.get("blocks") or []]
        return cls(**data)


@dataclass
class Passage:
    """A body paragraph or list item: the unit editors review and the model labels."""

    id: str  # stable: derived from the document hash and block index
    text: str
    heading_path: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    source: str = ""  # file name
    doc_sha256: str = ""
    province: str | None = None
    page: int | None = None
    block_index: int = 0
    paragraph: int = 0  # 1-based count of body paragraphs in the document

    @property
    def heading(self) -> str:
        """The nearest heading, which carries most of the context."""
        return self.heading_path[-1] if self.heading_path else ""


@dataclass
class Label:
    """The classifier's (or an editor's) decision on a passage or a span of its sentences."""

    passage_id: str
    area: str
    finding: str
    area_confidence: float
    finding_confidence: float
    area_scores: list[tuple[str, float]] = field(default_factory=list)  # top three
    finding_scores: list[tuple[str, float]] = field(default_factory=list)
    area2: str | None = None
    text: str = ""  # the labelled text (the passage, or the sentences of the span)
    sentence_span: tuple[int, int] | None = None  # [start, end) sentence indices when split
    model_version: str = ""
    low_confidence: bool = False


@dataclass
class Correction:
    passage_id: str
    field: str  # area, finding, excluded, note
    old_value: str | None
    new_value: str | None
    editor: str = ""
    at: str = ""  # ISO timestamp
    note: str = ""


@dataclass
class Source:
    """Where a drafted statement came from."""

    province: str
    file: str
    page: int | None
    paragraph: int
    excerpt: str
    passage_id: str = ""


@dataclass
class FindingGroup:
    """Statements from several provinces that say the same thing, written once."""

    area: str
    finding: str
    statement: str
    provinces: list[str]
    sources: list[Source] = field(default_factory=list)
    examples: list[Source] = field(default_factory=list)
    representative: Source | None = None  # the sentence the statement was written from
    local_figures: bool = False  # statement quotes one province's figures: written as that province's


@dataclass
class Figure:
    """A quantity reported by one province (year None = the whole period)."""

    key: str  # e.g. "establishments_inspected"
    province: str
    value: float
    unit: str
    year: int | None = None
    source: Source | None = None


@dataclass
class Draft:
    """Everything the national report template needs."""

    sections: dict[str, dict[str, list[FindingGroup]]]  # area -> finding -> groups
    figures: list[Figure] = field(default_factory=list)
    provinces_reporting: list[str] = field(default_factory=list)
    provinces_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
