"""The coverage heatmap (bao-phu.png) drawn with Pillow.

One row per province, one column per area, the count in each cell, the YlGnBu colour scale
with its colour bar, provinces that sent no report in grey. The layout is the one the
matplotlib version had (11 in wide, 0.27 in per province plus 3.2 in, 110 dpi, DejaVu Sans 9 pt,
area names at the top turned 50°), drawn directly: importing and laying out matplotlib took
most of a second and drawing its 700 text objects two more.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

DPI = 110
WIDTH_IN, ROW_IN, EXTRA_IN = 11, 0.27, 3.2
LEFT, RIGHT, TOP_IN, BOTTOM_IN = 0.25, 0.85, 2.4, 0.25  # axes margins (fractions, inches)
BAR_FRACTION, BAR_PAD, BAR_ASPECT = 0.03, 0.02, 20  # colour bar, as matplotlib's colorbar()
FONT_PT, CELL_PT, TITLE_PT = 9, 7, 10.8
TICK_PT, PAD_PT, TITLE_PAD_PT, LABEL_PAD_PT = 3.5, 3.5, 12, 4
MISSING_GREY, LABEL_GREY = (0xD9, 0xD9, 0xD9), (0x80, 0x80, 0x80)
# ColorBrewer YlGnBu, nine classes (matplotlib's "YlGnBu"), interpolated over 256 steps
YLGNBU = ((255, 255, 217), (237, 248, 177), (199, 233, 180), (127, 205, 187), (65, 182, 196),
          (29, 145, 192), (34, 94, 168), (37, 52, 148), (8, 29, 88))
STEPS = 256


def px(points: float) -> float:
    return points * DPI / 72


@lru_cache(maxsize=8)
def font(points: float):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size=px(points))


def font_path() -> Path:
    """DejaVu Sans: the copy matplotlib ships (a dependency), else the system's."""
    from importlib.util import find_spec

    spec = find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if candidate.exists():
            return candidate
    return Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def colour(value: float, peak: float) -> tuple[int, int, int]:
    """The scale's colour for value in [0, peak] (256 steps, like a matplotlib colormap)."""
    step = min(max(int(value / peak * STEPS), 0), STEPS - 1)
    x = step / (STEPS - 1) * (len(YLGNBU) - 1)
    i = min(int(x), len(YLGNBU) - 2)
    t = x - i
    return tuple(round(a + (b - a) * t) for a, b in zip(YLGNBU[i], YLGNBU[i + 1]))


def integer_ticks(peak: int, bins: int = 10) -> list[int]:
    """Whole-number ticks from 0 to peak, at most ``bins`` intervals of 1, 2 or 5 × 10^k."""
    raw = peak / bins
    scale = 10 ** max(math.floor(math.log10(raw)), 0) if raw > 0 else 1
    step = next(s * scale for s in (1, 2, 5, 10) if s * scale >= raw)
    return list(range(0, peak + 1, step))


