"""Passages: body paragraphs and list items with stable ids, sentences and provenance."""
from __future__ import annotations

import fixtures as fx
from pipeline.model import HEADER, HEADING, LIST_ITEM, PARAGRAPH, SIGNATURE, TABLE, Block, Document, Metadata
from pipeline.segment import passage_id, passages

SHA = "ab12cd34ef56" + "0" * 52


def _doc():
    blocks = [
        Block(kind=PARAGRAPH, text="ỦY BAN NHÂN DÂN TỈNH LÀO CAI", role=HEADER),
        Block(kind=HEADING, text="KẾT QUẢ", number="I.", level=1),
        Block(kind=PARAGRAPH, text="Năm 2020, tỉnh kiểm tra 1.234 lượt cơ sở. Tuy nhiên, việc xử lý còn chậm.",
              page=2, heading_path=["I. KẾT QUẢ"]),
        Block(kind=TABLE, text="", rows=[["Năm", "Lượt"]], page=2, heading_path=["I. KẾT QUẢ"]),
        Block(kind=LIST_ITEM, text="Đề nghị Bộ bổ sung kinh phí.", number="-", level=2, page=3,
              heading_path=["I. KẾT QUẢ"]),
        Block(kind=PARAGRAPH, text="   ", page=3),
        Block(kind=PARAGRAPH, text="Trần Văn Bình", role=SIGNATURE, page=3),
    ]
    for i, block in enumerate(blocks):
        block.index = i
    return Document(source="reports\\lao-cai/BC-88.pdf", sha256=SHA, format="pdf",
                    metadata=Metadata(province="Lào Cai"), blocks=blocks)


def test_only_body_paragraphs_and_list_items_become_passages():
    out = passages(_doc())
    assert [(p.id, p.block_index, p.paragraph, p.page) for p in out] == [
        ("ab12cd34ef56-0002", 2, 1, 2),
        ("ab12cd34ef56-0004", 4, 2, 3),
    ]


def test_passage_text_sentences_and_provenance():
    first, second = passages(_doc())
    assert first.text == "Năm 2020, tỉnh kiểm tra 1.234 lượt cơ sở. Tuy nhiên, việc xử lý còn chậm."
    assert first.sentences == ["Năm 2020, tỉnh kiểm tra 1.234 lượt cơ sở.", "Tuy nhiên, việc xử lý còn chậm."]
    assert (first.source, first.doc_sha256, first.province) == ("BC-88.pdf", SHA, "Lào Cai")
    assert first.heading_path == ["I. KẾT QUẢ"] and first.heading == "I. KẾT QUẢ"
    assert second.text == "- Đề nghị Bộ bổ sung kinh phí."  # a list item keeps its label, as printed
    assert second.sentences == ["- Đề nghị Bộ bổ sung kinh phí."]


def test_ids_are_stable_across_runs():
    assert [p.id for p in passages(_doc())] == [p.id for p in passages(_doc())]
    assert passage_id("f" * 64, 7) == "ffffffffffff-0007"


def test_passages_of_the_fixture_report(reports):
    doc = reports.document("docx")
    out = passages(doc)
    assert out[0].text == fx.INTRO.format(province="Nghệ An")
    assert out[0].heading_path == [] and out[0].paragraph == 1
    assert out[-1].text == fx.CLOSING
    assert [p.paragraph for p in out] == list(range(1, len(out) + 1))
    assert len({p.id for p in out}) == len(out)
    direction = next(p for p in out if p.text == fx.DIRECTION)
    assert direction.heading_path == ["I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH", "1. Công tác chỉ đạo, điều hành"]
    assert direction.id == f"{doc.sha256[:12]}-{direction.block_index:04d}"
    assert direction.source == "nghe-an-bao-cao.docx" and direction.province == "Nghệ An"
    assert not any(p.text in ("Nơi nhận:", "Lê Thị Hoa", "BÁO CÁO") for p in out)
