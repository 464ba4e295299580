"""Legacy and other office formats (.doc, .odt, .rtf, Word HTML/XML) through LibreOffice.

LibreOffice converts the file to .docx in a temporary folder (its own user profile
per process, so parallel runs never clash; a timeout so a bad file never hangs)
and the .docx backend reads it, so Word's numbering survives. When LibreOffice is
missing or fails on a .doc, `antiword` gives the plain text as a fallback.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.layout import split_number
from pipeline.model import PARAGRAPH, TABLE, Block

from .base import Backend, ReadResult
from .docx import _is_layout_table, read_docx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_TIMEOUT = 180  # seconds; a 30-page .doc converts in a few
_profile_lock = threading.Lock()
_profile_dir: str | None = None


def ole_entries(path: Path, limit: int = 4096) -> set[str]:
    """Names of the streams and storages in an OLE2 compound file (e.g. "WordDocument").

    A small reader of the directory chain only; returns an empty set for a damaged file.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return set()
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return set()
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if sector not in (512, 4096):
        return set()
    n_fat, first_dir = struct.unpack_from("<I", data, 0x2C)[0], struct.unpack_from("<I", data, 0x30)[0]
    difat = list(struct.unpack_from("<109I", data, 0x4C))
    next_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    for _ in range(min(n_difat, limit)):
        off = (next_difat + 1) * sector
        if next_difat >= 0xFFFFFFFA or off + sector > len(data):
            break
        entries = struct.unpack_from(f"<{sector // 4}I", data, off)
        difat.extend(entries[:-1])
        next_difat = entries[-1]
    fat: list[int] = []
    for sid in difat[: min(n_fat, limit)]:
        off = (sid + 1) * sector
        if sid >= 0xFFFFFFFA or off + sector > len(data):
            break
        fat.extend(struct.unpack_from(f"<{sector // 4}I", data, off))
    names, sid, seen = set(), first_dir, set()
    while sid < 0xFFFFFFFA and sid not in seen and len(seen) < limit:
        seen.add(sid)
        off = (sid + 1) * sector
        if off + sector > len(data):
            break
        for k in range(sector // 128):
            entry = data[off + k * 128: off + (k + 1) * 128]
            size = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2, 5) and 2 <= size <= 64:
                names.add(entry[: size - 2].decode("utf-16-le", "replace"))
        sid = fat[sid] if sid < len(fat) else 0xFFFFFFFE
    return names


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def find_antiword() -> str | None:
    return shutil.which("antiword")


def _profile() -> str:
    """One LibreOffice user profile per process, created on first use, removed at exit."""
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = tempfile.mkdtemp(prefix="tongket-lo-profile-")
        import atexit

        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def convert_with_soffice(path: Path, target: str, outdir: Path, soffice: str, suffix: str | None = None) -> Path:
    """Convert one file with LibreOffice headless; returns the converted file's path.

    The file is copied under a plain name with the extension its content calls for
    (`suffix`), so a lying extension or an odd file name cannot confuse LibreOffice.
    """
    src = outdir / f"input{suffix or path.suffix.lower() or '.bin'}"
    shutil.copyfile(path, src)
    with _profile_lock:  # one profile cannot serve two LibreOffice processes at once
        profile = Path(_profile()).as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--nodefault", "--nologo", "--convert-to", target, "--outdir", str(outdir), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False,
                           env={**os.environ, "HOME": os.environ.get("HOME", tempfile.gettempdir())})
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"LibreOffice chuyển đổi quá {CONVERT_TIMEOUT} giây và đã bị dừng", str(path),
                                  "hãy mở tệp bằng Word và lưu lại thành .docx rồi thử lại") from exc
    out = outdir / f"input.{target.split(':')[0]}"
    return out