def draw(rows: list[tuple[str, list[int] | None]], columns: list[str], title: str, bar_label: str):
    """The heatmap as a Pillow image; a row's values are None for a province without report."""
    from PIL import Image, ImageDraw

    width, height = int(WIDTH_IN * DPI), int((ROW_IN * len(rows) + EXTRA_IN) * DPI)
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    span = (RIGHT - LEFT) * width
    left, top, bottom = LEFT * width, TOP_IN * DPI, height - BOTTOM_IN * DPI
    right = left + span * (1 - BAR_FRACTION - BAR_PAD)
    cell_w, cell_h = (right - left) / len(columns), (bottom - top) / max(len(rows), 1)
    peak = max([v for _, values in rows if values for v in values] + [1])
    tick, pad = px(TICK_PT), px(PAD_PT)

    for i, (label, values) in enumerate(rows):
        y0, y1 = top + i * cell_h, top + (i + 1) * cell_h
        mid = (y0 + y1) / 2
        for j in range(len(columns)):
            x0, x1 = left + j * cell_w, left + (j + 1) * cell_w
            fill = MISSING_GREY if values is None else colour(values[j], peak)
            pen.rectangle([round(x0), round(y0), round(x1) - 1, round(y1) - 1], fill=fill)
            if values is not None:
                pen.text(((x0 + x1) / 2, mid), str(values[j]), font=font(CELL_PT), anchor="mm",
                         fill="white" if values[j] > peak * 0.6 else "black")
        pen.line([left - tick, mid, left, mid], fill="black")
        pen.text((left - tick - pad, mid), label, font=font(FONT_PT), anchor="rm",
                 fill="black" if values is not None else LABEL_GREY)
    pen.rectangle([round(left), round(top), round(right), round(bottom)], outline="black")

    highest = top
    for j, name in enumerate(columns):
        x = left + (j + 0.5) * cell_w
        pen.line([x, top - tick, x, top], fill="black")
        highest = min(highest, _turned_text(image, name, (x, top - tick - pad), 50))
    heading = font(TITLE_PT)
    title_y = max(highest - px(TITLE_PAD_PT), heading.getbbox(title)[3] + 2)
    pen.text(((left + right) / 2, title_y), title, font=heading, anchor="ms", fill="black")
    _colour_bar(image, pen, left + span * (1 - BAR_FRACTION), span * BAR_FRACTION, (top + bottom) / 2, peak,
                bar_label)
    return image


def _colour_bar(image, pen, x0: float, bar_w: float, middle: float, peak: int, label: str) -> None:
    bar_h = bar_w * BAR_ASPECT
    y_top, y_bottom = middle - bar_h / 2, middle + bar_h / 2
    x1 = x0 + bar_w
    for y in range(round(y_top), round(y_bottom)):
        value = (y_bottom - (y + 0.5)) / bar_h * peak
        pen.line([round(x0), y, round(x1), y], fill=colour(value, peak))
    pen.rectangle([round(x0), round(y_top), round(x1), round(y_bottom)], outline="black")
    tick, pad = px(TICK_PT), px(PAD_PT)
    widest = 0.0
    for value in integer_ticks(peak):
        y = y_bottom - value / peak * bar_h
        pen.line([x1, y, x1 + tick, y], fill="black")
        pen.text((x1 + tick + pad, y), str(value), font=font(FONT_PT), anchor="lm", fill="black")
        widest = max(widest, pen.textlength(str(value), font=font(FONT_PT)))
    _turned_text(image, label, (x1 + tick + pad + widest + px(LABEL_PAD_PT), middle), 90, centre=True)


def _turned_text(image, text: str, anchor: tuple[float, float], degrees: float, centre: bool = False) -> float:
    """Draw text turned counter-clockwise about its bottom-left corner at ``anchor`` (or, with
    ``centre``, a vertical label whose left edge is at anchor x, centred on anchor y); returns
    the top of what was drawn."""
    from PIL import Image, ImageDraw

    face = font(FONT_PT)
    x0, y0, x1, y1 = face.getbbox(text, anchor="ls")
    w, h = math.ceil(x1 - x0) + 2, math.ceil(y1 - y0) + 2
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).text((1 - x0, 1 - y0), text, font=face, anchor="ls", fill=255)
    turned = mask.rotate(degrees, resample=Image.BICUBIC, expand=True)
    if centre:
        at = (round(anchor[0]), round(anchor[1] - turned.height / 2))
    else:
        theta = math.radians(degrees)
        cx, cy = -w / 2, -h / 2  # the bottom-left corner from the centre, y up
        rx, ry = cx * math.cos(theta) - cy * math.sin(theta), cx * math.sin(theta) + cy * math.cos(theta)
        corner = (turned.width / 2 + rx, turned.height / 2 - ry)
        at = (round(anchor[0] - corner[0]), round(anchor[1] - corner[1]))
    image.paste((0, 0, 0), (*at, at[0] + turned.width, at[1] + turned.height), turned)
    return at[1]
