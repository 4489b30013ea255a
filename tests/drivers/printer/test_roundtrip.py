"""Property: whatever text a layout holds, the emulator's own decoder reads the same lines back."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.printer import PrinterProfile, TicketLayout, render_ticket
from drivers.printer.render import text_width, wrap_text
from hardware_mocks.printer import EscposDecoder

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ,.-"), max_size=60)
MIXED = st.lists(st.one_of(CJK, st.sampled_from(" ，。、（）A1")), max_size=40).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    zh=MIXED,
    en=WORDS,
    paper=st.sampled_from([58, 80]),
    encoding=st.sampled_from(["gb18030", "gbk"]),
)
def test_rendered_lines_decode_back(
    layout: TicketLayout, zh: str, en: str, paper: int, encoding: str
) -> None:
    profile = PrinterProfile(paper_mm=paper, encoding=encoding)
    data = render_ticket(replace(layout, footer_zh=zh, footer_en=en), profile)
    decoder = EscposDecoder(encoding=encoding)
    [receipt] = [v for k, v in decoder.feed(data) if k == "receipt"]
    texts = [line.text for line in receipt.lines]
    expected = wrap_text(zh, profile.chars_per_line) + wrap_text(en, profile.chars_per_line)
    tail = [t for t in texts[texts.index("2026-11-29 09:30") + 1 :] if t]
    assert tail == expected
    assert all(text_width(t) <= profile.chars_per_line for t in texts)
    assert receipt.qr_payloads == [layout.status_url] and receipt.cut == "full"


def test_the_customers_language_comes_first(layout: TicketLayout) -> None:
    def lines(language: str) -> list[str]:
        data = render_ticket(replace(layout, language=language), PrinterProfile())
        [receipt] = [v for k, v in EscposDecoder().feed(data) if k == "receipt"]
        return [line.text for line in receipt.lines if line.text]

    zh, en = lines("zh"), lines("en")
    assert zh[:4] == ["城南支行", "Chengnan Branch", "个人业务", "Personal Banking"]
    assert en[:4] == ["Chengnan Branch", "城南支行", "Personal Banking", "个人业务"]
    assert "前面还有 4 人 / 4 people ahead" in zh
    assert "4 people ahead / 前面还有 4 人" in en
    assert en[-2:] == ["Please listen for your number", "请留意叫号"]
    assert sorted(zh) == sorted(
        [t.replace("4 people ahead / 前面还有 4 人", "前面还有 4 人 / 4 people ahead")
         .replace("about 9 min / 预计等待约 9 分钟", "预计等待约 9 分钟 / about 9 min")
         for t in en]
    )  # fmt: skip
