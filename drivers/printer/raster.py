"""Raster fallback for printers with no Chinese font: draw a line of text with a CJK font.

The font is found with ``fc-match`` (fontconfig) and then in the usual Debian/Ubuntu paths of
the ``fonts-noto-cjk`` package. A missing font is a clear ``CjkFontNotFoundError``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from drivers.printer.errors import CjkFontNotFoundError

KNOWN_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


@functools.cache
def find_cjk_font() -> Path:
    """Path of a font file with Chinese glyphs, or ``CjkFontNotFoundError``."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            out = subprocess.run(
                [fc_match, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and "CJK" in out and Path(out).is_file():
            return Path(out)
    for candidate in KNOWN_FONT_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise CjkFontNotFoundError(
        "raster_cjk needs a CJK font: fc-match found none and none of "
        f"{list(KNOWN_FONT_PATHS)} exists; install the fonts-noto-cjk package"
    )


def render_line_image(
    text: str, *, width_dots: int, align: str, font_px: int = 24, scale_y: int = 1
) -> Image.Image:
    """One line of text as a 1-bit image ``width_dots`` wide, aligned left/center/right."""
    path = find_cjk_font()
    face = 2 if path.suffix == ".ttc" else 0  # in the Noto CJK collection, face 2 is SC
    font = ImageFont.truetype(str(path), font_px, index=face)
    left, _top, right, bottom = font.getbbox(text)
    text_w = int(right - left)
    height = int(max(font_px + 4, bottom + 2))
    image = Image.new("1", (width_dots, height), 1)
    draw = ImageDraw.Draw(image)
    if align == "center":
        x = max(0, (width_dots - text_w) // 2)
    elif align == "right":
        x = max(0, width_dots - text_w)
    else:
        x = 0
    draw.text((x - int(left), 1), text, font=font, fill=0)
    if scale_y > 1:
        image = image.resize((width_dots, height * scale_y), Image.Resampling.NEAREST)
    return image
