"""What the draft remembers of each sentence between runs (pipeline.memo) changes nothing in it."""
from __future__ import annotations

from pipeline.draft import prepare
from pipeline.memo import Memo
from pipeline.model import Label, Passage
from pipeline.workspace import Workspace

TEXTS = {
    "Nghệ An": ["Trên địa bàn tỉnh Nghệ An đã kiểm tra 326 lượt cơ sở kinh doanh dịch vụ, phát hiện 41 cơ sở vi phạm.",
                "UBND tỉnh đã ban hành kế hoạch thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020."],
    "Cà Mau": ["Trên địa bàn tỉnh Cà Mau đã kiểm tra 120 lượt cơ sở kinh doanh dịch vụ, phát hiện 9 cơ sở vi phạm.",
               "UBND tỉnh đã ban hành kế hoạch thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020."],
}


def build(folder) -> Workspace:
    ws = Workspace.open(folder)
    for n, (province, texts) in enumerate(TEXTS.items()):
        sha = str(n) * 64
        passages = [Passage(id=f"{n}:{i}", text=t, heading_path=[], sentences=[t], source=f"{n}.docx", doc_sha256=sha,
                            province=province, block_index=i, paragraph=i) for i, t in enumerate(texts, start=1)]
        ws.replace_passages(sha, passages)
        ws.store_labels([Label(p.id, "1.4", "ket_qua", 0.9, 0.9, model_version="m1") for p in passages])
        ws.upsert_file(f"{n}.docx", sha, format="docx", province=province, passages=len(passages))
    return ws


def test_a_draft_from_remembered_results_is_the_draft_computed_afresh(tmp_path):
    with build(tmp_path / "ws") as ws:
        fresh = prepare(ws, memo=Memo(), chosen=set())
        first = Memo(ws)
        assert prepare(ws, memo=first, chosen=set()).draft == fresh.draft
        assert {key.split(":")[0] for key in first.new} == {"features", "generalise", "figures"}
        ws.store_memo(first.new)
        again = Memo(ws)
        assert prepare(ws, memo=again, chosen=set()).draft == fresh.draft
        assert again.new == {}  # everything came from the workspace


def test_a_new_version_of_the_code_remembers_anew(tmp_path):
    with build(tmp_path / "ws") as ws:
        memo = Memo(ws)
        memo.function("features", "v1").get(("Nghệ An", "câu"), lambda: ["câu"])
        ws.store_memo(memo.new)
        calls = []
        assert Memo(ws).function("features", "v1").get(("Nghệ An", "câu"), lambda: calls.append(1)) == ["câu"]
        assert Memo(ws).function("features", "v2").get(("Nghệ An", "câu"), lambda: calls.append(1) or ["khác"]) == [
            "khác"]
        assert calls == [1]


def test_storing_a_new_version_drops_the_old_one_and_keeps_other_functions(tmp_path):
    with build(tmp_path / "ws") as ws:
        for name, version in (("features", "v1"), ("figures", "v1"), ("features", "v2")):
            memo = Memo(ws)
            memo.function(name, version).get(("Nghệ An", "câu"), lambda: [version])
            ws.store_memo(memo.new)
        assert Memo(ws).function("features", "v1").memo.known == {}
        assert Memo(ws).function("figures", "v1").get(("Nghệ An", "câu"), lambda: ["tính lại"]) == ["v1"]
        assert Memo(ws).function("features", "v2").get(("Nghệ An", "câu"), lambda: ["tính lại"]) == ["v2"]