def antiword_blocks(path: Path, antiword: str) -> list[Block]:
    """Paragraphs and tables from a .doc with antiword (numbering labels only where typed).

    antiword prints one paragraph per line, a soft line break as a new line (joined
    back when the next line starts in lower case), tables as "|cell|cell|" rows and
    pictures as "[pic]".
    """
    try:
        proc = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True,
                              timeout=CONVERT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return []
    if proc.returncode != 0:
        return []
    blocks: list[Block] = []
    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        if _is_layout_table(rows, max_rows=12):  # a header or signature table: one row per printed line
            columns = max(len(row) for row in rows)
            blocks.extend(Block(kind=PARAGRAPH, text=row[c]) for c in range(columns) for row in rows
                          if c < len(row) and row[c])
        else:
            blocks.append(Block(kind=TABLE, text="", rows=[list(r) for r in rows]))
        rows.clear()

    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            rows.append([cell.strip() for cell in line[1:-1].split("|")])
            continue
        flush_table()
        if not line or line == "[pic]":
            continue
        if blocks and blocks[-1].kind == PARAGRAPH and line[:1].islower() and split_number(line)[0] is None:
            blocks[-1].text += " " + line
        else:
            blocks.append(Block(kind=PARAGRAPH, text=line))
    flush_table()
    return blocks


class OfficeBackend(Backend):
    """.doc, .odt, .rtf, web pages and Word's own HTML/XML flavours, converted to .docx first."""

    name = "office"

    def kind(self, path: Path, head: bytes) -> str | None:
        if head.startswith(OLE_MAGIC):
            return "doc" if "WordDocument" in ole_entries(path) else None
        if head.startswith(b"{\\rtf"):
            return "rtf"
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(path) as zf:
                    if "content.xml" in zf.namelist():
                        mime = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in zf.namelist() else ""
                        return "odt" if mime in ("", "application/vnd.oasis.opendocument.text") else None
            except (zipfile.BadZipFile, OSError, KeyError):
                return None
            return None
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if b"urn:schemas-microsoft-com:office:word" in lowered[:4096] or b"w:worddocument" in lowered[:4096]:
            return "doc"  # Word saved as web page (.doc/.htm) or Word 2003 XML
        if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:1024]:
            return "html"  # a web page, often saved with a .doc name by office software
        return None

    def can_read(self, path: Path, head: bytes) -> bool:
        return self.kind(path, head) is not None

    def read(self, path: Path) -> ReadResult:
        with open(path, "rb") as fh:
            head = fh.read(8192)
        fmt = self.kind(path, head) or "doc"
        soffice, antiword = find_soffice(), find_antiword()
        if soffice is None and (fmt != "doc" or antiword is None):
            tools = "LibreOffice (soffice)" + (" hay antiword" if fmt == "doc" else "")
            raise ExtractionError(
                f"tệp .{fmt} cần {tools} để đọc nhưng máy chưa cài", str(path),
                "hãy cài libreoffice-writer" + (" hoặc antiword" if fmt == "doc" else "")
                + ", hoặc mở tệp bằng Word và lưu thành .docx",
            )
        if soffice is not None:
            suffix = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt", "html": ".html"}[fmt]
            if fmt == "doc" and path.suffix.lower() in (".htm", ".html", ".xml", ".mht"):
                suffix = path.suffix.lower()
            with tempfile.TemporaryDirectory(prefix="tongket-convert-") as tmp:
                # a web page opens in Writer/Web, which needs the Word export filter named
                target = "docx:MS Word 2007 XML" if fmt == "html" else "docx"
                out = convert_with_soffice(path, target, Path(tmp), soffice, suffix)
                if out.exists() and out.stat().st_size > 0:
                    return read_docx(out, fmt=fmt)
        if fmt == "doc" and antiword is not None:
            blocks = antiword_blocks(path, antiword)
            if blocks:
                return ReadResult(format="doc", blocks=blocks, bold=None,
                                  warnings=["đọc bằng antiword (LibreOffice không dùng được): "
                                            "mất định dạng và số thứ tự tự động của Word"])
        raise ExtractionError(
            f"không đọc được tệp .{fmt} (tệp hỏng, đặt mật khẩu, hoặc không phải văn bản Word)", str(path),
            "hãy mở tệp bằng Word, lưu lại thành .docx rồi thử lại, hoặc xin tỉnh gửi lại",
        )

