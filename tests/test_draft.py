"""The national first draft in Word: structure, synthesis, figures, traceability, template, preview."""
import hashlib
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.shared import Mm

from pipeline.cli import main
from pipeline.draft import (BODY_MARKER, FIGURES_TABLE, copied_sentences, prepare, render_docx, render_html,
                            render_markdown, write_draft, write_preview)
from pipeline.errors import TemplateError
from pipeline.figures import KEYS
from pipeline.model import Block, Correction, Document, Label, Metadata, Passage
from pipeline.synthesize import Statement, Source
from pipeline.taxonomy import load_taxonomy
from pipeline.workspace import Workspace

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

STEERING = "Ban Chỉ đạo 138 {} được kiện toàn kịp thời, phân công thành viên phụ trách từng địa bàn."
FUNDING = "Kinh phí dành cho công tác phòng, chống mại dâm còn hạn chế, chưa đáp ứng yêu cầu nhiệm vụ."
RADIO = ("Đài Phát thanh - Truyền hình Quảng Ninh phát sóng 24 phóng sự chuyên đề về tác hại của mại dâm "
         "trên bản tin thời sự buổi tối.")
INSPECTED = ("Giai đoạn 2016 - 2020, các đoàn kiểm tra liên ngành đã kiểm tra {} lượt cơ sở kinh doanh dịch vụ, "
             "phát hiện {} cơ sở vi phạm, xử phạt hành chính tổng số tiền {} triệu đồng.")
LESSON = ("Bài học kinh nghiệm là ở đâu cấp ủy, chính quyền quan tâm, vào cuộc quyết liệt thì ở đó công tác "
          "phòng, chống mại dâm chuyển biến rõ nét.")
TASK = "Tiếp tục kiện toàn Đội kiểm tra liên ngành cấp huyện, bố trí đủ kinh phí hoạt động giai đoạn 2021 - 2025."
RECOMMEND = "Đề nghị Chính phủ sớm trình Quốc hội xây dựng Luật Phòng, chống mại dâm thay thế Pháp lệnh năm 2003."
EXCLUDED = "Đoạn này được Tổ biên tập loại bỏ vì chép nhầm từ báo cáo phòng, chống ma túy của tỉnh."
OLD_REPORT = "Nội dung của bản báo cáo cũ gửi trước đó, đã được thay bằng bản mới hơn của cùng tỉnh."
MOVED = "Quy định xử phạt người mua dâm còn nhẹ, chưa đủ sức răn đe đối với các hành vi vi phạm."

# province -> [(text, area, finding)]; figures: establishments inspected, violations, fines
REPORTS = {
    "Hà Nội": [(STEERING.format("thành phố Hà Nội"), "1.1", "ket_qua"),
               (INSPECTED.format("1.200", "150", "900"), "1.4", "ket_qua"),
               (LESSON, "1.9", "ket_qua")],
    "Quảng Ninh": [(RADIO, "1.3", "ket_qua"), (FUNDING, "1.7", "ton_tai"),
                   (INSPECTED.format("450", "60", "210,5"), "1.4", "ket_qua")],
    "Hải Phòng": [(FUNDING, "1.7", "ton_tai"), (MOVED, "1.9", "ton_tai"), (TASK, "1.10", "de_xuat")],
    "Nghệ An": [(STEERING.format("tỉnh Nghệ An"), "1.1", "ket_qua"),
                (INSPECTED.format("300", "40", "120"), "1.4", "ket_qua"), (RECOMMEND, "1.9", "de_xuat")],
    "Đà Nẵng": [(TASK, "1.10", "de_xuat"), (RECOMMEND, "1.9", "de_xuat")],
    "Cà Mau": [(STEERING.format("tỉnh Cà Mau"), "1.1", "ket_qua"), (EXCLUDED, "1.3", "ket_qua")],
}
# Đà Nẵng's statistics table: the total row (650) differs from the sum of the years (600)
DA_NANG_TABLE = [["Năm", "Số lượt cơ sở được kiểm tra", "Kinh phí (triệu đồng)"],
                 ["2016", "100", "500"], ["2017", "110", "500"], ["2018", "120", "500"], ["2019", "130", "500"],
                 ["2020", "140", "500"], ["Tổng cộng", "650", "2.500"]]


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def slug(province: str) -> str:
    from pipeline.provinces import PROVINCES

    return next(p.slug for p in PROVINCES if p.name == province)


