"""What came out of the emulated printer: receipts made of styled lines, images and QR codes."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    width: int = 1  # character magnification
    height: int = 1


@dataclass
class Line:
    spans: list[Span] = field(default_factory=list)
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class RasterImage:
    image: Image.Image
    align: str = "left"


@dataclass(frozen=True)
class QrCode:
    data: str
    module_dots: int = 3
    align: str = "left"


Item = Line | RasterImage | QrCode


@dataclass
class Receipt:
    """One piece of paper: everything between two cuts."""

    items: list[Item] = field(default_factory=list)
    cut: str = ""  # "full", "partial", or "" while not cut
    chinese_mode_used: bool = False
    notes: list[str] = field(default_factory=list)  # unknown commands etc.

    @property
    def lines(self) -> list[Line]:
        return [i for i in self.items if isinstance(i, Line)]

    @property
    def qr_payloads(self) -> list[str]:
        return [i.data for i in self.items if isinstance(i, QrCode)]

    @property
    def images(self) -> list[Image.Image]:
        return [i.image for i in self.items if isinstance(i, RasterImage)]

    @property
    def text(self) -> str:
        out: list[str] = []
        for item in self.items:
            if isinstance(item, Line):
                out.append(item.text)
            elif isinstance(item, RasterImage):
                out.append(f"[image {item.image.width}x{item.image.height}]")
            else:
                out.append(f"[QR {item.data}]")
        if self.cut:
            out.append(f"--- {self.cut} cut ---")
        return "\n".join(out)

    def to_png(self, path: Path, width_dots: int = 576) -> Path:
        render_receipt(self, width_dots).save(path)
        return path


@functools.cache
def _font_path() -> str:
    fc_match = shutil.which("fc-match")
    if fc_match:
        out = subprocess.run(
            [fc_match, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
        if out and Path(out).is_file():
            return out
    fallback = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if Path(fallback).is_file():
        return fallback
    raise FileNotFoundError(
        "the printer emulator draws receipts with a CJK font; none found (install fonts-noto-cjk)"
    )


@functools.cache
def _font(px: int) -> ImageFont.FreeTypeFont:
    path = _font_path()
    return ImageFont.truetype(path, px, index=2 if path.endswith(".ttc") else 0)


def _x_for(align: str, content_w: int, width: int) -> int:
    if align == "center":
        return max(0, (width - content_w) // 2)
    if align == "right":
        return max(0, width - content_w)
    return 0


def render_receipt(receipt: Receipt, width_dots: int = 576) -> Image.Image:
    """A picture of the paper: text rows scaled by character size, images and QR codes."""
    blocks: list[tuple[Image.Image, str]] = []
    for item in receipt.items:
        if isinstance(item, RasterImage):
            blocks.append((item.image.convert("L"), item.align))
        elif isinstance(item, QrCode):
            qr = qrcode.QRCode(box_size=max(1, item.module_dots), border=1)
            qr.add_data(item.data)
            qr.make(fit=True)
            blocks.append((qr.make_image().get_image().convert("L"), item.align))
        else:
            blocks.append((_line_image(item, width_dots), "left"))
    cut_h = 16 if receipt.cut else 0
    total_h = sum(b.height for b, _ in blocks) + cut_h + 8
    paper = Image.new("L", (width_dots, max(total_h, 24)), 255)
    y = 4
    for block, align in blocks:
        paper.paste(block, (_x_for(align, block.width, width_dots), y))
        y += block.height
    if receipt.cut:
        draw = ImageDraw.Draw(paper)
        for x in range(0, width_dots, 12):
            draw.line((x, y + 8, x + 6, y + 8), fill=0)
    return paper


ROW_PX = 30  # one 24-dot character row plus line spacing
FONT_PX = 22


def _line_image(line: Line, width_dots: int) -> Image.Image:
    height = ROW_PX * max((s.height for s in line.spans), default=1)
    pieces: list[Image.Image] = []
    font = _font(FONT_PX)
    for span in line.spans:
        if not span.text:
            continue
        w = int(font.getlength(span.text)) + 2
        piece = Image.new("L", (max(w, 1), ROW_PX), 255)
        draw = ImageDraw.Draw(piece)
        draw.text((0, 1), span.text, font=font, fill=0)
        if span.bold:
            draw.text((1, 1), span.text, font=font, fill=0)
        pieces.append(piece.resize((piece.width * span.width, ROW_PX * span.height)))
    content_w = sum(p.width for p in pieces)
    image = Image.new("L", (width_dots, height), 255)
    x = _x_for(line.align, content_w, width_dots)
    for piece in pieces:
        image.paste(piece, (x, height - piece.height))
        x += piece.width
    return image
