import sqlite3
import uuid

import pytest

from pipeline.errors import WorkspaceError
from pipeline.model import Block, Correction, Document, Label, Metadata, Passage
from pipeline.workspace import NEEDS_REVIEW, EditorState, Workspace, normalise_text

SHA_A = "a" * 64
SHA_B = "b" * 64


def passage(sha, index, text, province="Nghệ An", source="nghe-an.docx", sentences=None):
    return Passage(id=f"{sha[:8]}:{index}", text=text, heading_path=["I. Kết quả", "1. Tuyên truyền"],
                   sentences=sentences or [text], source=source, doc_sha256=sha, province=province,
                   page=2, block_index=index, paragraph=index)


def label(p, area, finding, version="m1", confidence=0.9, span=None, text=""):
    return Label(p.id, area, finding, confidence, confidence, area_scores=[(area, confidence), ("1.9", 0.05)],
                 finding_scores=[(finding, confidence)], text=text or p.text, sentence_span=span,
                 model_version=version)


REPORT_A = [
    passage(SHA_A, 3, "Đã tổ chức 120 buổi tuyên truyền tại xã, phường."),
    passage(SHA_A, 4, "Kinh phí dành cho công tác phòng, chống mại dâm còn hạn chế."),
    passage(SHA_A, 5, "Đội kiểm tra liên ngành đã kiểm tra 310 lượt cơ sở."),
]


def filled(tmp_path):
    ws = Workspace.open(tmp_path / "ws")
    ws.replace_passages(SHA_A, REPORT_A)
    ws.store_labels([label(REPORT_A[0], "1.3", "ket_qua"), label(REPORT_A[1], "1.7", "ton_tai", confidence=0.4),
                     label(REPORT_A[2], "1.1", "ket_qua")])
    return ws


def fix(passage_id, fld, value, editor="Lan"):
    return Correction(passage_id, fld, None, value, editor=editor)


def test_new_workspace_has_versioned_schema_wal_foreign_keys_and_a_batch_id(tmp_path):
    with Workspace.open(tmp_path / "ws") as ws:
        batch = ws.batch_id
        assert ws.schema_version == 2
        assert ws._one("PRAGMA journal_mode") == "wal"
        assert ws._one("PRAGMA foreign_keys") == 1
        assert str(uuid.UUID(batch)) == batch
    assert (tmp_path / "ws" / "tongket.sqlite").exists()
    with Workspace.open(tmp_path / "ws", readonly=True) as ws:
        assert ws.batch_id == batch


def test_document_is_cached_by_hash(tmp_path):
    doc = Document("nghe-an.docx", SHA_A, "docx", Metadata(province="Nghệ An", doc_number="215/BC-UBND"),
                   [Block("heading", "Kết quả", index=0, number="I.", level=1, page=1),
                    Block("table", "", index=1, rows=[["Năm", "Số vụ"], ["2016", "12"]])],
                   warnings=["trang 3 không có chữ"], pages=4)
    with Workspace.open(tmp_path / "ws") as ws:
        ws.store_document(doc)
        assert ws.cached_document(SHA_A) == doc
        assert ws.cached_document(SHA_B) is None


def test_passages_and_labels_round_trip(tmp_path):
    two = passage(SHA_A, 7, "Đã xử phạt 40 cơ sở. Tuy nhiên lực lượng còn mỏng.",
                  sentences=["Đã xử phạt 40 cơ sở.", "Tuy nhiên lực lượng còn mỏng."])
    with Workspace.open(tmp_path / "ws") as ws:
        ws.replace_passages(SHA_A, [two])
        spans = [label(two, "1.4", "ket_qua", span=(0, 1), text="Đã xử phạt 40 cơ sở."),
                 label(two, "1.7", "ton_tai", span=(1, 2), text="Tuy nhiên lực lượng còn mỏng.")]
        ws.store_labels(spans)
        assert ws.passages() == [two]
        assert ws.labels() == {two.id: spans}
        assert ws.has_labels(two.id, "m1") and not ws.has_labels(two.id, "m2")


