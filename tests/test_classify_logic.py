"""Heading evidence and sentence splitting, pinned with a stub scorer (no model needed)."""
from pipeline.classify import Classifier, Scores, heading_boost, looks_vietnamese
from pipeline.taxonomy import load_taxonomy

TAX = load_taxonomy()


def test_heading_naming_an_area_and_a_finding_boosts_both():
    boost = heading_boost(["II. TỒN TẠI, HẠN CHẾ", "3. Công tác tuyên truyền"], TAX)
    assert boost.area["1.3"] == 2.0
    assert boost.finding["ton_tai"] == 0.75  # one level further up: half weight
    assert boost.area["1.4"] == 0.0


def test_looks_vietnamese():
    assert looks_vietnamese("Công tác kiểm tra còn nhiều hạn chế")
    assert not looks_vietnamese("The inspection work still has many limitations")
    assert not looks_vietnamese("")


class StubClassifier(Classifier):
    """Scores by keyword so the combination logic can be tested exactly."""

    def __init__(self):
        self.taxonomy = TAX
        self.version = "stub"

    def scores(self, texts):
        out = []
        for t in texts:
            f = "ton_tai" if "còn" in t else "ket_qua"
            area = {c: (0.91 if c == "1.4" else 0.01) for c in TAX.area_codes}
            finding = {c: (0.9 if c == f else 0.025) for c in TAX.finding_codes}
            out.append(Scores(area, finding))
        return out


def test_mixed_paragraph_is_split_into_sentence_spans():
    clf = StubClassifier()
    text = "Đã kiểm tra 326 lượt cơ sở. Phát hiện 41 cơ sở vi phạm. Tuy nhiên, lực lượng còn mỏng."
    labels = clf.label_texts([("p1", text, [])])[0]
    assert [(l.finding, l.sentence_span) for l in labels] == [
        ("ton_tai", None), ("ket_qua", (0, 2)), ("ton_tai", (2, 3))]
    assert labels[2].text == "Tuy nhiên, lực lượng còn mỏng."


def test_uniform_paragraph_stays_whole_and_non_vietnamese_is_khac():
    clf = StubClassifier()
    whole = clf.label_texts([("p", "Đã kiểm tra 326 lượt cơ sở. Đã xử phạt 41 cơ sở.", [])])[0]
    assert len(whole) == 1
    english = clf.label_texts([("e", "Inspections were carried out in all districts.", [])])[0][0]
    assert english.finding == "khac" and english.low_confidence
