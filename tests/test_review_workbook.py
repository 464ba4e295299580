"""The review workbook written by xlsxwriter, its data rows spliced in (pipeline.review_export),
reads back through openpyxl as the import expects, whatever the text."""
from __future__ import annotations

import zipfile

from openpyxl import load_workbook

from pipeline.model import Label, Passage
from pipeline.review import HEADER, export_workbook, import_workbook, pending_rows
from pipeline.workspace import Workspace

SHA = "c" * 64
TEXTS = [
    "Kinh phí < 5 tỷ đồng & nguồn xã hội hóa > 1 tỷ đồng.",
    "  Thụt đầu dòng và hai dấu cách  ở giữa.",
    "Mã _x0041_ không phải ký tự mã hóa.",
    "Dòng một\r\ndòng hai\tcó tab.",
    "Ký tự điều khiển \x07 bị bỏ.",
    "@Tuyên truyền trên mạng xã hội.",
    "+5% so với năm 2019.",
]


def build(folder):
    ws = Workspace.open(folder)
    passages = [Passage(id=f"cccc:{i}", text=t, heading_path=["I. Kết quả"], sentences=[t], source="c.docx",
                        doc_sha256=SHA, province="Lào Cai", page=None, block_index=i, paragraph=i)
                for i, t in enumerate(TEXTS, start=1)]
    ws.replace_passages(SHA, passages)
    ws.store_labels([Label(p.id, "1.3", "ket_qua", 0.8, 0.45, model_version="m1") for p in passages])
    return ws


def test_texts_that_xml_or_excel_treat_specially_read_back_and_import_as_unchanged(tmp_path):
    with build(tmp_path / "ws") as ws:
        path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
        sheet = load_workbook(path)["Rà soát"]
        assert [c.value for c in sheet[1]] == HEADER
        read = [row[5].value for row in sheet.iter_rows(min_row=2)]
        assert read[0] == TEXTS[0] and read[1] == TEXTS[1] and read[2] == TEXTS[2]
        assert read[3] == "Dòng một\ndòng hai\tcó tab." and read[4] == "Ký tự điều khiển  bị bỏ."
        assert [c.quotePrefix for c in sheet["F"][1:]] == [False] * 5 + [True, True]
        assert sheet["I2"].value == 0.45 and sheet["I2"].number_format == "0.00"
        assert sheet["J2"].number_format == "@" and sheet["J2"].value is None
        summary = import_workbook(ws, path)
        assert (summary.applied, summary.unchanged, summary.rejected) == (0, len(TEXTS), 0), summary.messages
        assert pending_rows(ws, path) == 0


def test_the_spliced_rows_are_inline_text_never_formulas_and_the_dimension_is_right(tmp_path):
    with build(tmp_path / "ws") as ws:
        path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    with zipfile.ZipFile(path) as zf:
        main = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in main and "<f " not in main
    assert f'<dimension ref="A1:M{len(TEXTS) + 1}"/>' in main
    assert main.count('t="inlineStr"') >= len(TEXTS) * 6
    # a literal _x0041_ (which Excel would read as "A") is split into runs: "…_" then "x0041_…"
    assert '<r><t xml:space="preserve">Mã _</t></r><r><t xml:space="preserve">x0041_ không' in main


def test_pending_rows_counts_edits_not_yet_imported(tmp_path):
    with build(tmp_path / "ws") as ws:
        path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
        wb = load_workbook(path)
        wb["Rà soát"]["K3"].value = "ton_tai"
        wb["Rà soát"]["F4"].value = "Trích đoạn bị sửa."
        wb.save(path)
        assert pending_rows(ws, path) == 2  # one to apply, one the import would refuse
        import_workbook(ws, path)
        assert pending_rows(ws, path) == 1  # the refused one stays: keep that workbook
