"""TCVN3 (ABC, .VnTime/.VnTimeH) and VNI (VNI-Times) decoding and encoding."""
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.vietnamese import (
    BASE_VOWELS,
    TONE_MARKS,
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    legacy_encoding_for_font,
    normalize_text,
)

LOWER = [unicodedata.normalize("NFC", b + m) for b in BASE_VOWELS for m in TONE_MARKS] + ["đ"]
UPPER = [c.upper() for c in LOWER]
UNTONED_UPPER = ["A", "Ă", "Â", "E", "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y", "Đ"]


def test_the_tables_cover_twelve_vowels_times_six_tones_plus_d_in_both_cases():
    assert len(LOWER) == 73 and len(set(LOWER)) == 73
    assert len(set(LOWER + UPPER)) == 146


@pytest.mark.parametrize("letter", LOWER)
def test_tcvn3_round_trips_every_lowercase_letter(letter):
    encoded = encode_tcvn3(letter)
    assert len(encoded) == 1
    assert decode_tcvn3(encoded) == letter


def test_tcvn3_codes_are_distinct_single_bytes():
    codes = [encode_tcvn3(c) for c in LOWER]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 1 and ord(c) < 256 for c in codes)


@pytest.mark.parametrize("letter", UNTONED_UPPER)
def test_tcvn3_normal_font_has_the_untoned_capitals(letter):
    assert decode_tcvn3(encode_tcvn3(letter)) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capital_font_round_trips_every_capital(letter):
    encoded = encode_tcvn3(letter, uppercase_font=True)
    assert decode_tcvn3(encoded, uppercase_font=True) == letter


def test_tcvn3_normal_font_writes_toned_capitals_with_the_lowercase_code():
    assert encode_tcvn3("Ấ") == encode_tcvn3("ấ") == "\xca"
    assert decode_tcvn3(encode_tcvn3("Ấp")) == "ấp"


@pytest.mark.parametrize(
    "legacy, unicode",
    [
        ("Tæng kÕt", "Tổng kết"),
        ("c¬ së", "cơ sở"),
        ("ViÖt Nam", "Việt Nam"),
        ("phßng, chèng m¹i d©m", "phòng, chống mại dâm"),
        ("ng\xadêi b¸n d©m", "người bán dâm"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("Uû ban nh©n d©n tØnh NghÖ An", "Uỷ ban nhân dân tỉnh Nghệ An"),
    ],
)
def test_tcvn3_real_looking_text(legacy, unicode):
    assert decode_tcvn3(legacy) == unicode
    assert encode_tcvn3(unicode) == legacy


def test_tcvn3_capital_font_text_is_upper_cased():
    assert decode_tcvn3("B¸O C¸O TæNG KÕT", uppercase_font=True) == "BÁO CÁO TỔNG KẾT"
    assert encode_tcvn3("ỦY BAN NHÂN DÂN", uppercase_font=True) == "ñY BAN NH©N D©N"


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trips_every_letter_both_cases(letter):
    assert decode_vni(encode_vni(letter)) == letter


def test_vni_encodings_are_distinct():
    codes = [encode_vni(c) for c in LOWER + UPPER]
    assert len(set(codes)) == len(codes)
    assert all(1 <= len(c) <= 2 for c in codes)


@pytest.mark.parametrize(
    "legacy, unicode",
    [
        ("Vieät Nam", "Việt Nam"),
        ("Toång keát", "Tổng kết"),
        ("Ñaø Naüng", "Đà Nẵng"),
        ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
        ("ngöôøi baùn daâm", "người bán dâm"),
        ("tænh Quaûng Ngaõi", "tỉnh Quảng Ngãi"),
        ("Kyø hoïp thöù nhaát", "Kỳ họp thứ nhất"),
        ("tyû leä", "tỷ lệ"),
        ("hoïc taäp, traät töï", "học tập, trật tự"),
        ("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
    ],
)
def test_vni_real_looking_text(legacy, unicode):
    assert decode_vni(legacy) == unicode
    assert encode_vni(unicode) == legacy


def test_vni_specials_i_and_y_dot_below():
    assert encode_vni("ị") == "ò" and encode_vni("ĩ") == "ó" and encode_vni("ỉ") == "æ"
    assert encode_vni("ỵ") == "yî" and encode_vni("Ỵ") == "YÎ"
    assert decode_vni("yï") == "ỵ"  # a sloppy typist's form is still understood


def test_vni_mark_in_the_other_case_is_understood():
    assert decode_vni("Aùnh") == "Ánh"


def test_sentence_round_trips_in_both_encodings():
    sentence = "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu báo cáo kết quả 05 năm phòng, chống mại dâm."
    assert decode_vni(encode_vni(sentence)) == sentence
    lower = sentence.replace("Ủy", "ủy")  # .VnTime has no toned capitals
    assert decode_tcvn3(encode_tcvn3(lower)) == lower


@pytest.mark.parametrize(
    "font, expected",
    [
        (".VnTime", "tcvn3"),
        (".VnTimeH", "tcvn3h"),
        (".VnArial", "tcvn3"),
        (".VnArialH", "tcvn3h"),
        (".VnArial NarrowH", "tcvn3h"),
        ("VnTime", "tcvn3"),
        (".VnCentury Schoolbook", "tcvn3"),
        ("VNI-Times", "vni"),
        ("VNI-Helve", "vni"),
        ("VNI-Helve-Condense", "vni"),
        ("Times New Roman", None),
        ("Arial", None),
        ("Vni", "vni"),
        ("", None),
        (None, None),
    ],
)
def test_font_names(font, expected):
    assert legacy_encoding_for_font(font) == expected


def test_normalize_text_decodes_a_capital_font_heading_and_normal_lines():
    legacy = "ñY BAN NH¢N D¢N TØNH NGHÖ AN\nSè: 215/BC-UBND\nB¸O C¸O\nC«ng t¸c phßng, chèng m¹i d©m"
    assert normalize_text(legacy) == (
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN\nSố: 215/BC-UBND\nBÁO CÁO\nCông tác phòng, chống mại dâm"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x24F)))
def test_decoders_never_raise_and_give_nfc(text):
    for out in (decode_tcvn3(text), decode_tcvn3(text, uppercase_font=True), decode_vni(text)):
        assert unicodedata.is_normalized("NFC", out)
    encode_tcvn3(text)
    encode_vni(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="".join(LOWER) + " .,"))
def test_lowercase_vietnamese_round_trips_through_both(text):
    assert decode_tcvn3(encode_tcvn3(text)) == text
    assert decode_vni(encode_vni(text)) == text
