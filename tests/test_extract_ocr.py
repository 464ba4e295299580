"""Scanned PDFs: OCR with Tesseract's Vietnamese model, lines joined like a text PDF."""
from __future__ import annotations

import difflib

import pytest

import fixtures as fx
from extractors import extract_file, ocr, tesseract
from pipeline.errors import ExtractionError
from pipeline.model import HEADER, HEADING, LIST_ITEM, TITLE


@pytest.fixture(scope="module")
def doc(reports):
    return reports.document("scan")


def _closest(doc, text):
    best = max(doc.blocks, key=lambda b: difflib.SequenceMatcher(None, b.text, text).ratio())
    return best, difflib.SequenceMatcher(None, best.text, text).ratio()


def test_scan_is_recognised_with_confidence_and_pages(doc):
    assert (doc.format, doc.pages) == ("pdf-ocr", 2)
    assert all(b.page in (1, 2) for b in doc.blocks)
    assert all(b.ocr_confidence is not None and 0 <= b.ocr_confidence <= 100 for b in doc.blocks)
    assert sum(b.ocr_confidence for b in doc.blocks) / len(doc.blocks) > 85
    assert doc.warnings == []


def test_header_title_and_metadata_from_the_scan(doc):
    roles = [(b.role, b.text) for b in doc.blocks[:9]]
    assert roles[0] == (HEADER, "ỦY BAN NHÂN DÂN")
    assert (HEADER, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in roles  # both columns read apart
    assert (HEADER, "Số: 215/BC-UBND") in roles
    assert (HEADER, "Nghệ An, ngày 15 tháng 7 năm 2020") in roles
    assert (TITLE, "BÁO CÁO") in roles
    meta = doc.metadata
    assert (meta.province, meta.doc_number, meta.date) == ("Nghệ An", "215/BC-UBND", "2020-07-15")


def test_paragraphs_are_rebuilt_from_ocr_lines(doc):
    for text in (fx.INTRO.format(province="Nghệ An"), fx.DIRECTION, fx.MEDIA, fx.COMMUNITY, fx.TRACKED):
        block, ratio = _closest(doc, text)
        assert ratio > 0.97, (block.text, text)
    assert _closest(doc, fx.DIRECTION)[0].text == fx.DIRECTION
    assert _closest(doc, fx.MEDIA)[0].page == 2


def test_headings_and_list_items_found_by_shape_without_bold(doc):
    by_number = {(b.number, b.text): b for b in doc.blocks if b.number}
    assert by_number[("1.", fx.HEADINGS["1"])].kind == HEADING
    assert by_number[("1.1.", fx.HEADINGS["1.1"])].kind == HEADING
    assert by_number[("a)", fx.HEADINGS["a"])].kind == HEADING
    assert by_number[("b)", fx.HEADINGS["b"])].heading_path[-1] == "2. Công tác thông tin, tuyên truyền"
    bullets = [b for b in doc.blocks if b.kind == LIST_ITEM and b.number in ("-", "+")]
    assert [b.number for b in bullets] == ["-", "-", "+"]
    assert bullets[0].text == fx.BULLETS[0]


# --- without running Tesseract ------------------------------------------------

_TSV_HEADER = tesseract.TSV_HEADER


def _word(block, line, word, left, top, width, text, conf=95.0, height=40):
    return f"5\t1\t{block}\t1\t{line}\t{word}\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}"


def test_tsv_words_become_lines_in_points_with_columns_apart():
    tsv = "\n".join([
        _TSV_HEADER,
        _word(1, 1, 1, 300, 200, 200, "ỦY"), _word(1, 1, 2, 520, 200, 150, "BAN"),
        _word(1, 1, 3, 1500, 200, 250, "CỘNG"), _word(1, 1, 4, 1770, 200, 180, "HÒA", conf=85.0),
        _word(1, 2, 1, 320, 260, 250, "TỈNH"),
        _word(1, 2, 2, 1600, 260, 200, "VIỆT"),
        _word(2, 1, 1, 250, 400, 30, "_", conf=60.0), _word(2, 1, 2, 300, 400, 200, "Kế"),
        _word(2, 1, 3, 520, 400, 250, "hoạch"),
    ])
    lines = ocr.tsv_lines(tsv, 72 / 300)
    assert [ln.text for ln in lines] == ["ỦY BAN", "TỈNH", "CỘNG HÒA", "VIỆT", "- Kế hoạch"]
    first = lines[0]
    assert (round(first.x0, 2), round(first.x1, 2), round(first.top, 2)) == (72.0, 160.8, 48.0)
    assert lines[2].confidence == 90.0
    assert lines[4].text_x0 == 72.0
    assert lines[4].group == 2 and lines[0].group is None


def test_low_confidence_page_gets_a_warning(reports, monkeypatch):
    blurry = "\n".join([_TSV_HEADER] + [_word(1, k, 1, 300, 200 + 60 * k, 900, "chữ mờ", conf=41.0)
                                         for k in range(1, 30)])
    monkeypatch.setattr(ocr, "find_reader", lambda path: lambda image: blurry)
    fx.require_tool("tesseract")
    doc = extract_file(reports.scan)
    assert doc.warnings[:2] == ["trang 1 có chữ khó đọc (OCR 41%)", "trang 2 có chữ khó đọc (OCR 41%)"]


def test_missing_tesseract_is_a_clear_message(reports, monkeypatch):
    scan = reports.scan
    monkeypatch.setattr(tesseract, "_library", lambda: None)
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    with pytest.raises(ExtractionError) as err:
        extract_file(scan)
    message = err.value.render()
    assert message.startswith(f"{scan}: tệp là bản quét")
    assert "tesseract-ocr-vie" in message and "\n" not in message


def test_missing_vietnamese_model_is_a_clear_message(reports, monkeypatch):
    fx.require_tool("tesseract")
    monkeypatch.setattr(tesseract, "_vie_model_dir", lambda binary: None)
    with pytest.raises(ExtractionError) as err:
        extract_file(reports.scan)
    assert "chưa có mô hình tiếng Việt (vie)" in err.value.render()


def test_a_damaged_vietnamese_model_is_a_clear_message(reports, tmp_path, monkeypatch):
    if tesseract._library() is None:
        pytest.skip("needs tesserocr")
    (tmp_path / "vie.traineddata").write_bytes(b"")
    monkeypatch.setattr(tesseract, "_vie_model_dir", lambda binary: str(tmp_path))
    with pytest.raises(ExtractionError) as err:
        extract_file(reports.scan)
    message = err.value.render()
    assert f"không mở được mô hình tiếng Việt {tmp_path / 'vie.traineddata'}" in message
    assert "cài lại gói tesseract-ocr-vie" in message and "\n" not in message


def test_tesseracts_library_and_command_read_a_page_alike(tmp_path):
    """tesserocr (in the process) and the tesseract command give the same TSV for the same page."""
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.heatmap import font_path

    if tesseract._library() is None or not tesseract.shutil.which("tesseract"):
        pytest.skip("needs both tesserocr and the tesseract command")
    models = tesseract._vie_model_dir(tesseract.shutil.which("tesseract"))
    image = Image.new("L", (1400, 300), 255)
    font = ImageFont.truetype(str(font_path()), 40)
    ImageDraw.Draw(image).text((60, 100), "Công tác tuyên truyền được đẩy mạnh", fill=0, font=font)
    library = tesseract._read_with_library(models, image)
    command = tesseract._read_with_command(tesseract.shutil.which("tesseract"), models, image)
    assert library.splitlines()[0] == command.splitlines()[0] == tesseract.TSV_HEADER
    words = [[ln.text for ln in ocr.tsv_lines(tsv, 0.24)] for tsv in (library, command)]
    assert words[0] == words[1] == ["Công tác tuyên truyền được đẩy mạnh"]


def test_misread_roman_section_numbers_are_renumbered_in_sequence():
    from pipeline.model import PARAGRAPH, Block

    texts = ["IL KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác chỉ đạo", "H. ĐÁNH GIÁ CHUNG", "II. PHƯƠNG HƯỚNG",
             "IV. KIẾN NGHỊ", "Hà Nội là thủ đô", "I. Tuyên truyền"]
    blocks = [Block(kind=PARAGRAPH, text=t, ocr_confidence=90.0) for t in texts]
    ocr.repair_ocr_labels(blocks)
    assert [b.text for b in blocks] == [
        "I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác chỉ đạo", "II. ĐÁNH GIÁ CHUNG", "III. PHƯƠNG HƯỚNG",
        "IV. KIẾN NGHỊ", "Hà Nội là thủ đô", "I. Tuyên truyền",  # not an upper-case heading: left alone
    ]


def test_a_label_followed_by_a_tab_stays_on_its_line():
    tsv = "\n".join([_TSV_HEADER, _word(1, 1, 1, 300, 200, 60, "II."), _word(1, 1, 2, 600, 200, 400, "TỒN"),
                     _word(1, 1, 3, 1020, 200, 300, "TẠI")])
    assert [ln.text for ln in ocr.tsv_lines(tsv, 0.24)] == ["II. TỒN TẠI"]


def test_misread_decimal_heading_after_its_successor_is_renumbered():
    from pipeline.model import PARAGRAPH, Block

    texts = ["I. KẾT QUẢ", "3. Kiểm tra", "4. Chính sách", "3. Tác động kinh tế - xã hội", "1. Tổ chức hội nghị",
             "2. In tờ rơi", "II. TỒN TẠI", "1. Tồn tại", "3. Trong năm đã kiểm tra 45 cơ sở."]
    blocks = [Block(kind=PARAGRAPH, text=t, ocr_confidence=90.0) for t in texts]
    ocr.repair_ocr_labels(blocks)
    assert [b.text for b in blocks] == [
        "I. KẾT QUẢ", "3. Kiểm tra", "4. Chính sách", "5. Tác động kinh tế - xã hội", "1. Tổ chức hội nghị",
        "2. In tờ rơi", "II. TỒN TẠI", "1. Tồn tại", "3. Trong năm đã kiểm tra 45 cơ sở.",
    ]


def test_ruled_table_on_a_scan_is_rebuilt(doc):
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].page == 2
    rows = tables[0].rows
    expected = fx.TABLE_ROWS[:4]  # the rest of the table is on page 3, not scanned
    assert [len(row) for row in rows] == [len(row) for row in expected]
    for got, want in zip(sum(rows, []), sum(expected, [])):  # figures exact; words may lose an accent
        assert got == want if want.isdigit() else difflib.SequenceMatcher(None, got, want).ratio() > 0.9, (got, want)
    assert not any(b.text in ("2016", "210", "520") for b in doc.blocks)


