"""The emulator's own ESC/POS decoder, fed hand-written bytes (never the driver's output)."""

from __future__ import annotations

from typing import Any

from hardware_mocks.printer import EscposDecoder, Receipt

GB_BANK = "银行".encode("gb18030")  # d2f8 d0d0
QR_URL = b"https://bq.example/t/B007"

TICKET = b"".join(
    [
        b"\x1b@",
        b"\x1ba\x01",  # centre
        b"\x1bE\x01\x1c&" + GB_BANK + b"\x1c.\n",  # bold Chinese line
        b"\x1bE\x00Branch\n",
        b"\x1d!\x33B007\n",  # 4x4
        b"\x1d!\x00\x1ba\x00left ",
        b"\x1bE\x01bold\x1bE\x00 end\n",
        b"\x10\x04\x01",  # a status query in the middle of the job
        b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x05\x1d(k\x03\x001E0",
        b"\x1d(k" + bytes((len(QR_URL) + 3, 0)) + b"1P0" + QR_URL,
        b"\x1d(k\x03\x001Q0",
        b"\x1dv0\x00\x01\x00\x02\x00\xf0\x0f",  # 8x2 raster image
        b"\x1bd\x02\x1dV\x41\x03",  # feed, then GS V 65 n: feed and full cut
    ]
)


def decode(data: bytes, **kwargs: Any) -> tuple[list[Receipt], list[tuple[str, Any]]]:
    decoder = EscposDecoder(**kwargs)
    events = decoder.feed(data)
    return [v for k, v in events if k == "receipt"], [e for e in events if e[0] != "receipt"]


def test_full_ticket_decodes_to_styled_lines_qr_image_and_cut() -> None:
    receipts, queries = decode(TICKET)
    assert queries == [("dle_eot", 1)]
    [receipt] = receipts
    texts = [line.text for line in receipt.lines]
    assert texts[:4] == ["银行", "Branch", "B007", "left bold end"]
    bank, _, number, mixed = receipt.lines[:4]
    assert bank.align == "center" and bank.spans[0].bold
    assert (number.spans[0].width, number.spans[0].height) == (4, 4)
    assert mixed.align == "left" and [s.bold for s in mixed.spans] == [False, True, False]
    assert receipt.qr_payloads == [QR_URL.decode()]
    [image] = receipt.images
    assert image.size == (8, 2)
    assert [image.getpixel((x, 0)) for x in (0, 7)] == [0, 255]  # 0xF0: left half black
    assert [image.getpixel((x, 1)) for x in (0, 7)] == [255, 0]  # 0x0F: right half black
    assert receipt.cut == "full" and receipt.chinese_mode_used
    assert receipt.text.endswith("--- full cut ---")


def test_any_split_of_the_stream_gives_the_same_receipt() -> None:
    whole, _ = decode(TICKET)
    decoder = EscposDecoder()
    events: list[tuple[str, Any]] = []
    for i in range(len(TICKET)):
        events += decoder.feed(TICKET[i : i + 1])
    pieces = [v for k, v in events if k == "receipt"]
    assert [r.text for r in pieces] == [r.text for r in whole]
    assert ("dle_eot", 1) in events


def test_chinese_without_fs_and_is_code_page_437() -> None:
    [receipt], _ = decode(GB_BANK + b"\n\x1dV\x00")
    assert receipt.lines[0].text == GB_BANK.decode("cp437")
    assert not receipt.chinese_mode_used
    [chinese], _ = decode(GB_BANK + b"\n\x1dV\x00", chinese_mode_at_start=True)
    assert chinese.lines[0].text == "银行"


def test_gbk_and_four_byte_gb18030() -> None:
    rare = "𠀀".encode("gb18030")
    [receipt], _ = decode(b"\x1c&" + rare + b"\x1c.\n\x1dV\x01")
    assert receipt.lines[0].text == "𠀀" and receipt.cut == "partial"
    [gbk], _ = decode(b"\x1c&" + "柜台".encode("gbk") + b"\n\x1dV\x00", encoding="gbk")
    assert gbk.lines[0].text == "柜台"


def test_esc_bang_and_gs_r_and_unknown_commands() -> None:
    [receipt], queries = decode(b"\x1b!\x38big\n\x1dr\x01\x1b\x7fz\n\x1dV\x00")
    span = receipt.lines[0].spans[0]
    assert (span.bold, span.width, span.height) == (True, 2, 2)
    assert queries == [("gs_r", 1)]
    assert receipt.notes == ["unknown ESC 0x7F"]
    assert receipt.lines[1].text == "z"


def test_no_cut_means_no_receipt_yet() -> None:
    decoder = EscposDecoder()
    assert decoder.feed(b"half a ticket\n") == []
    assert decoder.has_content
