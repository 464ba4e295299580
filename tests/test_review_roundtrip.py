import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.errors import WorkspaceError
from pipeline.model import Label, Passage
from pipeline.review import HEADER, export_workbook, import_workbook
from pipeline.taxonomy import load_taxonomy
from pipeline.workspace import EditorState, Workspace

NA, HN = "a" * 64, "b" * 64


def passage(sha, index, text, province, sentences=None):
    return Passage(id=f"{sha[:4]}:{index}", text=text, heading_path=["I. Kết quả", "2. Kiểm tra"],
                   sentences=sentences or [text], source=f"{sha[:4]}.docx", doc_sha256=sha, province=province,
                   page=3, block_index=index, paragraph=index - 1)


NGHE_AN = [
    passage(NA, 2, "Đã tổ chức 120 buổi tuyên truyền tại xã, phường.", "Nghệ An"),
    passage(NA, 3, "Kinh phí cho công tác này còn hạn chế.", "Nghệ An"),
    passage(NA, 4, "Đã xử phạt 40 cơ sở. Tuy nhiên lực lượng còn mỏng.", "Nghệ An",
            ["Đã xử phạt 40 cơ sở.", "Tuy nhiên lực lượng còn mỏng."]),
]
HA_NOI = [
    passage(HN, 1, "- Tổ chức 15 hội nghị quán triệt Chỉ thị.", "Hà Nội"),
    passage(HN, 2, "=Kiểm tra 45 cơ sở kinh doanh dịch vụ.", "Hà Nội"),
]


def lab(p, area, finding, confidence=0.9, span=None, text="", version="m1"):
    return Label(p.id, area, finding, confidence, confidence, text=text, sentence_span=span,
                 model_version=version)


def model_labels(version="m1"):
    a1, a2, a3 = NGHE_AN
    h1, h2 = HA_NOI
    return [lab(a1, "1.3", "ket_qua", version=version), lab(a2, "1.7", "ton_tai", 0.4, version=version),
            lab(a3, "1.4", "ket_qua", span=(0, 1), text="Đã xử phạt 40 cơ sở.", version=version),
            lab(a3, "1.7", "ton_tai", 0.5, span=(1, 2), text="Tuy nhiên lực lượng còn mỏng.", version=version),
            lab(h1, "1.1", "ket_qua", version=version), lab(h2, "1.4", "ket_qua", version=version)]


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws") as ws:
        ws.replace_passages(NA, NGHE_AN)
        ws.replace_passages(HN, HA_NOI)
        ws.store_labels(model_labels())
        yield ws


