"""Turn generated .docx reports into the other shapes a real inbox has.

- legacy fonts: runs typed in TCVN3 (".VnTime", toned capitals in ".VnTimeH")
  or VNI ("VNI-Times"), using pipeline.vietnamese's encoders;
- Unicode quirks: NFD text, and the other tone placement ("hoà", "thuỷ");
- LibreOffice conversions (docx -> pdf / doc), many files per invocation;
- scans: rasterise a PDF, rotate slightly, add noise and blur, save image-only PDF.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

from pipeline.errors import ReportError

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_LETTER_AFTER = r"(?![^\W\d_])"


# --- legacy fonts ---------------------------------------------------------------

def legacy_runs(text: str, encoding: str) -> list[tuple[str, str | None]]:
    """Split text into (run text, font) pieces as an old document would store it.

    "unicode" gives one run with no font override. "tcvn3" encodes with .VnTime
    and puts toned capitals (which .VnTime lacks) in .VnTimeH runs; "vni" uses
    VNI-Times. Characters an encoding cannot carry stay Unicode in their own run.
    """
    if encoding == "unicode" or not text:
        return [(text, None)]
    from pipeline.vietnamese import decode_tcvn3, decode_vni, encode_tcvn3, encode_vni

    pieces: list[tuple[str, str | None]] = []
    for ch in text:
        if encoding == "vni":
            enc = encode_vni(ch)
            piece = (enc, "VNI-Times") if decode_vni(enc) == ch else (ch, None)
        else:
            enc = encode_tcvn3(ch)
            if decode_tcvn3(enc) == ch:
                piece = (enc, ".VnTime")
            else:
                cap = encode_tcvn3(ch, uppercase_font=True)
                piece = (cap, ".VnTimeH") if decode_tcvn3(cap, uppercase_font=True) == ch else (ch, None)
        if pieces and pieces[-1][1] == piece[1]:
            pieces[-1] = (pieces[-1][0] + piece[0], piece[1])
        else:
            pieces.append(piece)
    return pieces


# --- Unicode quirks ---------------------------------------------------------------

def to_nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _split_tone(ch: str) -> tuple[str, str]:
    """"ò" -> ("o", grave); "ơ" -> ("ơ", "")."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tone


_OLD_TONE_RE = re.compile(
    r"(?<![qQ])([òóỏõọÒÓỎÕỌ])([aeAE])" + _LETTER_AFTER
    + r"|(?<![qQ])([ùúủũụÙÚỦŨỤ])([yY])" + _LETTER_AFTER
)


def _move_tone(match: re.Match) -> str:
    first, second = [g for g in match.groups() if g is not None]
    base, tone = _split_tone(first)
    return base + unicodedata.normalize("NFC", second + tone)


def to_old_tone(text: str) -> str:
    """Move the tone of a final oa/oe/uy to the second vowel: hòa -> hoà, thủy -> thuỷ."""
    return _OLD_TONE_RE.sub(_move_tone, unicodedata.normalize("NFC", text))


# --- LibreOffice -----------------------------------------------------------------

def soffice_convert(files: list[Path], target: str, outdir: Path, profile: str = "", timeout: int = 900) -> list[Path]:
    """Convert many files in one LibreOffice run; returns the output paths in input order.

    `target` is "pdf" or "doc". A private profile directory keeps parallel runs
    (and a user's open LibreOffice) from locking each other out.
    """
    if not files:
        return []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ReportError("không tìm thấy LibreOffice (soffice) để chuyển định dạng",
                          hint="cài LibreOffice hoặc dùng --formats chỉ gồm docx")
    filters = {"pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97"}
    outdir.mkdir(parents=True, exist_ok=True)
    profile_dir = Path(tempfile.gettempdir()) / f"lo-{os.getpid()}{'-' + profile if profile else ''}"
    cmd = [soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--norestore",
           "--convert-to", filters[target], "--outdir", str(outdir), *map(str, files)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ReportError(f"LibreOffice không chuyển được tệp sang {target} ({exc})")
    finally:
        shutil.rmtree(profile_dir, ignore_errors=True)
    outputs = [outdir / f"{f.stem}.{target}" for f in files]
    missing = [p.name for p in outputs if not p.exists()]
    if missing:
        raise ReportError(f"LibreOffice không tạo được: {', '.join(missing)}")
    return outputs


# --- scans -----------------------------------------------------------------------

def make_scan(pdf: Path, out: Path, rng: random.Random, dpi: int = 150,
              stamp: datetime = datetime(2020, 7, 1)) -> int:
    """Rasterise `pdf`, make each page look photocopied, write an image-only PDF.

    Returns the number of pages. The same input and rng state give the same bytes.
    """
    import numpy as np
    from PIL import Image, ImageFilter

    with tempfile.TemporaryDirectory(prefix="tongket-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/page"],
                       check=True, capture_output=True, timeout=300)
        pages = []
        for png in sorted(Path(tmp).glob("page*.png")):
            with Image.open(png) as img:
                page = img.convert("L")
            angle = rng.uniform(0.3, 1.5) * rng.choice((-1, 1))
            page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(3, 8), (page.height, page.width))
            pixels = np.clip(np.asarray(page, dtype=np.float32) * rng.uniform(0.9, 0.97) + noise + 8, 0, 255)
            page = Image.fromarray(pixels.astype(np.uint8), "L")
            page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
            pages.append(page)
    if not pages:
        raise ReportError("không dựng được trang quét", str(pdf))
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi),
                  quality=45, creationDate=stamp.timetuple(), modDate=stamp.timetuple(), producer="scanner", creator="scanner")
    return len(pages)