def add_report(ws, province, rows, key=None, date="2020-07-15", table=None):
    digest = sha(key or province)
    file = f"{slug(province)}{'-cu' if key else ''}.docx"
    blocks = [Block("table", "", index=99, page=6, rows=table)] if table else []
    ws.store_document(Document(source=f"/hop-thu/{file}", sha256=digest, format="docx",
                               metadata=Metadata(province=province, date=date, doc_number=f"{len(rows)}/BC-UBND"),
                               blocks=blocks))
    passages = [Passage(f"{digest[:8]}:{i}", text, sentences=[text], source=file, doc_sha256=digest,
                        province=province, page=2 + i, block_index=10 + i, paragraph=5 + i)
                for i, (text, _, _) in enumerate(rows)]
    ws.replace_passages(digest, passages)
    ws.upsert_file(file, digest, format="docx", province=province, passages=len(passages))
    ws.store_labels([Label(p.id, area, finding, 0.9, 0.9, text=p.text, model_version="m1")
                     for p, (_, area, finding) in zip(passages, rows)])
    return passages


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("draft")
    with Workspace.open(root / "ws") as ws:
        passages = {}
        for province, rows in REPORTS.items():
            passages[province] = add_report(ws, province, rows,
                                            table=DA_NANG_TABLE if province == "Đà Nẵng" else None)
        add_report(ws, "Nghệ An", [(OLD_REPORT, "1.2", "ket_qua")], key="Nghệ An (cũ)", date="2020-05-02")
        ca_mau, hai_phong = passages["Cà Mau"], passages["Hải Phòng"]
        ws.add_corrections([Correction(ca_mau[1].id, "excluded", None, "x", "bt"),
                            Correction(hai_phong[1].id, "area", "1.9", "1.6", "bt")])
    with Workspace.open(root / "ws", readonly=True) as ws:
        prepared = prepare(ws)
    out = render_docx(prepared, root / "du-thao.docx")
    return prepared, out, root


@pytest.fixture(scope="module")
def document(built):
    return docx.Document(str(built[1]))


def styled(document, style):
    return [p for p in document.paragraphs if p.style.name == style]


def comment_texts(document) -> dict[int, str]:
    return {c.comment_id: c.text for c in document.comments}


def comments_of(paragraph, texts) -> list[str]:
    ids = [int(e.get(qn("w:id"))) for e in paragraph._p.iter(qn("w:commentRangeStart"))]
    return [texts[i] for i in ids]


def test_all_ten_areas_in_order_then_lessons_directions_recommendations(document):
    tax = load_taxonomy()
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    part_one = [text for style, text in headings if style == "Heading 2"][:10]
    assert part_one == [f"{i}. {a.name}" for i, a in enumerate(tax.areas, start=1)]
    assert [text for style, text in headings if style == "Heading 1"] == [
        "I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH GIAI ĐOẠN 2016 - 2020", "II. BÀI HỌC KINH NGHIỆM",
        "III. DỰ BÁO TÌNH HÌNH VÀ PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN 2021 - 2025", "IV. KIẾN NGHỊ"]
    assert ("Heading 3", "a) Kết quả đạt được") in headings and ("Heading 3", "a) Tồn tại, hạn chế") in headings


