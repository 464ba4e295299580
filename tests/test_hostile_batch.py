"""One inbox of good reports mixed with every hostile file of issue 8, through the real `tongket run`:
one clear Vietnamese line per bad file, every good report fully processed, exit code 1."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import hostile
from pipeline.processing_report import ASSIGN_SHEET

pytestmark = pytest.mark.skipif(not (hostile.SAMPLES / "BC-199-hai-duong.docx").exists(),
                                reason="corpus/samples is missing")


def run_cli(inbox: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["tongket", "run", str(inbox), "-o", str(out), "--quiet"], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    built = hostile.hostile_batch(root)
    out = root / "ket-qua"
    proc = run_cli(built.folder, out)
    assert "Traceback" not in proc.stderr, proc.stderr
    return built, out, proc


def processing_rows(out: Path) -> dict[str, dict]:
    sheet = load_workbook(out / "bao-cao-xu-ly.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return {row[0]: dict(zip(header, row)) for row in rows[1:]}


def test_the_batch_completes_with_exit_code_1(batch):
    built, out, proc = batch
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    for name in ("ra-soat.xlsx", "trich-doan.docx", "bao-phu.png", "bao-cao-xu-ly.xlsx",
                 "du-thao-bao-cao-tong-ket.docx", "gan-tinh.xlsx"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.glob(".tongket-tmp-*"))


def test_every_good_report_is_fully_processed(batch):
    built, out, _ = batch
    rows = processing_rows(out)
    assert len(rows) == len(built.good) + len(built.bad)
    for name, province in built.good.items():
        row = rows[name]
        assert row["Trạng thái"] == "đã xử lý", name
        assert (row["Tỉnh/TP"] or "") == province, name
        assert row["Số đoạn"] > 0 and not row["Lỗi / cách xử lý"], name
    with sqlite3.connect(out / "tongket.sqlite") as db:
        unlabelled = db.execute("SELECT COUNT(*) FROM passages p WHERE status = 'active' AND NOT EXISTS "
                                "(SELECT 1 FROM predictions r WHERE r.passage_id = p.id)").fetchone()[0]
        per_file = dict(db.execute("SELECT path, passages FROM files WHERE status = 'ok'"))
    assert unlabelled == 0
    assert set(per_file) == set(built.good)
    sources = {row[2] for row in load_workbook(out / "ra-soat.xlsx")["Rà soát"].iter_rows(min_row=2, values_only=True)}
    assert {Path(name).name for name in built.good} <= sources
    # the renamed files were read by their content
    assert rows["thua-thien-hue-la-pdf.docx"]["Định dạng"] == "PDF"
    assert rows["binh-phuoc-la-word.pdf"]["Định dạng"] == "Word"
    assert rows["lao-cai-co-macro.docm"]["Cảnh báo"] == "tệp có macro: macro không được chạy, chỉ đọc phần chữ"


def test_one_vietnamese_line_per_bad_file_in_the_processing_report(batch):
    built, out, _ = batch
    rows = processing_rows(out)
    for name, fragment in built.bad.items():
        row = rows[name]
        message = row["Lỗi / cách xử lý"]
        assert row["Trạng thái"] == ("bỏ qua" if name == built.not_vietnamese else "lỗi"), name
        assert message.startswith(f"{name}: ") and fragment in message, message
        assert "\n" not in message and " — " in message and "Traceback" not in message
    assert rows[built.not_vietnamese]["Lỗi / cách xử lý"] == (
        "english-report.docx: báo cáo không phải tiếng Việt (chỉ 0% số từ có dấu tiếng Việt) nên được lưu lại "
        "nhưng không phân loại — nếu đúng là báo cáo của tỉnh, xin tỉnh gửi bản tiếng Việt có dấu "
        "(bản gõ phông cũ TCVN3/VNI cũng được)")


def test_one_line_per_bad_file_in_the_summary(batch):
    built, out, proc = batch
    lines = proc.stdout.splitlines()
    assert "  Tệp đã đọc                  10/22 (1 PDF, 9 Word)" in lines
    assert "  Tệp lỗi hoặc bỏ qua         12" in lines
    for name, fragment in built.bad.items():
        mentions = [line for line in lines if name in line]
        assert len(mentions) == 1, (name, mentions)
        assert mentions[0].startswith(f"  - {name}: ") and fragment in mentions[0]


def test_two_reports_of_one_province_are_both_kept_and_flagged(batch):
    built, out, proc = batch
    rows = processing_rows(out)
    assert rows[built.newer]["Dùng cho dự thảo"] == "có"
    assert rows[built.superseded]["Dùng cho dự thảo"] == "không"
    assert rows[built.superseded]["Cảnh báo"] == (
        "Hậu Giang có 2 báo cáo: bản này (ngày 29/09/2020) không dùng cho dự thảo vì đã có "
        "«hau-giang-ban-sua.docx» (ngày 16/11/2020) — muốn dùng bản này, đánh x ở cột D của gan-tinh.xlsx rồi chạy lại")
    assert ("  - Hậu Giang: dùng «hau-giang-ban-sua.docx» (ngày 16/11/2020); không dùng «hau-giang-ban-dau.docx» "
            "(ngày 29/09/2020)") in proc.stdout.splitlines()
    from pipeline.run import current_reports
    from pipeline.workspace import Workspace

    with Workspace.open(out, readonly=True) as ws:
        shas = {f.path: f.sha256 for f in ws.files()}
        current = current_reports(ws)
    assert shas[built.newer] in current and shas[built.superseded] not in current
    assert current == {shas[name] for name in built.good if name != built.superseded}


def test_unidentified_province_is_kept_flagged_and_listed_for_the_editors(batch):
    built, out, proc = batch
    rows = processing_rows(out)
    assert rows[built.no_province]["Trạng thái"] == "đã xử lý"
    assert rows[built.no_province]["Cảnh báo"].startswith("chưa xác định được tỉnh — hãy điền tỉnh vào cột C")
    assert f"  - {built.no_province}" in proc.stdout.splitlines()
    sheet = load_workbook(out / "gan-tinh.xlsx")[ASSIGN_SHEET]
    listed = [row[:5] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert listed == [
        (built.no_province, None, None, None, "chưa xác định được tỉnh"),
        (built.superseded, "Hậu Giang", None, None, "Hậu Giang có 2 báo cáo"),
        (built.newer, "Hậu Giang", None, None, "Hậu Giang có 2 báo cáo"),
    ]


def test_external_entities_are_never_resolved(batch):
    built, out, _ = batch
    with sqlite3.connect(out / "tongket.sqlite") as db:
        leaked = db.execute("SELECT COUNT(*) FROM documents WHERE document LIKE ?", (f"%{hostile.SECRET}%",)).fetchone()[0]
        leaked += db.execute("SELECT COUNT(*) FROM passages WHERE text LIKE ?", (f"%{hostile.SECRET}%",)).fetchone()[0]
    assert leaked == 0
    for name in ("ra-soat.xlsx", "trich-doan.docx", "du-thao-bao-cao-tong-ket.docx"):
        with zipfile.ZipFile(out / name) as zf:
            assert not any(hostile.SECRET.encode() in zf.read(n) for n in zf.namelist()), name


def test_report_text_that_looks_like_a_formula_stays_text(batch):
    built, out, _ = batch
    wb = load_workbook(out / "ra-soat.xlsx")
    cells = [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value == hostile.FORMULA_TEXT for c in cells)
    with zipfile.ZipFile(out / "ra-soat.xlsx") as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert not any("HYPERLINK" in part for xml in sheets for part in xml.split("<f>")[1:])


def test_editors_assign_the_province_and_choose_the_report(batch, tmp_path):
    built, out, _ = batch
    mine = tmp_path / "ket-qua"
    shutil.copytree(out, mine)
    path = mine / "gan-tinh.xlsx"
    wb = load_workbook(path)
    for row in wb[ASSIGN_SHEET].iter_rows(min_row=3):
        if row[0].value == built.no_province:
            row[2].value = "dien bien"  # typed without diacritics: still recognised
        if row[0].value == built.superseded:
            row[3].value = "x"
    wb.save(path)
    proc = run_cli(built.folder, mine)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "  Đọc mới / dùng lại          0 / 22" in lines  # nothing is read again
    rows = processing_rows(mine)
    assert rows[built.no_province]["Tỉnh/TP"] == "Điện Biên"
    assert rows[built.no_province]["Cảnh báo"] == "tỉnh do Tổ biên tập gán trong gan-tinh.xlsx"
    assert rows[built.superseded]["Dùng cho dự thảo"] == "có" and rows[built.newer]["Dùng cho dự thảo"] == "không"
    assert not any(line.startswith("Chưa xác định được tỉnh") for line in lines)
    with sqlite3.connect(mine / "tongket.sqlite") as db:
        provinces = {r[0] for r in db.execute("SELECT DISTINCT p.province FROM passages p JOIN files f "
                                              "ON f.sha256 = p.doc_sha256 WHERE f.path = ? AND p.status = 'active'",
                                              (built.no_province,))}
    assert provinces == {"Điện Biên"}
    again = run_cli(built.folder, mine)
    assert "Tệp kết quả (không có gì thay đổi, giữ nguyên):" in again.stdout.splitlines()
