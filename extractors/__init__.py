"""Extraction: any provincial report file -> one clean, provenance-tracked Document.

`extract_file` is the one entry point: sniff the content (never trust the
extension) -> the backend for that format -> Vietnamese normalisation of every
block -> layout (roles, headings, levels, heading paths) -> metadata.

Decisions on odd inputs:
- .docm: the text is read and the macros are ignored (never run), with a warning;
- images (JPEG, PNG, TIFF, ...): refused with advice to send a PDF or Word file,
  since a report is many pages and a photo of one page is not a report;
- password-protected PDF or .docx, zip bombs, spreadsheets, empty or unknown
  files: refused with a one-line Vietnamese message naming the file, the reason
  and what to do (ExtractionError).
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from pipeline.errors import ExtractionError, ReportError
from pipeline.layout import apply_layout, drop_blank
from pipeline.model import TABLE, Block, Document

from .base import Backend, ReadResult
from .docx import DocxBackend
from .office import OLE_MAGIC, OfficeBackend, ole_entries
from .pdf import PdfBackend

# Tried in order; the first backend whose can_read() accepts the file reads it.
BACKENDS: list[Backend] = [PdfBackend(), DocxBackend(), OfficeBackend()]

_RESEND = "xin tỉnh gửi lại báo cáo dạng Word (.docx, .doc) hoặc PDF"
_IMAGE_MAGIC = {
    b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF8": "GIF", b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF", b"BM": "BMP",
}


def _refuse_known(path: Path, head: bytes) -> None:
    """Raise for content we recognise but do not read."""
    name = str(path)
    for magic, kind in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            raise ExtractionError(f"tệp là ảnh {kind}, không phải báo cáo Word/PDF", name,
                                  "hãy ghép các trang quét thành một tệp PDF, hoặc " + _RESEND)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise ExtractionError("tệp là ảnh WEBP, không phải báo cáo Word/PDF", name,
                              "hãy ghép các trang quét thành một tệp PDF, hoặc " + _RESEND)
    if head.startswith(OLE_MAGIC):
        entries = ole_entries(path)
        if "EncryptedPackage" in entries or "EncryptionInfo" in entries:
            raise ExtractionError("tệp Word được đặt mật khẩu", name,
                                  "xin tỉnh gửi bản không đặt mật khẩu (mở bằng Word, bỏ mật khẩu rồi lưu lại)")
        if "Workbook" in entries or "Book" in entries:
            raise ExtractionError("tệp là bảng tính Excel, không phải báo cáo Word/PDF", name, _RESEND)
        if "PowerPoint Document" in entries:
            raise ExtractionError("tệp là bản trình chiếu PowerPoint, không phải báo cáo Word/PDF", name, _RESEND)
        if "WordDocument" not in entries:
            raise ExtractionError("tệp Office bị hỏng hoặc không phải văn bản Word", name,
                                  "hãy mở tệp bằng Word và lưu lại thành .docx, hoặc " + _RESEND)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExtractionError("tệp nén bị hỏng hoặc tải về chưa hết", name,
                                  "hãy mở tệp bằng Word, lưu lại rồi thử lại, hoặc " + _RESEND) from exc
        if any(n.startswith("xl/") for n in names):
            raise ExtractionError("tệp là bảng tính Excel, không phải báo cáo Word/PDF", name, _RESEND)
        if any(n.startswith("ppt/") for n in names):
            raise ExtractionError("tệp là bản trình chiếu PowerPoint, không phải báo cáo Word/PDF", name, _RESEND)
    if b"%PDF-" not in head[:1024] and head.rstrip(b"\0").startswith(b"%PDF"):
        raise ExtractionError("tệp PDF bị hỏng (phần đầu tệp không hợp lệ)", name, _RESEND)


def sniff(path: Path, head: bytes) -> Backend:
    """The backend for a file, chosen by its content."""
    _refuse_known(path, head)
    for backend in BACKENDS:
        if backend.can_read(path, head):
            return backend
    if head.startswith(b"PK\x03\x04"):
        raise ExtractionError("tệp nén (zip) không chứa văn bản Word", str(path), _RESEND)
    raise ExtractionError("không phải báo cáo Word/PDF (không nhận ra định dạng tệp)", str(path), _RESEND)


def _hash_and_head(path: Path) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    head = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if not head:
                head = chunk[:8192]
            digest.update(chunk)
    return digest.hexdigest(), head


def _normalise(result: ReadResult) -> tuple[list[Block], set[int] | None]:
    """normalize_text on every text and cell; drop blank blocks, keeping the bold hints aligned."""
    from pipeline.vietnamese import normalize_text

    blocks: list[Block] = []
    bold: set[int] | None = None if result.bold is None else set()
    for i, block in enumerate(result.blocks):
        if block.kind == TABLE:
            block.rows = [[" ".join(normalize_text(cell).split()) for cell in row] for row in block.rows or []]
        else:
            block.text = " ".join(normalize_text(block.text).split())
            if block.number:
                block.number = normalize_text(block.number).strip() or None
        kept = drop_blank([block])
        if kept:
            if bold is not None and result.bold and i in result.bold:
                bold.add(len(blocks))
            blocks.append(block)
    return blocks, bold


def extract_file(path: str | Path) -> Document:
    """Read one report file into a Document; raises ExtractionError for a bad file."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise ExtractionError("không tìm thấy tệp", name, "hãy kiểm tra lại đường dẫn và tên tệp")
    if p.is_dir():
        raise ExtractionError("đây là thư mục, không phải tệp", name, "hãy chỉ ra từng tệp báo cáo trong thư mục")
    try:
        size = p.stat().st_size
        if size == 0:
            raise ExtractionError("tệp rỗng (0 byte)", name, _RESEND)
        sha256, head = _hash_and_head(p)
    except PermissionError as exc:
        raise ExtractionError("không có quyền đọc tệp", name, "hãy kiểm tra quyền truy cập tệp") from exc
    backend = sniff(p, head)
    try:
        result = backend.read(p)
    except ReportError:
        raise
    except MemoryError as exc:
        raise ExtractionError("tệp quá lớn, không đủ bộ nhớ để đọc", name, "hãy tách tệp nhỏ hơn rồi thử lại") from exc
    except Exception as exc:  # a damaged file can break any parser; the batch must go on
        if os.environ.get("TONGKET_DEBUG"):
            raise
        raise ExtractionError(f"tệp bị hỏng hoặc có cấu trúc lạ, không đọc được ({type(exc).__name__})", name,
                              "hãy mở tệp bằng Word hoặc trình đọc PDF, lưu lại rồi thử lại, hoặc " + _RESEND) from exc
    blocks, bold = _normalise(result)
    if not blocks:
        raise ExtractionError("tệp không có nội dung chữ nào đọc được", name,
                              "hãy kiểm tra lại tệp (có thể là trang trắng hoặc ảnh mờ), hoặc " + _RESEND)
    apply_layout(blocks, bold)
    from pipeline.metadata import extract_metadata

    metadata = extract_metadata(blocks, p.name)
    warnings = list(result.warnings)
    if not metadata.province:
        warnings.append("không xác định được tỉnh")
    return Document(source=name, sha256=sha256, format=result.format, metadata=metadata, blocks=blocks,
                    warnings=warnings, pages=result.pages)


def document_text(doc: Document) -> str:
    """Readable plain text: numbering labels restored, tables as tab-separated rows, blank line between blocks."""
    parts = []
    for block in doc.blocks:
        if block.kind == TABLE:
            parts.append("\n".join("\t".join(" ".join(cell.split()) for cell in row) for row in block.rows or []))
        else:
            parts.append(block.numbered_text)
    return "\n\n".join(parts)


def document_summary(doc: Document) -> str:
    """One line per document for the terminal."""
    meta = doc.metadata
    pages = f", {doc.pages} trang" if doc.pages else ""
    return (f"{doc.source}: {doc.format}{pages}, {len(doc.blocks)} khối; tỉnh: {meta.province or '?'}; "
            f"số: {meta.doc_number or '?'}; ngày: {meta.date or '?'}")


__all__ = ["BACKENDS", "Backend", "ReadResult", "document_summary", "document_text", "extract_file", "sniff"]
