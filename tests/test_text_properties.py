"""Properties the existing hypothesis tests leave out: the legacy-font decoders on any Unicode text
(not only Latin), and the language check the batch uses to set aside non-Vietnamese reports."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import PARAGRAPH, TABLE, Block, Document
from pipeline.run import MIN_VIETNAMESE, vietnamese_share
from pipeline.vietnamese import decode_tcvn3, decode_vni, normalize_text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_legacy_decoders_never_raise_and_give_nfc_on_any_text(text):
    for out in (decode_tcvn3(text), decode_tcvn3(text, uppercase_font=True), decode_vni(text)):
        assert isinstance(out, str) and unicodedata.is_normalized("NFC", out)


def _doc(texts: list[str], cells: list[str] = ()) -> Document:
    blocks = [Block(PARAGRAPH, t, index=i) for i, t in enumerate(texts)]
    if cells:
        blocks.append(Block(TABLE, "", index=len(blocks), rows=[list(cells)]))
    return Document(source="x.docx", sha256="0" * 64, format="docx", blocks=blocks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=5), st.lists(st.text(), max_size=3))
def test_vietnamese_share_is_a_fraction_whatever_the_text(texts, cells):
    share = vietnamese_share(_doc(texts, cells))
    assert 0.0 <= share <= 1.0


def test_vietnamese_share_tells_vietnamese_from_english_and_no_text():
    vietnamese = "Đoàn kiểm tra liên ngành đã kiểm tra 318 lượt cơ sở kinh doanh dịch vụ"
    english = "The inter-agency team inspected three hundred venues and fined seventeen of them"
    assert vietnamese_share(_doc([vietnamese])) == 11 / 15
    assert vietnamese_share(_doc([normalize_text(unicodedata.normalize("NFD", vietnamese))])) == 11 / 15
    assert vietnamese_share(_doc([english])) == 0.0
    assert vietnamese_share(_doc(["2016", "12,5 %"], ["2017", "30"])) == 0.0
    assert vietnamese_share(_doc([english], [vietnamese])) == 11 / 28 > MIN_VIETNAMESE