def test_equivalent_statements_merge_generalised_with_who_said_it_most_provinces_first(document):
    texts = [p.text for p in styled(document, "TK Nội dung")]
    merged = ("Ban Chỉ đạo 138 các tỉnh, thành phố được kiện toàn kịp thời, phân công thành viên phụ trách "
              "từng địa bàn (3 tỉnh, thành phố: Hà Nội, Nghệ An, Cà Mau).")
    funding = FUNDING[:-1] + " (2 tỉnh, thành phố: Hải Phòng, Quảng Ninh)."
    assert merged in texts and funding in texts
    assert RADIO[:-1] + " (Tỉnh Quảng Ninh)." in texts  # a single province keeps its own words
    # one province's figures are written as that province's, with who else reported the same
    assert ("Tại Hà Nội, giai đoạn 2016 - 2020, các đoàn kiểm tra liên ngành đã kiểm tra 1.200 lượt cơ sở kinh "
            "doanh dịch vụ, phát hiện 150 cơ sở vi phạm, xử phạt hành chính tổng số tiền 900 triệu đồng (2 tỉnh, "
            "thành phố khác cũng nêu nội dung này: Quảng Ninh, Nghệ An; số liệu từng địa phương tại Phụ lục 1).") in texts


def test_statements_go_where_they_belong_once_with_corrections_and_exclusions_applied(document, built):
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    where = {}
    section = None
    for style, text in paragraphs:
        if style in ("Heading 1", "Heading 2"):
            section = text
        for needle in (LESSON[:40], TASK[:40], RECOMMEND[:40], MOVED[:40]):
            if needle in text:
                where.setdefault(needle, []).append(section)
    assert where == {LESSON[:40]: ["II. BÀI HỌC KINH NGHIỆM"], TASK[:40]: ["2. Mục tiêu, nhiệm vụ, giải pháp"],
                     RECOMMEND[:40]: ["IV. KIẾN NGHỊ"],
                     MOVED[:40]: ["6. Xây dựng, hoàn thiện pháp luật về phòng, chống mại dâm"]}
    body = "\n".join(p.text for p in document.paragraphs)
    assert EXCLUDED[:40] not in body and OLD_REPORT[:40] not in body
    prepared = built[0]
    assert prepared.draft.warnings[0] == (
        "Nghệ An có 2 báo cáo: chỉ dùng báo cáo mới nhất «nghe-an.docx» (ngày 15/07/2020); không dùng "
        "«nghe-an-cu.docx» (ngày 02/05/2020).")


def test_no_sentence_is_written_twice(document):
    sentences = []
    for p in document.paragraphs:
        if p.style.name in ("TK Nội dung", "TK Ghi chú", "Normal"):
            sentences += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])", p.text) if s]
    assert sentences and len(sentences) == len(set(sentences))


def test_every_drafted_paragraph_and_figure_carries_its_sources(document):
    texts = comment_texts(document)
    drafted = styled(document, "TK Nội dung")
    assert len(drafted) >= 10
    for p in drafted:
        assert comments_of(p, texts), p.text
    steering = next(p for p in drafted if p.text.startswith("Ban Chỉ đạo 138 các tỉnh"))
    [comment] = comments_of(steering, texts)
    assert comment.splitlines() == [
        "Nguồn (3 tỉnh, thành phố; 3 trích đoạn):",
        f"Hà Nội — ha-noi.docx, trang 2, đoạn 5: «{STEERING.format('thành phố Hà Nội')}»",
        f"Nghệ An — nghe-an.docx, trang 2, đoạn 5: «{STEERING.format('tỉnh Nghệ An')}»",
        f"Cà Mau — ca-mau.docx, trang 2, đoạn 5: «{STEERING.format('tỉnh Cà Mau')}»"]
    assert {c.author for c in document.comments} == {"tongket"}
    table = figures_table(document)
    cell = row_of(table, "Đà Nẵng").cells[column(table, "establishments_inspected")]
    [figure_comment] = comments_of(cell.paragraphs[0], texts)
    assert figure_comment.splitlines() == [
        "Số lượt cơ sở được kiểm tra — Đà Nẵng: 650 (cần kiểm tra, xem danh sách dưới bảng)",
        "Đà Nẵng — da-nang.docx, trang 6: «Biểu thống kê, dòng «Tổng cộng», cột «Số lượt cơ sở được kiểm tra»: 650»"]