def test_labels_for_an_unknown_passage_are_refused(tmp_path):
    with Workspace.open(tmp_path / "ws") as ws:
        with pytest.raises(WorkspaceError, match="không có đoạn mã «x:1»"):
            ws.store_labels([Label("x:1", "1.1", "khac", 0.5, 0.5)])


def test_storing_again_replaces_the_set_of_that_model_version_only(tmp_path):
    with filled(tmp_path) as ws:
        first = REPORT_A[0]
        ws.store_labels([label(first, "1.1", "khac")])
        assert [(lab.area, lab.model_version) for lab in ws.labels()[first.id]] == [("1.1", "m1")]
        ws.store_labels([label(first, "1.3", "ket_qua", version="m2")])
        assert [(lab.area, lab.model_version) for lab in ws.labels()[first.id]] == [("1.3", "m2")]
        assert [lab.area for lab in ws.labels("m1")[first.id]] == ["1.1"]
        assert ws.model_versions() == ["m1", "m2"]


def test_corrections_override_the_model_and_excluded_passages_are_dropped(tmp_path):
    with filled(tmp_path) as ws:
        ws.add_corrections([fix(REPORT_A[2].id, "area", "1.4"), fix(REPORT_A[1].id, "excluded", "x"),
                            fix(REPORT_A[0].id, "note", "trùng với đoạn khác")])
        effective = [(p.id, lab.area, lab.finding, lab.area_confidence) for p, lab in ws.effective_labels()]
        assert effective == [(REPORT_A[0].id, "1.3", "ket_qua", 0.9), (REPORT_A[2].id, "1.4", "ket_qua", 1.0)]
        assert ws.editor_states() == {
            REPORT_A[0].id: EditorState(note="trùng với đoạn khác"),
            REPORT_A[1].id: EditorState(excluded=True),
            REPORT_A[2].id: EditorState(area="1.4"),
        }
        assert [(p.id, a, f) for p, a, f in ws.corrected_passages()] == [(REPORT_A[2].id, "1.4", "ket_qua")]


def test_a_later_correction_wins_and_history_is_append_only(tmp_path):
    with filled(tmp_path) as ws:
        pid = REPORT_A[1].id
        ws.add_corrections([Correction(pid, "excluded", None, "x", "Lan", at="2020-09-01T08:00:00+00:00")])
        ws.add_corrections([Correction(pid, "excluded", "x", None, "Minh", at="2020-09-02T08:00:00+00:00")])
        assert [(c.editor, c.new_value) for c in ws.corrections(pid)] == [("Lan", "x"), ("Minh", None)]
        assert [p.id for p, _ in ws.effective_labels()] == [r.id for r in REPORT_A]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ws._conn.execute("DELETE FROM corrections")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ws._conn.execute("UPDATE corrections SET new_value = 'y'")


def test_corrections_survive_a_rerun_of_extraction_and_classification(tmp_path):
    with filled(tmp_path) as ws:
        ws.add_corrections([fix(REPORT_A[2].id, "area", "1.4")])
        ws.replace_passages(SHA_A, REPORT_A)
        ws.store_labels([label(p, "1.1", "khac", version="m2") for p in REPORT_A])
        effective = [(lab.area, lab.finding) for _, lab in ws.effective_labels()]
        assert effective == [("1.1", "khac"), ("1.1", "khac"), ("1.4", "khac")]
        assert len(ws.corrections()) == 1 and ws.flagged() == []