def rows_by_key(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def test_export_lays_out_the_contract_sheet_with_dropdowns_and_colours(ws, tmp_path):
    out = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Rà soát", "Tổng hợp", "Bao phủ"]
    assert len(wb.sheetnames) == 3 + 10 + 2
    assert (wb["Danh mục"].sheet_state, wb["_tongket"].sheet_state) == ("hidden", "veryHidden")
    main_sheet = wb["Rà soát"]
    assert [c.value for c in main_sheet[1]] == HEADER
    # Hà Nội comes before Nghệ An in the official order; a split passage gives one row per span.
    assert [r[0].value for r in main_sheet.iter_rows(min_row=2)] == [
        "bbbb:1", "bbbb:2", "aaaa:2", "aaaa:3", "aaaa:4", "aaaa:4#2"]
    second_span = rows_by_key(main_sheet)["aaaa:4#2"]
    assert [c.value for c in second_span] == [
        "aaaa:4#2", "Nghệ An", "aaaa.docx", "trang 3, đoạn 3", "I. Kết quả › 2. Kiểm tra",
        "Tuy nhiên lực lượng còn mỏng.", "1.7 - Quản lý, sử dụng nguồn lực thực hiện Chương trình",
        "ton_tai - Tồn tại, hạn chế", 0.5, None, None, None, None]
    assert (main_sheet.freeze_panes, main_sheet.auto_filter.ref) == ("A2", "A1:M7")
    assert main_sheet["F2"].alignment.wrap_text
    formulas = sorted(dv.formula1 for dv in main_sheet.data_validations.dataValidation)
    assert formulas == ["'Danh mục'!$A$2:$A$11", "'Danh mục'!$B$2:$B$6", "'Danh mục'!$C$2:$C$2"]
    rules = [rule.formula for cf in main_sheet.conditional_formatting for rule in cf.rules]
    assert rules == [[f"AND(ISNUMBER($I2),$I2<{load_taxonomy().low_confidence})"]]
    assert wb["1.4 Kiểm tra, xử lý vi phạm"].protection.sheet
    assert [r[0].value for r in wb["1.4 Kiểm tra, xử lý vi phạm"].iter_rows(min_row=2)] == ["bbbb:2", "aaaa:4"]
    summary = wb["Tổng hợp"]
    assert [c.value for c in summary[6]] == ["1.4 - Kiểm tra, thanh tra, đấu tranh, điều tra, truy tố, xét xử",
                                             2, 0, 0, 0, 0, 2]


def test_text_that_looks_like_a_formula_is_stored_as_text(ws, tmp_path):
    out = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(re.search(r"<f[ >]", z.read(n).decode()) for n in sheets)
    main_sheet = load_workbook(out)["Rà soát"]
    cells = rows_by_key(main_sheet)
    assert cells["bbbb:2"][5].value == "=Kiểm tra 45 cơ sở kinh doanh dịch vụ."
    assert cells["bbbb:2"][5].data_type == "s"
    assert cells["bbbb:1"][5].quotePrefix


def edit_as_an_editor(path):
    wb = load_workbook(path)
    sheet = wb["Rà soát"]
    cells = rows_by_key(sheet)
    cells["aaaa:2"][9].value = "1.4"  # a code
    cells["aaaa:3"][10].value = "ton tai"  # a wrong code
    cells["aaaa:4#2"][10].value = "nguyen_nhan - Nguyên nhân"  # a dropdown choice
    cells["bbbb:1"][5].value = "- Tổ chức 16 hội nghị quán triệt Chỉ thị."  # an edited excerpt
    cells["bbbb:2"][11].value = "=SUM(A1)"  # a formula-like note
    cells["bbbb:2"][12].value = "x"
    sheet.append([c.value for c in cells["aaaa:2"]])  # a duplicate row (row 8)
    sheet.append(["zzzz:9", "Hà Nội", None, None, None, "Một đoạn lạ.", None, None, None, "1.1"])  # row 9
    wb.save(path)


EXPECTED_MESSAGES = [
    "Bảng «Rà soát», dòng 2: nội dung cột «Trích đoạn» đã bị sửa; không sửa trích đoạn, ghi ý kiến vào cột «Ghi chú»",
    "Bảng «Rà soát», dòng 5: cột «Loại (biên tập)»: «ton tai» không phải loại nội dung hợp lệ "
    "(ghi mã như ton_tai hoặc chọn trong danh sách)",
    "Bảng «Rà soát», dòng 8: mã «aaaa:2» trùng với dòng 4; bỏ qua dòng này",
    "Bảng «Rà soát», dòng 9: không tìm thấy mã «zzzz:9» trong thư mục làm việc",
]


def test_round_trip_as_an_editor_would(ws, tmp_path):
    path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    edit_as_an_editor(path)

    first = import_workbook(ws, path, editor="Lan")
    assert (first.applied, first.corrections, first.unchanged, first.rejected) == (3, 4, 1, 4)
    assert first.messages == EXPECTED_MESSAGES
    expected_states = {
        "aaaa:2": EditorState(area="1.4"),
        "aaaa:4": EditorState(finding="nguyen_nhan"),
        "bbbb:2": EditorState(note="=SUM(A1)", excluded=True),
    }
    assert ws.editor_states() == expected_states
    history = [(c.passage_id, c.field, c.old_value, c.new_value, c.editor) for c in ws.corrections()]
    assert history == [("bbbb:2", "note", None, "=SUM(A1)", "Lan"), ("bbbb:2", "excluded", None, "x", "Lan"),
                       ("aaaa:2", "area", "1.3", "1.4", "Lan"), ("aaaa:4", "finding", "ton_tai", "nguyen_nhan", "Lan")]
    assert ws.corrections()[2].note == "ra-soat.xlsx, bảng «Rà soát», dòng 4"

    second = import_workbook(ws, path, editor="Lan")
    assert (second.applied, second.corrections, second.unchanged, second.rejected) == (0, 0, 4, 4)
    assert len(ws.corrections()) == 4

    # The pipeline runs again: same passages, a new model version.
    ws.replace_passages(NA, NGHE_AN)
    ws.replace_passages(HN, HA_NOI)
    ws.store_labels(model_labels(version="m2"))
    effective = [(p.id, lab.area, lab.finding, lab.model_version) for p, lab in ws.effective_labels()]
    assert effective == [("bbbb:1", "1.1", "ket_qua", "m2"), ("aaaa:2", "1.4", "ket_qua", "m2"),
                         ("aaaa:3", "1.7", "ton_tai", "m2"), ("aaaa:4", "1.4", "nguyen_nhan", "m2"),
                         ("aaaa:4", "1.7", "nguyen_nhan", "m2")]
    assert ws.editor_states() == expected_states

    # A fresh export shows the corrections, keeps the note as text, and imports as a no-op.
    again = export_workbook(ws, tmp_path / "ra-soat-2.xlsx")
    cells = rows_by_key(load_workbook(again)["Rà soát"])
    assert [c.value for c in cells["bbbb:2"][9:]] == [None, None, "=SUM(A1)", "x"]
    assert [c.value for c in cells["aaaa:4#2"][9:]] == [None, "nguyen_nhan - Nguyên nhân", None, None]
    with zipfile.ZipFile(again) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    third = import_workbook(ws, again, editor="Lan")
    assert (third.applied, third.corrections, third.unchanged, third.rejected) == (0, 0, 6, 0)


def test_a_blank_cell_in_another_editors_copy_does_not_undo_a_correction(ws, tmp_path):
    first = export_workbook(ws, tmp_path / "lan.xlsx")
    shutil.copy(first, tmp_path / "minh.xlsx")
    wb = load_workbook(first)
    rows_by_key(wb["Rà soát"])["aaaa:3"][12].value = "x"
    wb.save(first)
    assert import_workbook(ws, first, editor="Lan").applied == 1
    assert import_workbook(ws, tmp_path / "minh.xlsx", editor="Minh").applied == 0
    assert ws.editor_states() == {"aaaa:3": EditorState(excluded=True)}

    # Removing the exported mark restores the passage.
    restored = export_workbook(ws, tmp_path / "lan-2.xlsx")
    wb = load_workbook(restored)
    rows_by_key(wb["Rà soát"])["aaaa:3"][12].value = None
    wb.save(restored)
    assert import_workbook(ws, restored, editor="Lan").corrections == 1
    assert ws.editor_states() == {"aaaa:3": EditorState(excluded=False)}


def test_two_spans_of_one_passage_must_agree(ws, tmp_path):
    path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    wb = load_workbook(path)
    cells = rows_by_key(wb["Rà soát"])
    cells["aaaa:4"][9].value = "1.4"
    cells["aaaa:4#2"][9].value = "1.7"
    wb.save(path)
    summary = import_workbook(ws, path)
    assert (summary.applied, summary.rejected) == (1, 1)
    assert summary.messages == ["Bảng «Rà soát», dòng 7: mâu thuẫn với dòng 6 (cùng đoạn «aaaa:4»); bỏ qua dòng này"]
    assert ws.editor_states() == {"aaaa:4": EditorState(area="1.4")}


def test_a_workbook_from_another_batch_is_refused(ws, tmp_path):
    with Workspace.open(tmp_path / "other") as other:
        other.replace_passages(NA, NGHE_AN)
        other.store_labels(model_labels()[:1])
        path = export_workbook(other, tmp_path / "other.xlsx")
    with pytest.raises(WorkspaceError, match="bảng rà soát thuộc một đợt xử lý khác"):
        import_workbook(ws, path)
    assert ws.corrections() == []


def test_a_workbook_not_made_by_tongket_is_refused(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    wb.save(tmp_path / "tay.xlsx")
    with pytest.raises(WorkspaceError, match="tệp không phải bảng rà soát do tongket xuất"):
        import_workbook(ws, tmp_path / "tay.xlsx")


def test_review_commands(ws, tmp_path):
    folder = str(ws.folder)
    ws.close()
    runner = CliRunner()
    out = tmp_path / "ra-soat.xlsx"
    result = runner.invoke(main, ["review", "export", "-w", folder, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã xuất bảng rà soát: {out}\n"
    wb = load_workbook(out)
    rows_by_key(wb["Rà soát"])["aaaa:2"][9].value = "1.9"
    wb.save(out)
    result = runner.invoke(main, ["review", "import", str(out), "-w", folder, "--editor", "Lan"])
    assert result.exit_code == 0, result.output
    assert result.output == "Đã áp dụng 1 dòng (1 hiệu đính); không đổi 5 dòng; từ chối 0 dòng.\n"
    result = runner.invoke(main, ["review", "import", str(tmp_path / "khong-co.xlsx"), "-w", folder])
    assert result.exit_code == 2
    assert "không tìm thấy tệp bảng rà soát" in result.output
