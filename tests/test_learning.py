"""Editors' corrections fold into training; the workspace keeps them whatever the model does."""
from click.testing import CliRunner

from pipeline import learning
from pipeline.cli import main
from pipeline.labelled import load_split
from pipeline.model import Correction, Label, Passage
from pipeline.workspace import Workspace

SHA = "c" * 64
TEXT = "Kinh phí cấp cho đội kiểm tra liên ngành cấp huyện chỉ đủ chi xăng xe, không có tiền bồi dưỡng."


def _workspace(tmp_path):
    p = Passage(id="c1", text=TEXT, heading_path=["II. Tồn tại"], sentences=[TEXT], source="x.docx",
                doc_sha256=SHA, province="Nghệ An", page=3, block_index=7, paragraph=7)
    other = Passage(id="c2", text="Đã tổ chức 12 hội nghị tập huấn.", sentences=["Đã tổ chức 12 hội nghị tập huấn."],
                    source="x.docx", doc_sha256=SHA, province="Nghệ An", block_index=8, paragraph=8)
    with Workspace.open(tmp_path / "ws") as ws:
        ws.replace_passages(SHA, [p, other])
        ws.store_labels([Label("c1", "1.4", "ket_qua", 0.4, 0.4, model_version="m0"),
                         Label("c2", "1.3", "ket_qua", 0.9, 0.9, model_version="m0")])
        ws.add_corrections([Correction("c1", "area", "1.4", "1.7", editor="Hà"),
                            Correction("c1", "finding", "ket_qua", "ton_tai", editor="Hà")])
    return tmp_path / "ws"


def test_corrected_items_carry_the_editors_labels(tmp_path):
    items = learning.corrected_items(str(_workspace(tmp_path)))
    assert [(i.text, i.area, i.finding, i.heading) for i in items] == [(TEXT, "1.7", "ton_tai", "II. Tồn tại")]


def test_training_with_corrections_adds_them_and_keeps_the_workspace(tmp_path, monkeypatch):
    ws_path = _workspace(tmp_path)
    small = {name: load_split(name)[:60] for name in ("train", "dev")}
    monkeypatch.setattr(learning, "load_split", lambda name: small[name])
    meta = learning.train_model(out_dir=str(tmp_path / "model"), workspace=str(ws_path), log=lambda *a: None)
    assert meta["train_size"] == 60 + 3 + 60  # train + the correction (weighted 3), then refit with dev
    assert (tmp_path / "model" / "config.cfg").exists()
    with Workspace.open(ws_path, readonly=True) as ws:
        assert [(c.field, c.new_value) for c in ws.corrections()] == [("area", "1.7"), ("finding", "ton_tai")]


def test_with_corrections_needs_a_workspace():
    result = CliRunner().invoke(main, ["train", "--with-corrections"])
    assert result.exit_code == 2
    assert "cần chỉ rõ không gian làm việc" in result.output


def test_before_and_after_table_lists_every_set():
    from pipeline.learning import before_and_after

    table = before_and_after({"dev": (0.7, 0.8)}, {"dev": (0.72, 0.81), "đoạn đã hiệu chỉnh": (1.0, 1.0)})
    lines = table.splitlines()
    assert lines[1].split() == ["dev", "0.700", "/", "0.800", "0.720", "/", "0.810"]
    assert lines[2].split() == ["đoạn", "đã", "hiệu", "chỉnh", "—", "1.000", "/", "1.000"]