def figures_table(document):
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == FIGURES_TABLE:
            return table
    raise AssertionError("no figures table")


def row_of(table, name):
    return next(r for r in table.rows if r.cells[1].text == name)


def column(table, key):
    label = next(k.label for k in KEYS if k.key == key)
    return [c.text for c in table.rows[0].cells].index(label)


def test_national_totals_are_the_sums_and_inconsistencies_are_flagged(document, built):
    table = figures_table(document)
    cells = lambda name: {k.key: row_of(table, name).cells[column(table, k.key)].text for k in KEYS}  # noqa: E731
    assert cells("Hà Nội")["establishments_inspected"] == "1.200"
    assert cells("Quảng Ninh")["fines"] == "210,5"
    assert cells("Đà Nẵng")["establishments_inspected"] == "650 (*)"
    assert cells("Đà Nẵng")["budget"] == "2.500"
    assert cells("Cà Mau")["fines"] == "–"
    total = cells("Tổng cộng")
    assert (total["establishments_inspected"], total["violations"], total["fines"], total["budget"]) == (
        "2.600", "250", "1.230,5", "2.500")  # 1.200 + 450 + 300 + 650; 150 + 60 + 40; 900 + 210,5 + 120
    body = [p.text for p in document.paragraphs]
    check = body.index("Cần kiểm tra số liệu:")
    assert body[check + 2] == ("- Đà Nẵng — Số lượt cơ sở được kiểm tra: dòng tổng cộng của biểu (650) khác tổng "
                               "các năm (600); dùng số tổng cộng của biểu (da-nang.docx, trang 6).")
    assert "Đà Nẵng — Số lượt cơ sở được kiểm tra" in built[0].draft.warnings[1]


def test_annexes_list_reporting_and_missing_provinces_and_every_source(document):
    reports = document.tables[3]
    assert [c.text for c in reports.rows[0].cells] == ["TT", "Tỉnh, thành phố", "Tệp báo cáo", "Số, ngày văn bản"]
    rows = [[c.text for c in r.cells] for r in reports.rows[1:]]
    assert rows[:3] == [["1", "Hà Nội", "ha-noi.docx", "Số 3/BC-UBND ngày 15/07/2020"],
                        ["2", "Quảng Ninh", "quang-ninh.docx", "Số 3/BC-UBND ngày 15/07/2020"],
                        ["3", "Hải Phòng", "hai-phong.docx", "Số 3/BC-UBND ngày 15/07/2020"]]
    assert ["Nghệ An", "nghe-an-cu.docx", "Số 1/BC-UBND ngày 02/05/2020; không dùng (đã có báo cáo mới hơn)"] in [
        r[1:] for r in rows]
    missing = next(p.text for p in document.paragraphs if p.text.startswith("Tỉnh, thành phố chưa gửi báo cáo"))
    assert missing.startswith("Tỉnh, thành phố chưa gửi báo cáo (57): Hà Giang, Cao Bằng, ")
    sources = document.tables[4]
    assert [c.text for c in sources.rows[1].cells] == ["1", "Hà Nội", "ha-noi.docx", "tr. 2: đ. 5; tr. 3: đ. 6; tr. 4: đ. 7", "3"]