def test_replaced_report_keeps_corrections_of_unchanged_text_and_flags_the_rest(tmp_path):
    with filled(tmp_path) as ws:
        ws.upsert_file("nghe-an.docx", SHA_A, format="docx", province="Nghệ An", passages=3)
        ws.add_corrections([fix(REPORT_A[0].id, "finding", "de_xuat"), fix(REPORT_A[1].id, "area", "1.9")])
        # The province sends a new version: first text kept (new spacing), second reworded.
        report_b = [
            passage(SHA_B, 2, "Đã tổ chức  120 buổi tuyên truyền tại xã,phường."),
            passage(SHA_B, 3, "Kinh phí cho phòng, chống mại dâm vẫn còn ít."),
        ]
        ws.upsert_file("nghe-an.docx", SHA_B, format="docx", province="Nghệ An", passages=2)
        ws.replace_passages(SHA_B, report_b)
        ws.store_labels([label(p, "1.1", "ket_qua") for p in report_b])
        assert [p.id for p in ws.passages()] == [report_b[0].id, report_b[1].id]
        assert ws.editor_states() == {report_b[0].id: EditorState(finding="de_xuat")}
        flagged = ws.flagged()
        assert [(f.passage.id, f.flag, f.replaced, [c.new_value for c in f.corrections]) for f in flagged] == [
            (REPORT_A[1].id, NEEDS_REVIEW, True, ["1.9"])]
        assert len(ws.corrections()) == 3  # two originals, one carried copy
        assert ws.status()["needs_review"] == 1


def test_corrections_do_not_follow_text_into_another_province(tmp_path):
    with filled(tmp_path) as ws:
        ws.add_corrections([fix(REPORT_A[0].id, "area", "1.1")])
        twin = passage(SHA_B, 3, REPORT_A[0].text, province="Hà Tĩnh", source="ha-tinh.docx")
        ws.replace_passages(SHA_B, [twin], replaces=[SHA_A])
        assert ws.editor_states() == {}
        assert [f.passage.id for f in ws.flagged()] == [REPORT_A[0].id]


def test_normalised_text_ignores_case_spacing_punctuation_and_tone_style():
    assert normalise_text("Hoà nhập  cộng đồng, THUỶ sản.") == normalise_text("hòa nhập cộng đồng thủy sản")
    assert normalise_text("Hoà nhập") == "hòa nhập"
    assert normalise_text("hoàn thành") == "hoàn thành"


def test_runs_and_status(tmp_path):
    with filled(tmp_path) as ws:
        ws.upsert_file("nghe-an.docx", SHA_A, format="docx", province="Nghệ An", pages=4, passages=3)
        ws.upsert_file("ha-tinh.pdf", None, format="pdf", status="failed", error="tệp bị hỏng")
        run = ws.start_run()
        ws.finish_run(run, {"files": 2, "passages": 3})
        ws.add_corrections([fix(REPORT_A[1].id, "excluded", "x"), fix(REPORT_A[2].id, "area", "1.4")])
        status = ws.status()
        assert {k: v for k, v in status.items() if k not in ("workspace", "batch_id", "last_run")} == {
            "schema_version": 2, "files": {"ok": 1, "failed": 1, "skipped": 0}, "documents": 1, "provinces": 1, "passages": 3,
            "labelled_passages": 3, "model_versions": ["m1"], "corrections": 2, "corrected_passages": 1,
            "excluded_passages": 1, "needs_review": 0,
        }
        assert status["last_run"]["stats"] == {"files": 2, "passages": 3}
        assert [(f.path, f.status, f.error) for f in ws.files()] == [
            ("ha-tinh.pdf", "failed", "tệp bị hỏng"), ("nghe-an.docx", "ok", None)]


def test_read_only_open_needs_an_existing_workspace_and_refuses_writes(tmp_path):
    with pytest.raises(WorkspaceError, match="không tìm thấy cơ sở dữ liệu"):
        Workspace.open(tmp_path / "none", readonly=True)
    Workspace.open(tmp_path / "ws").close()
    with Workspace.open(tmp_path / "ws", readonly=True) as ws:
        with pytest.raises(WorkspaceError, match="chỉ đọc"):
            ws.start_run()


def test_a_workspace_from_a_newer_tongket_is_refused(tmp_path):
    Workspace.open(tmp_path / "ws").close()
    conn = sqlite3.connect(tmp_path / "ws" / "tongket.sqlite")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(WorkspaceError, match="phiên bản tongket mới hơn"):
        Workspace.open(tmp_path / "ws")
