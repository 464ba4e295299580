"""Blocks -> passages: the body paragraphs and list items editors review and the model labels.

A passage keeps what an editor needs to find it again: a stable id (document hash
+ block index, so re-extracting the same file gives the same ids), the headings
above it, its sentences, and its provenance (file, page, block, paragraph
ordinal, province). A list item's text keeps its label ("- ", "a) "), as printed
and as in the labelled corpus. Headings, tables, and the header, title, addressee,
recipients and signature blocks are not passages.
"""
from __future__ import annotations

from pathlib import PurePath

from .model import BODY, LIST_ITEM, PARAGRAPH, Document, Passage
from .nlp import split_sentences


def passage_id(sha256: str, block_index: int) -> str:
    return f"{sha256[:12]}-{block_index:04d}"


def passages(doc: Document) -> list[Passage]:
    """Every body paragraph and list item of a document, in reading order."""
    source = PurePath(doc.source.replace("\\", "/")).name
    out: list[Passage] = []
    for block in doc.blocks:
        if block.role != BODY or block.kind not in (PARAGRAPH, LIST_ITEM) or not block.text.strip():
            continue
        text = block.numbered_text  # as printed: "- Đề nghị …" keeps its dash, like the labelled corpus
        out.append(Passage(
            id=passage_id(doc.sha256, block.index),
            text=text,
            heading_path=list(block.heading_path),
            sentences=split_sentences(text),
            source=source,
            doc_sha256=doc.sha256,
            province=doc.metadata.province,
            page=block.page,
            block_index=block.index,
            paragraph=len(out) + 1,
        ))
    return out