def test_page_fonts_and_header_block_follow_decree_30(document, built):
    for section in document.sections:
        short, long_ = sorted((section.page_width, section.page_height))
        assert abs(short - Mm(210)) < Mm(0.5) and abs(long_ - Mm(297)) < Mm(0.5)
        assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
        assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)
    first = document.sections[0]
    assert first.page_width < first.page_height and first.different_first_page_header_footer
    assert 'w:instr="PAGE"' in first.header._element.xml and "PAGE" not in first.first_page_header._element.xml
    assert first.header.paragraphs[0].alignment == 1  # centre
    for name in ("Normal", "TK Nội dung", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        assert style.font.name == "Times New Roman" and 13 <= style.font.size.pt <= 14
    body = document.styles["TK Nội dung"].paragraph_format
    normal = document.styles["Normal"].paragraph_format
    assert normal.alignment == 3 and abs(normal.first_line_indent - Mm(10)) < Mm(0.1)  # justified, 1 cm
    assert body.alignment is None or body.alignment == 3
    header = document.tables[0]
    assert len(header.columns) == 2
    assert header._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"
    left, right = (c.text.splitlines() for c in header.rows[0].cells)
    assert left == ["BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "_______", "Số: …/BC-LĐTBXH"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "_______________________",
                     "Hà Nội, ngày … tháng … năm 2020"]
    top = [p.text for p in document.paragraphs[:8]]
    assert top[0] == "DỰ THẢO" and "BÁO CÁO" in top
    assert "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020" in top
    assert not any(BODY_MARKER in p.text or "{{" in p.text for p in document.paragraphs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_draft_converts_to_pdf_with_libreoffice(built, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(built[1])],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "du-thao.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "BÁO CÁO" in text and "Ban Chỉ đạo 138 các tỉnh, thành phố" in text


def test_the_preview_carries_the_same_draft_with_source_footnotes(built, tmp_path):
    prepared = built[0]
    markdown = render_markdown(prepared)
    assert "Ban Chỉ đạo 138 các tỉnh, thành phố được kiện toàn kịp thời" in markdown
    notes = re.findall(r"^\[\^(\d+)\]: ", markdown, flags=re.M)
    refs = re.findall(r"\[\^(\d+)\](?!:)", markdown)
    assert notes and notes == refs
    assert "    Nghệ An — nghe-an.docx, trang 2, đoạn 5: «Ban Chỉ đạo 138 tỉnh Nghệ An" in markdown
    page = render_html(prepared)
    assert page.startswith("<!DOCTYPE html>") and page.count('<li id="n') == len(notes)
    out = write_preview_from(prepared, tmp_path / "xem-truoc.md")
    assert out.read_text(encoding="utf-8") == markdown


def write_preview_from(prepared, path):
    from pipeline.draft import render_preview

    return render_preview(prepared, path)


def tiny_png(path: Path) -> Path:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_write_draft_from_the_workspace_embeds_the_coverage_heatmap(built, tmp_path):
    root = built[2]
    with Workspace.open(root / "ws", readonly=True) as ws:
        out = write_draft(ws, tmp_path / "du-thao-bao-cao-tong-ket.docx", heatmap=tiny_png(tmp_path / "bao-phu.png"))
        preview = write_preview(ws, tmp_path / "xem-truoc.html")
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Phụ lục 4" in texts
    assert "Phụ lục 4" not in [p.text for p in docx.Document(str(built[1])).paragraphs]
    assert preview.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".tongket-*"))  # temporary files are renamed into place


def user_templates(tmp_path, name, text):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_section_text_with_an_unknown_variable_names_the_file_and_line(built, tmp_path):
    folder = user_templates(tmp_path, "nhom.j2", "{{ noi_dung }}\n({{ so_tinh_thanh }}).\n")
    with pytest.raises(TemplateError) as err:
        render_docx(built[0], tmp_path / "x.docx", template=folder)
    assert err.value.path == f"{folder / 'nhom.j2'}, dòng 2"
    assert err.value.message == "biến «so_tinh_thanh» không có trong dữ liệu của mẫu"
    assert "noi_dung" in err.value.hint and not (tmp_path / "x.docx").exists()


def test_a_section_text_with_a_syntax_error_names_the_file_and_line(built, tmp_path):
    folder = user_templates(tmp_path, "mo-dau.j2", "Mở đầu.\n\n{% if so_bao_cao %}\nThiếu endif.\n")
    with pytest.raises(TemplateError) as err:
        render_markdown(built[0], template=folder)
    assert err.value.path.startswith(str(folder / "mo-dau.j2") + ", dòng ")
    assert err.value.message.startswith("lỗi cú pháp Jinja")


