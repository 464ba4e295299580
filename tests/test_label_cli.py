"""`tongket label` and `tongket eval` with the model shipped in the package."""
import json

from click.testing import CliRunner

from pipeline.cli import main

LINES = [
    {"id": "kt", "text": "Năm 2019, Đội kiểm tra liên ngành 178 của tỉnh đã kiểm tra 412 lượt cơ sở kinh doanh "
                         "karaoke, massage, nhà nghỉ; phát hiện 37 cơ sở vi phạm, xử phạt 215 triệu đồng."},
    {"id": 2, "text": "Đề nghị Bộ Lao động - Thương binh và Xã hội sớm trình Quốc hội xây dựng Luật phòng, "
                      "chống mại dâm thay thế Pháp lệnh năm 2003.", "heading": "V. KIẾN NGHỊ"},
    {"id": "empty", "text": ""},
    {"id": "word", "text": "Karaoke"},
    {"id": "en", "text": "The provincial committee inspected many karaoke bars and massage parlours this year."},
    {"id": "long", "text": " ".join(["Công tác tuyên truyền được đẩy mạnh ở các xã, phường."] * 400)},
    {"id": "mixed", "text": "Năm 2020, tỉnh tổ chức 56 buổi tuyên truyền tại các xã biên giới cho 4.200 lượt "
                            "người. Tuy nhiên, hình thức tuyên truyền còn đơn điệu, chưa thu hút người dân.",
     "heading": ["I. KẾT QUẢ", "3. Công tác thông tin, tuyên truyền"]},
]


def _label(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in LINES), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["label", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_label_adds_labels_confidences_and_top3_to_every_line(tmp_path):
    rows = _label(tmp_path)
    assert list(rows) == ["kt", 2, "empty", "word", "en", "long", "mixed"]
    for row in rows.values():
        assert row["area"] in {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10"}
        assert row["finding"] in {"ket_qua", "ton_tai", "nguyen_nhan", "de_xuat", "khac"}
        assert 0.0 <= row["area_confidence"] <= 1.0 and 0.0 <= row["finding_confidence"] <= 1.0
        assert len(row["area_top3"]) == 3 and len(row["finding_top3"]) == 3
        assert row["area_top3"][0][0] == row["area"]
    assert (rows["kt"]["area"], rows["kt"]["finding"]) == ("1.4", "ket_qua")
    assert rows[2]["finding"] == "de_xuat" and rows[2]["area"] in ("1.6", "1.9")
    assert rows["kt"]["text"] == LINES[0]["text"]  # input fields are kept


def test_degenerate_inputs_get_khac_or_low_confidence(tmp_path):
    rows = _label(tmp_path)
    for key in ("empty", "word", "en"):
        assert rows[key]["finding"] == "khac" and rows[key]["low_confidence"], key
    assert rows["long"]["area"] == "1.3"


def test_mixed_paragraph_is_reported_as_sentence_spans(tmp_path):
    spans = _label(tmp_path)["mixed"]["spans"]
    assert [(s["sentences"], s["finding"]) for s in spans] == [([0, 1], "ket_qua"), ([1, 2], "ton_tai")]
    assert all(s["area"] == "1.3" for s in spans)


def test_bad_input_file_is_a_vietnamese_message(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\nkhông phải json\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["label", str(bad), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "dòng 2 không phải JSON hợp lệ" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_eval_prints_per_class_scores_confusion_and_baseline(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "text": t, "area": a, "finding": f}, ensure_ascii=False) + "\n"
                            for i, (t, a, f) in enumerate([
                                (LINES[0]["text"], "1.4", "ket_qua"),
                                (LINES[1]["text"], "1.6", "de_xuat"),
                                ("Nguyên nhân chủ yếu là do kinh phí bố trí cho công tác tuyên truyền quá thấp.",
                                 "1.7", "nguyen_nhan")])), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(gold)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "LĨNH VỰC (n = 3)" in out and "LOẠI NỘI DUNG (n = 3)" in out
    assert "Ma trận nhầm lẫn" in out and "macro-F1" in out
    assert "Phương pháp từ khóa (đường cơ sở)" in out
