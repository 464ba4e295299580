"""The generated batch: deterministic, readable by our extractors, gold consistent with the files.

One small build (8 provinces, every non-scan variant, faults included) is shared by
the module; scans and .doc are checked on the committed samples (one OCR'd page
range, one LibreOffice conversion) to keep the file fast.
"""
from __future__ import annotations

import json
import random
import unicodedata
from collections import Counter

import pytest

from corpus.build import MIX_63, SAMPLE_FORMATS, SAMPLES_DIR, SAMPLES_GOLD, VARIANTS, build_batch, load_pool, plan_batch
from corpus.figures_gen import ProvinceFigures, format_vn, generate_figures, statistics_rows
from corpus.formats import legacy_runs, to_old_tone
from extractors import extract_file
from pipeline.errors import ExtractionError
from pipeline.labelled import load_split
from pipeline.provinces import PROVINCES
from pipeline.vietnamese import decode_tcvn3, decode_vni, normalize_text

BATCH_FORMATS = ["docx-autonum", "docx-typed", "pdf", "docx-tcvn3", "docx-vni", "docx-nfd", "docx-oldtone",
                 "docx-typed"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    manifest = build_batch(out, seed=7, provinces=8, formats=BATCH_FORMATS)
    documents = json.loads((out / "gold" / "documents.json").read_text(encoding="utf-8"))
    passages = [json.loads(line) for line in (out / "gold" / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    extracted = {}
    for entry in manifest.files:
        try:
            extracted[entry.file] = extract_file(out / entry.file)
        except ExtractionError as exc:
            extracted[entry.file] = exc
    return out, manifest, documents, passages, extracted


def _all_text(doc) -> str:
    parts = [b.numbered_text for b in doc.blocks]
    parts += [cell for b in doc.blocks if b.rows for row in b.rows for cell in row]
    return _squash("\n".join(parts))


def _squash(text: str) -> str:
    return " ".join(normalize_text(text).split())


def test_manifest_names_every_file_once_with_its_fault(batch):
    out, manifest, documents, _, _ = batch
    on_disk = sorted(p.name for p in out.iterdir() if p.is_file() and p.name != "manifest.json")
    assert sorted(e.file for e in manifest.files) == on_disk
    assert Counter(e.fault for e in manifest.files if e.fault) == {
        "empty": 1, "corrupt": 1, "duplicate": 1, "not-a-report": 2}
    assert Counter(e.variant for e in manifest.files if not e.fault) == Counter(BATCH_FORMATS)
    assert sorted(e.file for e in manifest.files if e.expect_error) == sorted(
        e.file for e in manifest.files if e.fault in ("empty", "corrupt"))
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in written["files"]] == [e.file for e in manifest.files]
    # gold has one entry per report (the duplicate included), none for non-reports
    assert sorted(d["file"] for d in documents) == sorted(
        e.file for e in manifest.files if e.fault in (None, "duplicate"))


def test_every_file_opens_with_our_extractors_and_faults_raise(batch):
    _, manifest, _, _, extracted = batch
    for entry in manifest.files:
        result = extracted[entry.file]
        if entry.expect_error:
            assert isinstance(result, ExtractionError), entry.file
        else:
            assert not isinstance(result, Exception), f"{entry.file}: {result}"
            assert result.format == entry.format, entry.file


def test_every_gold_figure_appears_in_its_document(batch):
    _, _, documents, _, extracted = batch
    checked = 0
    for gold in documents:
        text = _all_text(extracted[gold["file"]])
        for key, value in gold["figures"].items():
            assert format_vn(value) in text, (gold["file"], key, value)
            assert sum(gold["figures_by_year"][key].values()) == value
            checked += 1
        if gold["statistics_table"] != "none":
            for key, years in gold["figures_by_year"].items():
                for value in years.values():
                    assert format_vn(value) in text, (gold["file"], key, value)
    assert checked >= 8


def test_gold_header_fields_are_printed_in_the_document(batch):
    _, _, documents, _, extracted = batch
    for gold in documents:
        text = _all_text(extracted[gold["file"]])
        year, month, day = (int(x) for x in gold["date"].split("-"))
        assert f"Số: {gold['doc_number']}" in text, gold["file"]
        assert f"ngày {day:02d} tháng {month} năm {year}" in text, gold["file"]
        assert all(_squash(line) in text for line in gold["issuer"]), gold["file"]
        assert _squash(gold["province"].removeprefix("TP. ").upper()) in text.upper(), gold["file"]


def test_gold_passages_are_in_their_documents_whatever_the_encoding(batch):
    _, manifest, _, passages, extracted = batch
    formats = {e.file: e.format for e in manifest.files}
    encodings = Counter(p["encoding"] for p in passages)
    assert encodings["tcvn3"] > 0 and encodings["vni"] > 0
    texts = {name: _all_text(doc) for name, doc in extracted.items() if formats[name] == "docx"
             and not isinstance(doc, Exception)}
    missing = [(p["file"], p["text"][:60]) for p in passages
               if p["file"] in texts and _squash(p["text"]) not in texts[p["file"]]]
    assert len({p["file"] for p in passages if p["file"] in texts}) == 8  # 7 reports + the second one
    assert missing == []


def test_autonumbered_headings_print_the_gold_labels(batch):
    _, manifest, _, passages, extracted = batch
    auto = [e.file for e in manifest.files if e.variant == "docx-autonum"]
    assert len(auto) == 1
    headings = {_squash(b.numbered_text) for b in extracted[auto[0]].blocks if b.kind == "heading"}
    gold_headings = {_squash(h) for p in passages if p["file"] == auto[0] for h in p["heading_path"]}
    assert gold_headings and gold_headings <= headings


def test_passages_of_a_test_build_never_come_from_train_or_dev(batch):
    _, _, _, passages, _ = batch
    test_ids = {p.id for p in load_split("test")}
    other = load_split("train") + load_split("dev")
    other_ids, other_texts = {p.id for p in other}, {_squash(p.text) for p in other}
    drawn = [p for p in passages if not p["source_id"].startswith("generated:")]
    assert len(drawn) > 50
    for p in drawn:
        assert p["source_id"] in test_ids and p["source_id"] not in other_ids
        assert _squash(p["text"]) not in other_texts


def test_same_seed_same_bytes_and_gold(tmp_path):
    formats = ["docx-autonum", "docx-tcvn3", "docx-nfd"]
    for name in ("a", "b", "c"):
        build_batch(tmp_path / name, seed=11 if name != "c" else 12, provinces=3, formats=formats)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 3 + 1 + 4 + 3  # reports, second report, other faults, manifest + gold
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    gold = "gold/passages.jsonl"
    assert (tmp_path / "a" / gold).read_bytes() != (tmp_path / "c" / gold).read_bytes()


def test_full_batch_plan_covers_the_63_provinces_with_the_format_mix():
    built, _ = plan_batch(seed=1, provinces=63, pool=load_pool("test"))
    assert [plan.province.name for plan, _ in built] == [p.name for p in PROVINCES]
    assert Counter(plan.variant for plan, _ in built) == Counter(MIX_63)
    assert sum(MIX_63.values()) == 63
    for plan, report in built:
        bare = plan.province.name.removeprefix("TP. ")
        assert report.report.issuer[-1].endswith(bare.upper()) or report.report.issuer[0].endswith(bare.upper())
        assert report.report.place_date.startswith(("Thành phố " + bare, bare))
        assert report.gold.province == plan.province.name
    city_lines = [report.report.issuer[-1] for plan, report in built
                  if plan.province.kind == "thành phố" and plan.issuer_kind == "ubnd"]
    assert city_lines and all(line.startswith("THÀNH PHỐ ") for line in city_lines)


def test_samples_cover_every_format_and_open():
    gold = json.loads(SAMPLES_GOLD.read_text(encoding="utf-8"))
    entries = gold["manifest"]["files"]
    assert sorted(e["variant"] for e in entries) == sorted(SAMPLE_FORMATS)
    assert sum((SAMPLES_DIR / e["file"]).stat().st_size for e in entries) < 2_000_000
    for entry in entries:
        if entry["format"] not in ("pdf-ocr", "doc"):
            continue  # docx and text PDF are covered by the batch above
        doc = extract_file(SAMPLES_DIR / entry["file"])
        assert doc.format == entry["format"]
        document = next(d for d in gold["documents"] if d["file"] == entry["file"])
        text = _all_text(doc)
        assert [k for k, v in document["figures"].items() if format_vn(v) not in text] == []


def test_statistics_rows_total_is_the_exact_sum():
    figures = generate_figures(random.Random(3), big_city=False)
    rows = statistics_rows(figures, ["fines", "budget"])
    assert rows[0] == ["Năm", "Tiền xử phạt (triệu đồng)", "Kinh phí (triệu đồng)"]
    assert [r[0] for r in rows[1:]] == ["2016", "2017", "2018", "2019", "2020", "Tổng cộng"]
    fixed = ProvinceFigures({"fines": {2016: 1200, 2017: 5, 2018: 0, 2019: 30, 2020: 1000}})
    assert statistics_rows(fixed, ["fines"])[-1] == ["Tổng cộng", "2.235"]
    assert format_vn(1234567) == "1.234.567"


def test_quirk_transforms_round_trip():
    text = "Ủy ban hòa nhập, thủy sản, quý, khỏe, hoàn thành: Ở đâu 1.234 lượt."
    assert to_old_tone(text) == "Uỷ ban hoà nhập, thuỷ sản, quý, khoẻ, hoàn thành: Ở đâu 1.234 lượt."
    assert normalize_text(to_old_tone(text)) == text
    tcvn3 = legacy_runs(text, "tcvn3")
    assert {font for _, font in tcvn3} == {".VnTime", ".VnTimeH"}
    decoded = "".join(decode_tcvn3(t, uppercase_font=f == ".VnTimeH") for t, f in tcvn3)
    assert decoded == text
    assert [(decode_vni(t), f) for t, f in legacy_runs(text, "vni")] == [(text, "VNI-Times")]
    assert unicodedata.is_normalized("NFC", text)
    assert legacy_runs(text, "unicode") == [(text, None)]
    assert set(VARIANTS) == set(MIX_63)
