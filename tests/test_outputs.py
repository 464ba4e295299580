"""A run rewrites an output only when what it shows changed, and never leaves one stale.

Each test runs the batch in-process on two short reports (one worker: no process pool), then
changes one thing and checks which outputs were written again (pipeline.outputs).
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

import hostile
from pipeline.model import Correction
from pipeline.outputs import DRAFT, EXCERPTS, HEATMAP, NAMES, OUTPUT_STATE, PROCESSING, WORKBOOK
from pipeline.review import import_workbook
from pipeline.run import run_batch
from pipeline.workspace import Workspace

PROVINCES = ("Lào Cai", "Cao Bằng")


def digests(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in NAMES}


def rewritten(before: dict[str, str], out: Path) -> set[str]:
    after = digests(out)
    return {name for name in NAMES if after[name] != before[name]}


def book_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    inbox = root / "hop-thu"
    inbox.mkdir()
    for province in PROVINCES:
        hostile.short_report(inbox / f"{province}.docx", province=province)
    out = root / "ket-qua"
    run_batch(inbox, out, workers=1)
    return inbox, out


@pytest.fixture
def batch(first_run, tmp_path):
    """A private copy of the first run: (input folder, output folder)."""
    inbox, out = first_run
    mine = tmp_path / "ket-qua"
    shutil.copytree(out, mine)
    return inbox, mine


def correct(out: Path, field: str, value: str) -> str:
    with Workspace.open(out) as ws:
        passage = ws.passages()[0]
        ws.add_corrections([Correction(passage.id, field, None, value, editor="Lan")])
    return passage.id


def test_a_run_that_changed_nothing_rewrites_nothing(batch):
    inbox, out = batch
    before = digests(out)
    summary = run_batch(inbox, out, workers=1)
    assert not summary.outputs_written
    assert rewritten(before, out) == set()


def test_a_note_rewrites_the_books_that_show_it_not_the_heatmap_nor_the_processing_report(batch):
    inbox, out = batch
    before = digests(out)
    correct(out, "note", "Cần đối chiếu số liệu")
    summary = run_batch(inbox, out, workers=1)
    assert summary.outputs_written
    changed = rewritten(before, out)
    assert {WORKBOOK, EXCERPTS} <= changed
    assert HEATMAP not in changed and PROCESSING not in changed
    assert "Ghi chú biên tập: Cần đối chiếu số liệu" in book_text(out / EXCERPTS)


def test_an_area_correction_redraws_the_heatmap_and_the_draft_that_embeds_it(batch):
    inbox, out = batch
    before = digests(out)
    with Workspace.open(out) as ws:
        passage = ws.passages()[0]
        area = next(lab.area for lab in ws.labels()[passage.id])
    correct(out, "area", "1.8" if area != "1.8" else "1.2")
    run_batch(inbox, out, workers=1)
    assert {HEATMAP, DRAFT, WORKBOOK, EXCERPTS} <= rewritten(before, out)


def test_an_output_deleted_or_edited_is_written_again_though_nothing_changed(batch):
    inbox, out = batch
    before = digests(out)
    (out / HEATMAP).unlink()
    (out / EXCERPTS).write_bytes(b"not the excerpt book")
    summary = run_batch(inbox, out, workers=1)
    assert summary.outputs_written
    assert digests(out)[HEATMAP] == before[HEATMAP]  # drawn again, the same picture
    assert Document(out / EXCERPTS).paragraphs
    assert any(n.startswith(f"{EXCERPTS} đã được sửa") for n in summary.notices)  # the edited one was kept
    assert len(list(out.glob("trich-doan.da-sua-*.docx"))) == 1


def test_a_replaced_report_rewrites_the_outputs_in_the_output_workers(batch):
    inbox, out = batch
    mine = inbox.parent / "hop-thu-moi"
    shutil.copytree(inbox, mine)
    news = "Năm 2020, tỉnh đã tổ chức thêm 37 đợt kiểm tra liên ngành tại các cơ sở kinh doanh dịch vụ lưu trú."
    hostile.short_report(mine / f"{PROVINCES[0]}.docx", province=PROVINCES[0], extra_paragraphs=(news,))
    before = digests(out)
    summary = run_batch(mine, out, workers=2)
    assert summary.newly_extracted == 1
    assert {WORKBOOK, EXCERPTS, DRAFT, PROCESSING} <= rewritten(before, out)
    assert news in book_text(out / EXCERPTS)
    rows = load_workbook(out / WORKBOOK, read_only=True)["Rà soát"].iter_rows(min_row=2, values_only=True)
    assert news in {row[5] for row in rows}
    assert not run_batch(mine, out, workers=2).outputs_written  # and the state recorded is right


# --- the review workbook an editor edited --------------------------------------------------

def edit_workbook(out: Path, area: str = "1.4") -> None:
    wb = load_workbook(out / WORKBOOK)
    wb["Rà soát"]["J2"].value = area
    wb.save(out / WORKBOOK)


def test_a_workbook_whose_edits_were_imported_is_not_kept_as_a_copy(batch):
    inbox, out = batch
    edit_workbook(out)
    with Workspace.open(out) as ws:
        assert import_workbook(ws, out / WORKBOOK, editor="Lan").applied == 1
    summary = run_batch(inbox, out, workers=1)
    assert list(out.glob("ra-soat.da-sua-*.xlsx")) == []
    assert not any(WORKBOOK in n for n in summary.notices)
    assert load_workbook(out / WORKBOOK)["Rà soát"]["J2"].value.startswith("1.4 - ")  # rewritten with the edit


def test_a_workbook_with_edits_not_imported_is_kept_so_nothing_is_lost(batch):
    inbox, out = batch
    edit_workbook(out)
    summary = run_batch(inbox, out, workers=1)
    [kept] = out.glob("ra-soat.da-sua-*.xlsx")
    assert load_workbook(kept)["Rà soát"]["J2"].value == "1.4"
    assert any(kept.name in n and "tongket review import" in n for n in summary.notices)
    assert load_workbook(out / WORKBOOK)["Rà soát"]["J2"].value is None  # the new export has no edit yet


def test_a_workbook_that_cannot_be_read_is_kept(batch):
    inbox, out = batch
    (out / WORKBOOK).write_bytes(b"PK\x03\x04 not a workbook")
    run_batch(inbox, out, workers=1)
    assert len(list(out.glob("ra-soat.da-sua-*.xlsx"))) == 1


def test_the_state_records_each_output_and_what_it_shows(batch):
    import json

    _, out = batch
    state = json.loads((out / OUTPUT_STATE).read_text(encoding="utf-8"))
    assert set(state["hashes"]) == set(NAMES) == set(state["inputs"])
    assert state["hashes"] == digests(out)
