import docx
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.excerpts import write_excerpt_book
from pipeline.model import Correction, Label, Passage
from pipeline.workspace import Workspace

NA, HN = "a" * 64, "b" * 64


def passage(sha, index, text, province, page=None):
    return Passage(id=f"{sha[:4]}:{index}", text=text, source=f"{province}.docx", doc_sha256=sha,
                   province=province, page=page, block_index=index, paragraph=index)


PASSAGES = [
    passage(NA, 1, "Đã kiểm tra 310 lượt cơ sở kinh doanh dịch vụ.", "Nghệ An", page=4),
    passage(NA, 2, "Lực lượng kiểm tra còn mỏng.", "Nghệ An", page=5),
    passage(NA, 3, "Văn bản này không liên quan.", "Nghệ An", page=5),
    passage(HN, 1, "Đã triệt phá 12 ổ nhóm chứa mại dâm.", "Hà Nội", page=2),
    passage(HN, 2, "Đã in 5.000 tờ rơi.", "Hà Nội"),
]


def build(folder):
    ws = Workspace.open(folder)
    ws.replace_passages(NA, PASSAGES[:3])
    ws.replace_passages(HN, PASSAGES[3:])
    models = [("1.4", "ket_qua"), ("1.4", "ket_qua"), ("1.1", "khac"), ("1.4", "ket_qua"), ("1.3", "ket_qua")]
    ws.store_labels([Label(p.id, a, f, 0.7, 0.7, text=p.text, model_version="m1") for p, (a, f) in zip(PASSAGES, models)])
    ws.add_corrections([
        Correction("aaaa:2", "finding", "ket_qua", "ton_tai", "Lan"),
        Correction("aaaa:3", "excluded", None, "x", "Lan"),
        Correction("bbbb:1", "note", None, "Kiểm tra lại số ổ nhóm.", "Lan"),
    ])
    return ws


def test_excerpt_book_groups_by_area_finding_and_province_with_sources(tmp_path):
    with build(tmp_path / "ws") as ws:
        out = write_excerpt_book(ws, tmp_path / "trich-doan.docx")
    book = docx.Document(out)
    lines = [(p.style.name, p.text) for p in book.paragraphs]
    headings = [(style, text) for style, text in lines if style.startswith("Heading")]
    assert headings[:4] == [("Heading 1", "1.1. Công tác tổ chức điều hành Chương trình"),
                            ("Heading 1", "1.2. Thực hiện các mục tiêu, chỉ tiêu của Chương trình"),
                            ("Heading 1", "1.3. Thông tin, tuyên truyền, giáo dục nâng cao nhận thức"),
                            ("Heading 2", "Kết quả đạt được")]
    start = lines.index(("Heading 1", "1.4. Kiểm tra, thanh tra, đấu tranh, điều tra, truy tố, xét xử"))
    assert lines[start:start + 11] == [
        ("Heading 1", "1.4. Kiểm tra, thanh tra, đấu tranh, điều tra, truy tố, xét xử"),
        ("Heading 2", "Kết quả đạt được"),
        ("Heading 3", "Hà Nội (1)"),
        ("Trích đoạn", "Đã triệt phá 12 ổ nhóm chứa mại dâm."),
        ("Nguồn trích đoạn", "Nguồn: Hà Nội — Hà Nội.docx, trang 2, đoạn 1\nGhi chú biên tập: Kiểm tra lại số ổ nhóm."),
        ("Heading 3", "Nghệ An (1)"),
        ("Trích đoạn", "Đã kiểm tra 310 lượt cơ sở kinh doanh dịch vụ."),
        ("Nguồn trích đoạn", "Nguồn: Nghệ An — Nghệ An.docx, trang 4, đoạn 1"),
        ("Heading 2", "Tồn tại, hạn chế"),
        ("Heading 3", "Nghệ An (1)"),
        ("Trích đoạn", "Lực lượng kiểm tra còn mỏng."),
    ]
    assert lines[start + 11] == ("Nguồn trích đoạn", "Nguồn: Nghệ An — Nghệ An.docx, trang 5, đoạn 2 (đã hiệu đính)")
    assert "Văn bản này không liên quan." not in [text for _, text in lines]
    assert lines[2] == ("Nguồn trích đoạn", "Gồm 4 trích đoạn, xếp theo lĩnh vực, loại nội dung và tỉnh, thành phố; đã áp dụng "
                                  "hiệu đính của Tổ biên tập, không gồm các đoạn bị loại bỏ.")
    assert ("Nguồn trích đoạn", "Chưa có trích đoạn nào.") in lines


def test_excerpt_book_is_a4_in_times_new_roman(tmp_path):
    with build(tmp_path / "ws") as ws:
        out = write_excerpt_book(ws, tmp_path / "trich-doan.docx")
    book = docx.Document(out)
    section = book.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        assert book.styles[name].font.name == "Times New Roman"
    for name in ("Trích đoạn", "Nguồn trích đoạn"):  # inherit the font from Normal
        assert book.styles[name].base_style.name == "Normal" and book.styles[name].font.name is None


def test_excerpts_command(tmp_path):
    build(tmp_path / "ws").close()
    out = tmp_path / "trich-doan.docx"
    result = CliRunner().invoke(main, ["excerpts", "-w", str(tmp_path / "ws"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã xuất sổ trích đoạn: {out}\n"
    assert out.exists()
