"""Extraction speed: pages per second per format, and text PDFs against pdftotext.

    python bench/extract.py                 # builds ~10-page reports with tests/fixtures.py
    python bench/extract.py corpus/samples  # or any files / folders of reports

Targets (issue 2): text PDF within 3x of pdftotext's time on the same files;
.docx at least 20 documents per second; OCR at most 2 s per page per core.
Numbers are medians of a few rounds, measured in this process (pdftotext
includes its process start, as a user would run it).
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from extractors import extract_file  # noqa: E402
from extractors.ocr import OCR_WORKERS  # noqa: E402

ROUNDS = 3


def _median_time(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def build_samples(folder: Path, count: int = 4) -> list[Path]:
    """`count` reports of about ten pages in .docx and .pdf, a two-page scan and one .doc."""
    import fixtures as fx

    provinces = ["Nghệ An", "Lào Cai", "Cà Mau", "Quảng Trị", "Hà Giang", "Bến Tre"]
    docx = [fx.build_report_docx(folder / f"bao-cao-{k}.docx", province=provinces[k % len(provinces)],
                                 filler_pages=11, tracked=False) for k in range(count)]
    pdfs = fx.soffice_convert(docx, "pdf", folder / "pdf")
    scan = fx.rasterise_pdf(pdfs[0], folder / "ban-quet.pdf", dpi=200, first=1, last=2)
    doc = fx.soffice_convert(docx[:1], "doc:MS Word 97", folder / "doc")
    return [*docx, *pdfs, scan, *doc]


def _files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        out.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() in (".docx", ".pdf", ".doc", ".odt", ".rtf"))
                   if p.is_dir() else [p])
    return out


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        files = _files(argv) if argv else build_samples(Path(tmp))
        pages_by_stem = {f.stem: _pdf_pages(f) for f in files if f.suffix.lower() == ".pdf"}
        ocr_cpu = 0.0
        by_format: dict[str, list[tuple[Path, float, int | None]]] = defaultdict(list)
        for f in files:
            doc = extract_file(f)  # warm-up and format detection
            rounds = 1 if doc.format in ("pdf-ocr", "doc", "odt", "rtf") else ROUNDS
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds = _median_time(lambda: extract_file(f), rounds)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if doc.format == "pdf-ocr":  # Tesseract's own CPU time: what a free core would take
                ocr_cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            pages = doc.pages or pages_by_stem.get(f.stem)  # a Word file: pages of its PDF print, if any
            by_format[doc.format].append((f, seconds, pages))

        print(f"{'định dạng':<9} {'tệp':>4} {'trang':>6} {'giây':>8} {'trang/giây':>11} {'tệp/giây':>9}")
        for fmt, rows in sorted(by_format.items()):
            total = sum(s for _, s, _ in rows)
            pages = sum(p or 0 for _, _, p in rows)
            rate = f"{pages / total:11.1f}" if pages else f"{'?':>11}"
            print(f"{fmt:<9} {len(rows):>4} {pages or '?':>6} {total:8.3f} {rate} {len(rows) / total:9.1f}")

        text_pdfs = [f for f, _, _ in by_format.get("pdf", [])]
        if text_pdfs:
            ours = sum(s for f, s, _ in by_format["pdf"])
            theirs = sum(_median_time(lambda f=f: subprocess.run(["pdftotext", str(f), "-"], capture_output=True,
                                                                   check=True)) for f in text_pdfs)
            print(f"PDF có lớp chữ: tongket {ours:.3f} s, pdftotext {theirs:.3f} s, "
                  f"tỷ lệ {ours / theirs:.2f} lần (mục tiêu ≤ 3)")
        if "docx" in by_format:
            rows = by_format["docx"]
            print(f".docx: {len(rows) / sum(s for _, s, _ in rows):.1f} tệp/giây (mục tiêu ≥ 20)")
        if "pdf-ocr" in by_format:
            rows = by_format["pdf-ocr"]
            pages = sum(p or 0 for _, _, p in rows)
            wall = sum(s for _, s, _ in rows) * OCR_WORKERS / max(pages, 1)
            print(f"OCR: {ocr_cpu / max(pages, 1):.2f} giây CPU mỗi trang (mục tiêu ≤ 2); "
                  f"{wall:.2f} giây thực mỗi trang mỗi lõi với {OCR_WORKERS} luồng (tăng khi máy đang bận)")


if __name__ == "__main__":
    main(sys.argv[1:])
