"""A reader that hangs or dies costs one file, never the batch (pipeline.run's extraction workers)."""
from __future__ import annotations

import os
import time

import extractors
from pipeline.model import Document
from pipeline.run import _extract_all, _extract_worker


def test_a_file_that_takes_too_long_is_stopped_with_a_message(monkeypatch):
    monkeypatch.setattr(extractors, "extract_file", lambda path: time.sleep(30))
    start = time.monotonic()
    path, doc, error = _extract_worker("cham.pdf", timeout=1)
    assert time.monotonic() - start < 10
    assert (path, doc) == ("cham.pdf", None)
    assert error == ("cham.pdf: đọc tệp quá 1 phút nên đã dừng — hãy kiểm tra tệp (có thể quá dài hoặc hỏng), "
                     "hoặc xin tỉnh gửi lại bản ngắn gọn dạng Word/PDF")


def test_a_worker_process_that_dies_costs_only_its_own_file(monkeypatch):
    def fake_extract(path):
        if "sap" in str(path):
            os._exit(1)  # as if the parser crashed the process
        return Document(source=str(path), sha256="0" * 64, format="docx")

    monkeypatch.setattr(extractors, "extract_file", fake_extract)  # inherited by the forked workers
    ticks = []
    results = {path: (doc, error) for path, doc, error in
               _extract_all(["a.docx", "sap.docx", "b.docx", "c.docx"], 2, lambda: ticks.append(1))}
    assert len(ticks) == 4
    assert results["sap.docx"] == (None, "sap.docx: trình đọc bị dừng đột ngột khi đọc tệp này (tệp quá lớn hoặc "
                                         "hỏng) — hãy mở thử bằng Word hoặc trình đọc PDF; nếu lỗi, xin tỉnh gửi lại")
    for name in ("a.docx", "b.docx", "c.docx"):
        assert results[name][1] is None and results[name][0]["source"] == name
