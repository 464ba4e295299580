from pipeline.evaluate import KeywordBaseline, evaluate, head_report, macro_f1
from pipeline.labelled import LabelledPassage
from pipeline.taxonomy import load_taxonomy


def test_macro_f1_exact_values():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    # a: P=1, R=.5, F1=2/3 ; b: P=2/3, R=1, F1=.8
    assert abs(macro_f1(gold, pred) - (2 / 3 + 0.8) / 2) < 1e-9


def test_confusion_matrix_rows_are_gold_columns_predicted():
    rep = head_report("x", ["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    assert rep.confusion == [[1, 1], [0, 1]]
    assert rep.accuracy == 2 / 3


def test_area_of_situation_descriptions_is_not_scored():
    tax = load_taxonomy()
    gold = [LabelledPassage("1", "x", "1.4", "khac"), LabelledPassage("2", "y", "1.3", "ket_qua")]
    area, finding = evaluate(gold, [("1.9", "khac"), ("1.3", "ket_qua")], tax)
    assert area.n == 1 and area.macro_f1 == 1.0
    assert finding.n == 2 and finding.macro_f1 == 1.0


def test_keyword_baseline_uses_taxonomy_cues():
    kb = KeywordBaseline(load_taxonomy())
    assert kb.predict("Công tác tuyên truyền, truyền thông còn hạn chế, chưa sâu rộng.") == ("1.3", "ton_tai")
    assert kb.predict("Đề nghị sửa đổi Pháp lệnh và ban hành luật.")[0] == "1.6"
