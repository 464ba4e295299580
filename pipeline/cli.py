"""tongket's command line: a thin click shell over the library.

Each command parses its arguments, calls one library function and prints the
result in Vietnamese. User mistakes arrive as ReportError and are printed
without a traceback.
"""
from __future__ import annotations

import sys

import click

from . import __version__
from .errors import ReportError


class TongketGroup(click.Group):
    """Turns ReportError into a one-line Vietnamese message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ReportError as exc:
            click.echo(f"Lỗi: {exc.render()}", err=True)
            sys.exit(2)


@click.group(cls=TongketGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tongket")
def main():
    """tongket — tổng hợp báo cáo tổng kết của 63 tỉnh, thành phố thành dự thảo báo cáo toàn quốc."""


# --- taxonomy ---------------------------------------------------------------

@main.command("taxonomy")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def taxonomy_cmd(taxonomy_path):
    """In danh mục lĩnh vực và loại nội dung đang dùng."""
    from .taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy_path)
    click.echo(f"Kỳ tổng kết: {tax.cycle.get('id', '')} — {tax.cycle.get('program', '')}")
    click.echo("Lĩnh vực:")
    for area in tax.areas:
        click.echo(f"  {area.code:<5} {area.name}")
    click.echo("Loại nội dung:")
    for finding in tax.findings:
        click.echo(f"  {finding.code:<12} {finding.name}")
    click.echo(f"Ngưỡng độ tin cậy thấp: {tax.low_confidence}")


# --- extract ----------------------------------------------------------------

# --- corpus -----------------------------------------------------------------

# --- classify: train, label, eval -------------------------------------------

@main.command("train")
@click.option("--with-corrections", "with_corrections", is_flag=True,
              help="Gộp các hiệu chỉnh của biên tập viên trong không gian làm việc vào dữ liệu huấn luyện.")
@click.option("-w", "--workspace", type=click.Path(file_okay=True), help="Thư mục hoặc tệp tongket.sqlite.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Nơi lưu mô hình (mặc định: mô hình đi kèm gói).")
def train_cmd(with_corrections, workspace, out_dir):
    """Huấn luyện lại mô hình phân loại từ corpus/passages (và hiệu chỉnh của biên tập viên)."""
    from .learning import train_model

    meta = train_model(out_dir=out_dir, workspace=workspace if with_corrections else None,
                       require_workspace=with_corrections, log=click.echo)
    click.echo(f"Đã lưu mô hình phiên bản {meta['version']} (vòng tốt nhất {meta['best_epoch']}, "
               f"{meta['train_size']} đoạn huấn luyện) vào {meta['path']}")


@main.command("label")
@click.argument("in_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False), required=True,
              help="Tệp JSONL kết quả.")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), help="Thư mục mô hình khác.")
def label_cmd(in_file, out_file, model_dir):
    """Gán lĩnh vực và loại nội dung cho từng dòng {"id", "text", "heading"} của IN_FILE."""
    from .labelling import label_jsonl

    count, low = label_jsonl(in_file, out_file, model_dir=model_dir)
    click.echo(f"Đã gán nhãn {count} đoạn ({low} đoạn độ tin cậy thấp) → {out_file}")


@main.command("eval")
@click.argument("gold_file", type=click.Path(dir_okay=False))
@click.option("--model", "model_dir", type=click.Path(file_okay=False), help="Thư mục mô hình khác.")
@click.option("--baseline/--no-baseline", default=True, help="In kèm kết quả của phương pháp từ khóa.")
@click.option("-w", "--workspace", type=click.Path(), help="Đánh giá thêm trên các đoạn đã được biên tập viên hiệu chỉnh.")
def eval_cmd(gold_file, model_dir, baseline, workspace):
    """Đánh giá mô hình trên tệp có nhãn: P/R/F1 từng lớp, macro-F1, ma trận nhầm lẫn."""
    from .labelling import evaluate_file

    click.echo(evaluate_file(gold_file, model_dir=model_dir, baseline=baseline, workspace=workspace))


# --- review -----------------------------------------------------------------

# --- draft ------------------------------------------------------------------

# --- run, status ------------------------------------------------------------


if __name__ == "__main__":
    main()
