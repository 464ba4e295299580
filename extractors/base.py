"""The interface every input format implements (one backend per file, like docling's).

A backend says whether it can read a file from its first bytes, and reads it into
raw blocks in reading order. Text normalisation, layout (roles, levels, heading
paths) and metadata are applied afterwards by `extractors.extract_file`, the same
way for every format.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Block


@dataclass
class ReadResult:
    """What a backend hands back: raw blocks plus what it learnt on the way."""

    format: str  # docx, pdf, pdf-ocr, doc, odt, rtf
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    # Indices (into `blocks`) of paragraphs printed entirely in bold: a layout hint
    # that lets a bold "1. Công tác tuyên truyền" be recognised as a heading.
    # None when the format cannot tell (OCR): layout then judges by shape alone.
    bold: set[int] | None = field(default_factory=set)


class Backend(ABC):
    """One input format."""

    name: str = ""

    @abstractmethod
    def can_read(self, path: Path, head: bytes) -> bool:
        """True when the file's first bytes (and cheap peeks) show this format."""

    @abstractmethod
    def read(self, path: Path) -> ReadResult:
        """Read the file into raw blocks; raise ExtractionError for a bad file."""