def test_rules_found_in_a_page_image_make_a_grid():
    from PIL import Image, ImageDraw

    from extractors.pdf import table_grids

    image = Image.new("L", (1000, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in (100, 160, 220):
        draw.line([(100, y), (900, y)], fill=0, width=3)
    for x in (100, 400, 900):
        draw.line([(x, 100), (x, 220)], fill=0, width=3)
    draw.text((120, 120), "Nam 2020", fill=0)  # letters are never long enough to be rules
    hs, vs = ocr.image_rulings(image, 0.5)
    assert [round(y) for y, _, _ in hs] == [50, 80, 110]
    assert [round(x) for x, _, _ in vs] == [50, 200, 450]
    (bbox, grid), = table_grids(hs, vs, tol=5.0)
    assert [tuple(round(v) for v in bbox)] == [(50, 50, 450, 110)]
    assert [[tuple(round(v) for v in cell) for cell in row] for row in grid] == [
        [(50, 50, 200, 80), (200, 50, 450, 80)], [(50, 80, 200, 110), (200, 80, 450, 110)],
    ]


def test_digits_read_as_capitals_and_seal_noise():
    from pipeline.model import PARAGRAPH, Block

    blocks = [Block(kind=PARAGRAPH, text=t, ocr_confidence=90.0)
              for t in ["3. Công tác tuyên truyền", "A. Công tác kiểm tra, xử lý", "5, Thực hiện mô hình",
                        "A. PHẦN MỞ ĐẦU", "IV.. PHƯƠNG HƯỚNG"]]
    ocr.repair_ocr_labels(blocks)
    assert [b.text for b in blocks] == ["3. Công tác tuyên truyền", "4. Công tác kiểm tra, xử lý", "5. Thực hiện mô hình",
                                        "A. PHẦN MỞ ĐẦU", "IV. PHƯƠNG HƯỚNG"]
    tsv = "\n".join([_TSV_HEADER, _word(1, 1, 1, 300, 200, 200, "ĐÚP", conf=6.0), _word(1, 1, 2, 520, 200, 80, "Ta",
                     conf=20.0), _word(2, 1, 1, 300, 400, 30, "y", conf=55.0),
                     _word(3, 1, 1, 300, 600, 200, "Lê", conf=88.0), _word(3, 1, 2, 520, 600, 200, "Văn")])
    assert [ln.text for ln in ocr.tsv_lines(tsv, 0.24)] == ["Lê Văn"]


def test_a_scanners_page_is_read_from_the_file_and_anything_else_is_rendered(tmp_path):
    """One upright grey image over the whole page is taken as is (its own pixels and resolution);
    a page with more on it, a rotated page or a 1-bit image is rendered instead."""
    import pypdfium2
    from PIL import Image, ImageDraw

    image = Image.new("L", (1654, 2339), 255)
    ImageDraw.Draw(image).rectangle([200, 300, 900, 340], fill=0)
    scan = tmp_path / "scan.pdf"
    image.save(scan, "PDF", resolution=200.0)
    page = pypdfium2.PdfDocument(str(scan))[0]
    pil, dpi = ocr._page_image(page)
    assert (pil.mode, pil.size, round(dpi)) == ("L", (1654, 2339), 200)
    assert pil.getpixel((500, 320)) < 20 and pil.getpixel((500, 400)) > 235  # the bar where it was drawn

    rotated = pypdfium2.PdfDocument(str(scan))
    rotated[0].set_rotation(90)
    bilevel = tmp_path / "bilevel.pdf"
    image.convert("1").save(bilevel, "PDF", resolution=200.0)
    for other in (rotated[0], pypdfium2.PdfDocument(str(bilevel))[0]):
        assert ocr._scanner_page(other) is None
        pil, dpi = ocr._page_image(other)  # rendered: same content, pdfium's pixels
        assert pil.mode == "L" and dpi == 200


def test_poster_size_page_is_rendered_at_a_capped_resolution(tmp_path):
    """A 200-inch page at 300 dpi would need gigabytes; the render size is capped instead."""
    import pypdfium2
    from PIL import Image

    from extractors.ocr import MAX_RENDER_PX, _render_dpi

    path = tmp_path / "giant.pdf"
    Image.new("L", (400, 400), 255).save(path, "PDF", resolution=2.0)  # 400 px at 2 dpi = 14,400 pt
    page = pypdfium2.PdfDocument(str(path))[0]
    dpi = _render_dpi(page)
    assert dpi == int(MAX_RENDER_PX * 72 / 14400)
    assert max(page.get_size()) * dpi / 72 <= MAX_RENDER_PX


def test_a_long_scan_holds_only_a_few_page_images_at_once(tmp_path, monkeypatch):
    """Pages are rendered only as fast as they are read: a 300-page scan must not sit in memory."""
    import threading
    import time

    import pypdfium2
    from PIL import Image

    path = tmp_path / "long.pdf"
    pages = [Image.new("L", (400, 560), 255) for _ in range(12)]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=200.0)
    state = {"rendered": 0, "read": 0, "most": 0}
    lock = threading.Lock()
    render = ocr._page_image

    def counted_render(page):
        with lock:
            state["rendered"] += 1
            state["most"] = max(state["most"], state["rendered"] - state["read"])
        return render(page)

    def slow_read(image):
        time.sleep(0.05)
        with lock:
            state["read"] += 1
        return ""

    monkeypatch.setattr(ocr, "_page_image", counted_render)
    monkeypatch.setattr(ocr, "find_reader", lambda path: slow_read)
    out = ocr.ocr_pages(pypdfium2.PdfDocument(str(path)), list(range(12)), path)
    assert sorted(out) == list(range(12)) and state["read"] == 12
    assert state["most"] <= 2 * ocr.OCR_WORKERS