def test_a_section_text_cannot_escape_the_sandbox(built, tmp_path):
    folder = user_templates(tmp_path, "ket-luan.j2", "{{ chuong_trinh.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as err:
        render_markdown(built[0], template=folder)
    assert err.value.path == f"{folder / 'ket-luan.j2'}, dòng 1"


def word_template(tmp_path, replace: dict[str, str]) -> Path:
    out = tmp_path / "mau.docx"
    with zipfile.ZipFile(TEMPLATES / "bao-cao-tong-ket.docx") as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for old, new in replace.items():
                    assert old in text
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out


def test_a_word_template_with_an_unknown_variable_names_the_template_and_paragraph(built, tmp_path):
    template = word_template(tmp_path, {"{{ so_hieu }}": "{{ so_ky_hieu }}"})
    with pytest.raises(TemplateError) as err:
        render_docx(built[0], tmp_path / "x.docx", template=template)
    assert err.value.message == "biến «so_ky_hieu» không có trong dữ liệu của mẫu"
    assert re.fullmatch(re.escape(str(template)) + r", đoạn thứ \d+ \(«Số: \{\{ so_ky_hieu \}\}»\)", err.value.path)


def test_a_word_template_with_a_syntax_error_or_without_the_body_place_is_refused(built, tmp_path):
    broken = word_template(tmp_path, {"{{ dia_danh_ngay }}": "{{ dia_danh_ngay "})
    with pytest.raises(TemplateError) as err:
        render_docx(built[0], tmp_path / "x.docx", template=broken)
    assert err.value.message.startswith("lỗi cú pháp Jinja") and "đoạn thứ" in err.value.path
    (tmp_path / "b").mkdir()
    no_body = word_template(tmp_path / "b", {"{{ noi_dung }}": "(nội dung)"})
    with pytest.raises(TemplateError, match=r"thiếu đoạn \{\{ noi_dung \}\}"):
        render_docx(built[0], tmp_path / "x.docx", template=no_body)
    with pytest.raises(TemplateError, match="không tìm thấy tệp mẫu"):
        render_docx(built[0], tmp_path / "x.docx", template=tmp_path / "khong-co.docx")


def test_the_template_is_reproducible_from_its_script(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_template", TEMPLATES / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build(tmp_path / "mau.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(TEMPLATES / "bao-cao-tong-ket.docx") as b:
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
            assert a.read(part) == b.read(part), part


def test_copied_sentences_are_told_from_a_shared_phrasing():
    def s(text, province):
        return Statement(text, province, "1.4", "ket_qua", Source(province, "f", 1, 1, text))

    copied = "Các nhóm đồng đẳng đã tiếp cận 650 người bán dâm tại cộng đồng."
    template = "Cơ quan điều tra đã khởi tố {} vụ án về chứa mại dâm."
    items = [s(copied, "Hà Nội"), s(copied, "Cà Mau"), s(template.format(12), "Hà Nội"),
             s(template.format(12), "Cà Mau"), s(template.format(30), "Nghệ An")]
    keys = copied_sentences(items)
    assert len(keys) == 1 and "650" in next(iter(keys))


def test_draft_command(built, tmp_path):
    root = built[2]
    out, preview = tmp_path / "du-thao.docx", tmp_path / "xem-truoc.md"
    result = CliRunner().invoke(main, ["draft", "-w", str(root / "ws"), "-o", str(out), "--preview", str(preview)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Đã soạn dự thảo: {out}", f"Bản xem trước: {preview}",
        f"Tỉnh, thành phố có báo cáo: 6/63; mục cần kiểm tra (Phụ lục 1): {len(built[0].draft.warnings)}"]
    assert out.exists() and preview.exists()
    bad = CliRunner().invoke(main, ["draft", "-w", str(root / "ws"), "-o", str(out), "--template",
                                    str(tmp_path / "khong-co.docx")])
    assert bad.exit_code == 2 and "Lỗi:" in bad.output and "không tìm thấy tệp mẫu" in bad.output
