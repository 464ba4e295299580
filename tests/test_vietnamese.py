"""normalize_text, legacy detection, diacritics folding."""
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.vietnamese import (
    detect_legacy,
    encode_tcvn3,
    encode_vni,
    fold,
    fold_aligned,
    normalize_text,
    strip_diacritics,
)

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

VIETNAMESE = (
    "Trong giai đoạn 2016 - 2020, Ban Chỉ đạo tỉnh đã chỉ đạo các sở, ngành phối hợp kiểm tra "
    "các cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm; công tác tuyên truyền được đẩy mạnh, "
    "tuy nhiên việc hỗ trợ người bán dâm hòa nhập cộng đồng còn nhiều khó khăn."
)
ENGLISH = (
    "The provincial steering committee inspected karaoke bars, massage parlours and hotels, "
    "fined the owners and reported the results to the ministry in July 2020."
)
FRENCH = (
    "Où est la bibliothèque? Le comité a présenté à Noël un rapport très détaillé sur l'été, "
    "une idée naïve peut-être, mais la société civile l'a trouvée intéressante. Déjà, où en êtes-vous?"
)


@pytest.mark.parametrize(
    "old, new",
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("hoá", "hóa"),
        ("loè", "lòe"),
        ("huỷ", "hủy"),
        ("Uỷ ban", "Ủy ban"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("tuỳ", "tùy"),
        ("quý", "quý"),
        ("quỷ", "quỷ"),
        ("qủy", "quỷ"),
        ("giữ", "giữ"),
        ("hoàn thành", "hoàn thành"),
        ("hòan thành", "hoàn thành"),
        ("thuyết", "thuyết"),
        ("khoẻn", "khoẻn"),
        ("huỳnh", "huỳnh"),
        ("hùynh", "huỳnh"),
        ("khuỷu", "khuỷu"),
        ("ngoài", "ngoài"),
        ("của", "của"),
        ("mùa lúa", "mùa lúa"),
        ("quá", "quá"),
        ("xoáy", "xoáy"),
        ("tuyển", "tuyển"),
    ],
)
def test_traditional_tone_placement(old, new):
    assert normalize_text(old) == new


def test_nfd_and_windows_1258_sequences_become_nfc():
    assert normalize_text(NFD("Nghệ An, ngày 15 tháng 7")) == "Nghệ An, ngày 15 tháng 7"
    # cp1258 writes a precomposed base and a combining tone: ê + U+0301
    assert normalize_text("Vi\u00ea\u0323t Nam ki\u00ea\u0309m tra") == "Việt Nam kiểm tra"
    assert normalize_text("\u01a1\u0301") == "ớ"


def test_invisible_characters_are_removed():
    assert normalize_text("phòng\u200b chống\u200c mại\u200d dâm\ufeff") == "phòng chống mại dâm"
    assert normalize_text("tuyên\u00adtruyền") == "tuyêntruyền"


def test_spaces_collapse_within_lines_and_newlines_are_kept():
    text = "  Kết quả\u00a0\u00a0đạt được \t\n\n 1.\u2003Công tác\u202fchỉ đạo  \r\n- Kiểm tra  "
    assert normalize_text(text) == "Kết quả đạt được\n\n1. Công tác chỉ đạo\n- Kiểm tra"


def test_legacy_auto_forced_and_disabled():
    unicode = "Tổng kết công tác phòng, chống mại dâm của tỉnh"
    tcvn3, vni = encode_tcvn3(unicode), encode_vni(unicode)
    assert normalize_text(tcvn3) == unicode
    assert normalize_text(vni) == unicode
    assert normalize_text(tcvn3, legacy=None) == tcvn3
    assert normalize_text("c¬ së", legacy="tcvn3") == "cơ sở"  # too short to detect, but forced
    assert normalize_text("c¬ së") == "c¬ së"
    assert normalize_text("Vieät", legacy="vni") == "Việt"
    assert normalize_text("B¸O C¸O", legacy="tcvn3h") == "BÁO CÁO"


def test_normalize_text_accepts_anything():
    assert normalize_text("") == ""
    assert normalize_text(None) == ""
    assert normalize_text("\x00\x07abc\x1b") == "abc"
    assert normalize_text("\ud800x") == "\ud800x"  # a lone surrogate passes through


@pytest.mark.parametrize(
    "text, expected",
    [
        (VIETNAMESE, None),
        (ENGLISH, None),
        (FRENCH, None),
        ("Größe, Straße und Übermäßig — schöne Grüße aus München", None),
        ("Niño, año, España: la campaña de información", None),
        (encode_tcvn3(VIETNAMESE), "tcvn3"),
        (encode_vni(VIETNAMESE), "vni"),
        ("B¸O C¸O TæNG KÕT CH¦¥NG TR×NH PHßNG, CHèNG M¹I D¢M", "tcvn3"),
        (encode_vni(VIETNAMESE.upper()), "vni"),
        ("c¬ së", None),  # too little to be sure
        ("", None),
    ],
)
def test_detect_legacy(text, expected):
    assert detect_legacy(text) == expected


def test_detect_legacy_ignores_a_few_legacy_words_inside_unicode_text():
    assert detect_legacy(VIETNAMESE + " c¬ së ViÖt Nam") is None


def test_strip_diacritics_and_fold():
    assert strip_diacritics("Đắk Lắk, Thừa Thiên Huế") == "Dak Lak, Thua Thien Hue"
    assert strip_diacritics(NFD("Người bán dâm")) == "Nguoi ban dam"
    assert fold("  ỦY BAN   NHÂN DÂN\tTỈNH  Nghệ An ") == "uy ban nhan dan tinh nghe an"
    assert fold_aligned("Đà Nẵng, NGÀY") == "da nang, ngay"
    assert len(fold_aligned("Bà Rịa - Vũng Tàu")) == len("Bà Rịa - Vũng Tàu")


ALPHABET = st.sampled_from(
    list("aăâeêioôơuưyđAĐ qQ\n\t.,-%") + ["\u00a0", "\u200b", "\u00ad", "\u0301", "\u0300", "\u0309", "\u0323"]
    + list("¸µ¶·¹¨©ª«¬®ÕÖÐÑæèéêëìíîïñòóôõöùúûüý")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_normalize_text_is_idempotent_and_nfc_on_vietnamese_and_legacy_like_text(text):
    once = normalize_text(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_text_is_idempotent_and_nfc_on_any_text(text):
    once = normalize_text(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize_text(once) == once
    assert "\u200b" not in once and "\u00a0" not in once and "  " not in once
