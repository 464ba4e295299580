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

# --- review -----------------------------------------------------------------

# --- draft ------------------------------------------------------------------

# --- run, status ------------------------------------------------------------


if __name__ == "__main__":
    main()
