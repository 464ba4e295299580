"""Training: the normalised n-gram architecture, per-head epochs, reproducibility, reload."""
import numpy as np
import pytest
import spacy

from pipeline import spacy_tokenizer, textcat_model  # noqa: F401  (registered for spacy.load)
from pipeline.labelled import LabelledPassage
from pipeline.taxonomy import load_taxonomy
from pipeline.textcat_model import extract_normalised_ngrams, extract_tfidf_ngrams, fit_idf
from pipeline.train import TrainConfig, _fit, train

TEXTS = {
    ("1.3", "ket_qua"): "Đã tổ chức {n} buổi tuyên truyền về phòng, chống mại dâm cho đoàn viên thanh niên.",
    ("1.4", "ton_tai"): "Công tác kiểm tra {n} cơ sở kinh doanh dịch vụ còn hình thức, xử phạt chưa nghiêm.",
    ("1.7", "de_xuat"): "Đề nghị bố trí kinh phí {n} triệu đồng cho hoạt động hỗ trợ người bán dâm.",
}


def _items(count: int) -> list[LabelledPassage]:
    return [LabelledPassage(id=f"t{area}{n}", text=text.format(n=n + 2), area=area, finding=finding)
            for n in range(count) for (area, finding), text in TEXTS.items()]


def test_each_distinct_lowercased_ngram_counts_once_and_the_vector_has_unit_length():
    nlp = spacy.blank("xx")
    docs = [nlp.make_doc("Kiểm tra kiểm tra cơ sở"), nlp.make_doc("")]
    (keys, vals, lengths), _ = extract_normalised_ngrams(2)(docs, is_train=False)
    # "kiểm tra kiểm tra cơ sở": unigrams kiểm, tra, cơ, sở; bigrams kiểm tra, tra kiểm, tra cơ, cơ sở
    assert list(lengths) == [8, 0]
    assert len(set(keys.tolist())) == 8
    assert np.isclose(float((vals ** 2).sum()), 1.0)


@pytest.mark.parametrize("area_arch,finding_arch", [("bow", "normbow"), ("normbow", "bow"), ("dual", "normbow"), ("tfidf", "tfidf")])
def test_trained_model_reloads_with_identical_scores(tmp_path, area_arch, finding_arch):
    cfg = TrainConfig(area_architecture=area_arch, finding_architecture=finding_arch, epochs=3, patience=1)
    meta = train(_items(8), _items(3)[:6], out_dir=tmp_path / "m", cfg=cfg, log=lambda *a: None)
    assert set(meta["best_epoch"]) == {"area", "finding"}
    assert all(1 <= e <= 3 for e in meta["best_epoch"].values())
    text = "Đề nghị bố trí kinh phí 90 triệu đồng cho hoạt động hỗ trợ người bán dâm."
    doc = spacy.load(tmp_path / "m")(text)
    assert max(doc.cats, key=lambda c: doc.cats[c] if c.startswith("1.") else -1) == "1.7"
    assert doc.cats == spacy.load(tmp_path / "m")(text).cats


def test_tfidf_weighs_rare_ngrams_above_common_ones_and_has_unit_length():
    nlp = spacy.blank("xx")
    train_docs = [nlp.make_doc(t) for t in ("kinh phí còn thiếu", "kinh phí được cấp", "kinh phí tuyên truyền",
                                            "tuyên truyền còn ít")]
    extractor = extract_tfidf_ngrams(1)
    fit_idf(extractor, train_docs)
    (keys, vals, lengths), _ = extractor([nlp.make_doc("kinh phí tuyên truyền mới"), nlp.make_doc("")],
                                         is_train=False)
    assert list(lengths) == [5, 0]
    weight = dict(zip(keys.tolist(), vals.tolist()))
    key = {w: nlp.vocab.strings[w] for w in ("kinh", "tuyên", "mới")}
    assert np.isclose(sum(v * v for v in weight.values()), 1.0)
    # "kinh" is in 3 of 4 passages, "tuyên" in 2, "mới" in none (and rarer still than df < 2)
    assert weight[key["kinh"]] < weight[key["tuyên"]] < weight[key["mới"]]


def test_the_idf_table_is_saved_with_the_model(tmp_path):
    cfg = TrainConfig(area_architecture="tfidf", finding_architecture="tfidf", epochs=2, patience=1)
    nlp, _, _ = _fit(_items(6), cfg, load_taxonomy(), {"area": 2, "finding": 2}, log=lambda *a: None)
    text = "Đề nghị bố trí kinh phí 90 triệu đồng cho hoạt động hỗ trợ người bán dâm."
    nlp.to_disk(tmp_path / "m")
    reloaded = spacy.load(tmp_path / "m")
    extractors = [n for n in reloaded.get_pipe("area").model.walk() if n.name == "extract_tfidf_ngrams"]
    assert extractors and len(extractors[0].attrs["idf_keys"]) > 0
    assert reloaded(text).cats == nlp(text).cats


def test_a_head_stops_after_patience_epochs_without_improvement():
    seen = []
    cfg = TrainConfig(epochs=30, patience=2)
    _fit(_items(6), cfg, load_taxonomy(), {"area": 30, "finding": 30}, _items(2), log=seen.append)
    # A trivially separable set is learnt at once: every head stops long before 30 epochs.
    assert 0 < len(seen) < 10
