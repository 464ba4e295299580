import warnings

import xlsxwriter
from click.testing import CliRunner
from matplotlib.image import imread
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.coverage import UNKNOWN_PROVINCE, coverage_matrix, write_coverage_sheet, write_heatmap
from pipeline.model import Correction, Label, Passage
from pipeline.provinces import PROVINCES
from pipeline.taxonomy import load_taxonomy
from pipeline.workspace import Workspace

AREAS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10"]


def build(folder):
    rows = [("a", 1, "Nghệ An", "1.4"), ("a", 2, "Nghệ An", "1.4"), ("a", 3, "Nghệ An", "1.3"),
            ("a", 4, "Nghệ An", "1.7"), ("b", 1, "Hà Nội", "1.1"), ("c", 1, None, "1.2")]
    ws = Workspace.open(folder)
    for sha in "abc":
        group = [Passage(id=f"{sha}:{i}", text=f"Đoạn {sha} {i}.", source=f"{sha}.docx", doc_sha256=sha * 64,
                         province=province, block_index=i, paragraph=i) for s, i, province, _ in rows if s == sha]
        ws.replace_passages(sha * 64, group)
    ws.store_labels([Label(f"{s}:{i}", area, "ket_qua", 0.9, 0.9, model_version="m1") for s, i, _, area in rows])
    ws.upsert_file("ha-tinh.docx", "d" * 64, format="docx", status="ok", province="Hà Tĩnh")
    ws.add_corrections([Correction("a:3", "area", "1.3", "1.4", "Lan"), Correction("a:4", "excluded", None, "x", "Lan")])
    return ws


def test_matrix_counts_every_province_and_area_with_corrections_applied(tmp_path):
    with build(tmp_path / "ws") as ws:
        counts, missing, skipped = coverage_matrix(ws)
    names = [p.name for p in PROVINCES]
    assert len(names) == 63
    assert list(counts) == names + [UNKNOWN_PROVINCE]
    assert all(list(row) == AREAS for row in counts.values())
    assert {p: {a: n for a, n in row.items() if n} for p, row in counts.items() if any(row.values())} == {
        "Nghệ An": {"1.4": 3}, "Hà Nội": {"1.1": 1}, UNKNOWN_PROVINCE: {"1.2": 1}}
    assert missing == [n for n in names if n not in ("Hà Nội", "Nghệ An", "Hà Tĩnh")]
    assert skipped == {"Hà Nội": [a for a in AREAS if a != "1.1"], "Nghệ An": [a for a in AREAS if a != "1.4"],
                       "Hà Tĩnh": AREAS}


def test_coverage_sheet_lists_counts_and_notes(tmp_path):
    with build(tmp_path / "ws") as ws:
        coverage = coverage_matrix(ws)
    book = xlsxwriter.Workbook(str(tmp_path / "bao-phu.xlsx"))
    write_coverage_sheet(book, coverage, load_taxonomy())
    book.close()
    sheet = load_workbook(tmp_path / "bao-phu.xlsx")["Bao phủ"]
    assert [c.value for c in sheet[1]][:2] == ["Tỉnh/TP", "1.1\nChỉ đạo, điều hành, phối hợp"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Hà Nội"] == ("Hà Nội", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, "Không có: " + ", ".join(AREAS[1:]))
    assert rows["Hà Giang"][-2:] == (0, "Chưa gửi báo cáo")
    assert sheet.max_row == 1 + 64


def test_heatmap_is_a_png_with_every_vietnamese_glyph(tmp_path):
    with build(tmp_path / "ws") as ws:
        coverage = coverage_matrix(ws)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        out = write_heatmap(coverage, tmp_path / "bao-phu.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = imread(out).shape[:2]
    assert (width, height) == (1210, 2252)


def test_coverage_command(tmp_path):
    build(tmp_path / "ws").close()
    out = tmp_path / "bao-phu.png"
    result = CliRunner().invoke(main, ["coverage", "-w", str(tmp_path / "ws"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Đã vẽ bản đồ bao phủ: {out}"
    assert result.output.splitlines()[1].startswith("Số tỉnh, thành phố chưa gửi báo cáo: 60 (Hà Giang, Cao Bằng,")
    assert out.exists()
