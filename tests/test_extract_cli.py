"""`tongket extract FILE... [--json | --text]`."""
from __future__ import annotations

import json

from click.testing import CliRunner

import fixtures as fx
from extractors import extract_file
from pipeline.cli import main


def _run(*args):
    return CliRunner().invoke(main, ["extract", *map(str, args)])


def test_json_is_one_document_per_line_exactly_as_the_data_model(reports, tmp_path):
    second = fx.minimal_docx(tmp_path / "BC-12-lao-cai.docx", fx.para("UBND TỈNH LÀO CAI") + fx.para(
        "Năm 2020, tỉnh đã kiểm tra 70 cơ sở kinh doanh dịch vụ."))
    result = _run(reports.docx, second, "--json")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == extract_file(reports.docx).to_dict()
    assert "Nghệ An" in lines[0]  # ensure_ascii=False: Vietnamese as is
    assert first["metadata"]["province"] == "Nghệ An" and first["metadata"]["date"] == "2020-07-15"
    table = next(b for b in first["blocks"] if b["kind"] == "table")
    assert table["rows"] == fx.TABLE_ROWS
    assert set(first["blocks"][0]) >= {"kind", "text", "number", "level", "page", "heading_path", "rows"}
    assert json.loads(lines[1])["metadata"]["province"] == "Lào Cai"


def test_text_restores_numbering_labels_and_tabulates_tables(reports):
    result = _run(reports.docx, "--text")
    assert result.exit_code == 0
    text = result.stdout
    assert "\n\nI. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH\n\n1. Công tác chỉ đạo, điều hành\n\n" in text
    assert f"\n\n- {fx.BULLETS[0]}\n\n- {fx.BULLETS[1]}\n\n+ {fx.SUB_BULLET}\n\n" in text
    assert "\n\nNăm\tSố lượt kiểm tra\tSố cơ sở vi phạm\tTiền phạt (triệu đồng)\n2016\t210\t9\t520\n" in text
    assert text.startswith("ỦY BAN NHÂN DÂN\n\nTỈNH NGHỆ AN\n\n")
    assert "=====" not in text  # no file banner for a single file


def test_text_of_several_files_has_a_banner_per_file(reports, tmp_path):
    other = fx.minimal_docx(tmp_path / "b.docx", fx.para("Báo cáo bổ sung của tỉnh Lào Cai."))
    result = _run(reports.docx, other, "--text")
    assert result.stdout.count("===== ") == 2
    assert f"===== {other} =====\nBáo cáo bổ sung của tỉnh Lào Cai.\n" in result.stdout


def test_default_is_a_summary_line_and_warnings_go_to_stderr(reports, tmp_path):
    nameless = fx.minimal_docx(tmp_path / "x.docx", fx.para("Năm 2020 đã kiểm tra 70 cơ sở."))
    result = _run(reports.docx, nameless)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{reports.docx}: docx, 60 khối; tỉnh: Nghệ An; số: 215/BC-UBND; ngày: 2020-07-15",
        f"{nameless}: docx, 1 khối; tỉnh: ?; số: ?; ngày: ?",
    ]
    assert f"Cảnh báo: {nameless}: không xác định được tỉnh" in result.stderr


def test_bad_files_are_one_line_each_and_exit_1_after_the_rest(reports, tmp_path):
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    result = _run(empty, reports.docx, tmp_path / "mat.docx", "--json")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Lỗi:")]
    assert errors == [
        f"Lỗi: {empty}: tệp rỗng (0 byte) — xin tỉnh gửi lại báo cáo dạng Word (.docx, .doc) hoặc PDF",
        f"Lỗi: {tmp_path / 'mat.docx'}: không tìm thấy tệp — hãy kiểm tra lại đường dẫn và tên tệp",
    ]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_json_and_text_together_is_a_usage_error(reports):
    result = _run(reports.docx, "--json", "--text")
    assert result.exit_code == 2
    assert "chỉ chọn một trong hai: --json hoặc --text" in result.output
