"""Golden bytes of the ticket renderer, wrapping, and clear errors for what cannot be printed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from drivers.printer import PrinterProfile, TicketLayout, TicketRenderError, render_ticket
from drivers.printer.render import text_width, wrap_text

# the Chinese strings of the fixed layout, in GB18030 (identical in GBK for these characters)
CHENGNAN = bytes.fromhex("b3c7c4cfd6a7d0d0")  # 城南支行
PERSONAL = bytes.fromhex("b8f6c8cbd2b5cef1")  # 个人业务
AHEAD = bytes.fromhex("c7b0c3e6bbb9d3d0") + b" 4 " + bytes.fromhex("c8cb")  # 前面还有 4 人
WAIT = (
    bytes.fromhex("d4a4bcc6b5c8b4fdd4bc") + b" 9 " + bytes.fromhex("b7d6d6d3")
)  # 预计等待约 9 分钟
LISTEN = bytes.fromhex("c7ebc1f4d2e2bdd0bac5")  # 请留意叫号
URL = b"https://bq.example/t/A023"


def golden(number_size_byte: int, mode_bytes: bool) -> bytes:
    def zh(data: bytes) -> bytes:
        return (b"\x1c&" + data + b"\x1c." if mode_bytes else data) + b"\n"

    return b"".join(
        [
            b"\x1b@",  # ESC @ initialise
            b"\x1ba\x01",  # ESC a 1 centre
            b"\x1bE\x01",  # ESC E 1 bold
            zh(CHENGNAN),
            b"Chengnan Branch\n",
            b"\x1bE\x00",
            b"\x1d!\x01",  # GS ! double height
            zh(PERSONAL),
            b"Personal Banking\n",
            b"\x1d!" + bytes((number_size_byte,)),  # GS ! n for the number
            b"\x1bE\x01",
            b"A023\n",
            b"\x1bE\x00",
            b"\x1d!\x00",
            zh(AHEAD + b" / 4 people ahead"),
            zh(WAIT + b" / about 9 min"),
            b"2026-11-29 09:30\n",
            b"\x1d(k\x04\x001A2\x00",  # QR model 2
            b"\x1d(k\x03\x001C\x06",  # module size 6 dots
            b"\x1d(k\x03\x001E0",  # error correction L
            b"\x1d(k" + bytes((len(URL) + 3, 0)) + b"1P0" + URL,  # store the data
            b"\x1d(k\x03\x001Q0",  # print the symbol
            b"\n",
            zh(LISTEN),
            b"Please listen for your number\n",
            b"\x1bd\x06",  # feed 6 lines
            b"\x1dV\x00",  # full cut
        ]
    )


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
@pytest.mark.parametrize("mode_bytes", [True, False])
@pytest.mark.parametrize(("paper_mm", "size_byte"), [(80, 0x55), (58, 0x33)])
def test_golden_bytes(
    layout: TicketLayout, encoding: str, mode_bytes: bool, paper_mm: int, size_byte: int
) -> None:
    profile = PrinterProfile(paper_mm=paper_mm, encoding=encoding, chinese_mode_bytes=mode_bytes)
    assert render_ticket(layout, profile) == golden(size_byte, mode_bytes)


def test_gb18030_reaches_characters_that_gbk_cannot(layout: TicketLayout) -> None:
    rare = replace(layout, footer_zh="𠀀")  # U+20000, a four-byte GB18030 sequence
    data = render_ticket(rare, PrinterProfile(encoding="gb18030"))
    assert b"\x1c&\x95\x32\x82\x36\x1c.\n" in data
    with pytest.raises(TicketRenderError, match=r"'𠀀'.*gbk cannot encode"):
        render_ticket(rare, PrinterProfile(encoding="gbk"))


def test_raster_cjk_sends_images_and_no_chinese_bytes(layout: TicketLayout) -> None:
    data = render_ticket(layout, PrinterProfile(paper_mm=58, raster_cjk=True))
    assert b"\x1c&" not in data
    assert CHENGNAN not in data and LISTEN not in data
    # GS v 0, normal density, 48 bytes (384 dots) wide, one image per Chinese line
    assert data.count(b"\x1dv0\x00\x30\x00") == 5
    assert b"Chengnan Branch\n" in data and b"A023\n" in data and URL in data
    assert data.endswith(b"\x1bd\x06\x1dV\x00")


def test_long_service_name_wraps_within_the_line(layout: TicketLayout) -> None:
    long_en = "Foreign Exchange, Remittances and International Trade Settlement"
    data = render_ticket(replace(layout, service_name_en=long_en), PrinterProfile(paper_mm=58))
    assert b"Foreign Exchange, Remittances\nand International Trade\nSettlement\n" in data


def test_wrap_breaks_cjk_anywhere_and_words_at_spaces() -> None:
    assert wrap_text("个人外汇及国际结算业务办理", 10) == ["个人外汇及", "国际结算业", "务办理"]
    assert wrap_text("Personal Banking Services", 16) == ["Personal Banking", "Services"]
    assert wrap_text("Supercalifragilistic", 8) == ["Supercal", "ifragili", "stic"]
    assert all(text_width(line) <= 10 for line in wrap_text("前面还有 12 人 ahead", 10))


def test_bilingual_line_splits_when_too_wide_for_58mm(layout: TicketLayout) -> None:
    data = render_ticket(replace(layout, people_ahead=1234), PrinterProfile(paper_mm=58))
    one_line = "前面还有 1234 人 / 1234 people ahead"
    assert text_width(one_line) > 32
    assert b"1234 people ahead\n" in data and b"/ 1234" not in data


def test_number_shrinks_to_fit_and_too_long_number_is_an_error(layout: TicketLayout) -> None:
    data = render_ticket(replace(layout, number="VIP00012"), PrinterProfile(paper_mm=58))
    assert b"\x1d!\x33\x1bE\x01VIP00012\n" in data  # 8 chars x 4 = 32 columns
    with pytest.raises(TicketRenderError, match=r"is 33 characters; a 58 mm line holds 32"):
        render_ticket(replace(layout, number="A" * 33), PrinterProfile(paper_mm=58))
    with pytest.raises(TicketRenderError, match=r"ticket number 'A-023'"):
        render_ticket(replace(layout, number="A-023"), PrinterProfile())


def test_people_and_wait_wording(layout: TicketLayout) -> None:
    data = render_ticket(replace(layout, people_ahead=0, estimated_wait_s=0), PrinterProfile())
    assert "您是下一位 / you are next".encode("gb18030") in data
    assert "无需等待 / no wait".encode("gb18030") in data
    no_estimate = render_ticket(replace(layout, estimated_wait_s=None), PrinterProfile())
    assert b"min" not in no_estimate


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paper_mm": 76}, r"paper width 76 mm; expected one of \[58, 80\]"),
        ({"encoding": "big5"}, r"encoding 'big5'; expected one of \['gb18030', 'gbk'\]"),
        ({"number_size": 9}, r"number_size 9; expected 0 \(auto\) or 1..8"),
    ],
)
def test_bad_profile_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TicketRenderError, match=message):
        PrinterProfile(**kwargs)  # type: ignore[arg-type]


def test_control_characters_in_layout_text_cannot_inject_commands(layout: TicketLayout) -> None:
    sneaky = replace(layout, branch_name_en="Branch\x1bd\t\x1dV\x00", footer_zh="叫号\x1b@")
    data = render_ticket(sneaky, PrinterProfile())
    assert b"\nBranch d V\n" in data
    assert data.count(b"\x1dV\x00") == 1 and data.count(b"\x1b@") == 1
    assert "叫号 @".encode("gb18030") in data
