"""Errors of the call-panel driver. Every error derives from ``PanelError``.

Tree::

    PanelError
        PanelConfigError        bad URL, protocol name, address, or settings (before any I/O)
        PanelContentError       text too long for the panel or a character it cannot show
        PanelTransportError     the line could not be opened or broke while in use
        PanelNoAnswerError      no (complete) reply within the timeout
        PanelReplyError         a reply arrived but is not the expected one
            PanelCrcError       ... its checksum/CRC is wrong
            PanelGarbledError   ... wrong address, function or length (noise, wrong baud)
            PanelRejectedError  ... the panel answered with an exception/NAK
                PanelFeatureUnsupportedError  ... to an optional feature (blink): not retried
            PanelReadbackError  ... the panel reports other text than was written
        PanelUnavailableError   the panel is marked unhealthy; not retried until its next probe

Each class carries ``advice``: what a technician should check, in English and Chinese.
"""

from __future__ import annotations


class PanelError(Exception):
    """Base of every call-panel driver error."""

    advice = "see the error message / 见错误信息"


class PanelConfigError(PanelError, ValueError):
    advice = "fix the panel settings (URL, protocol, address) / 检查屏的配置（地址、协议、URL）"


class PanelContentError(PanelError, ValueError):
    advice = "shorten the text or use characters the panel supports / 缩短内容或使用屏支持的字符"


class PanelTransportError(PanelError):
    advice = (
        "cannot use the serial line: check the port path, permissions (dialout group) and that "
        "the converter or emulator is running / 无法打开串口：检查端口路径、权限和转换器"
    )


class PanelNoAnswerError(PanelError):
    advice = (
        "no answer: check RS-485 wiring A/B, address and baud / "
        "无应答：检查RS-485接线A/B、地址和波特率"
    )


class PanelLateReplyError(PanelNoAnswerError):
    """A reply that fits no request arrived after an earlier request went unanswered: a reply
    to that earlier request, late. The panel answers, but slower than the timeout."""

    advice = (
        "answers too late: raise the bus timeout, check baud rate and line length / "
        "应答太慢：加大总线超时，检查波特率和线缆长度"
    )


class PanelReplyError(PanelError):
    advice = "unexpected reply: check protocol and address / 应答异常：检查协议和地址"


class PanelCrcError(PanelReplyError):
    advice = (
        "bad checksum: check baud rate and parity, termination resistor and cable shielding / "
        "校验错误：检查波特率、校验位、终端电阻和屏蔽线"
    )


class PanelGarbledError(PanelReplyError):
    advice = (
        "garbled reply: check baud rate, A/B polarity and that only one master drives the bus / "
        "应答乱码：检查波特率、A/B极性，总线上只能有一个主机"
    )


class PanelRejectedError(PanelReplyError):
    advice = (
        "the panel refused the command: check the protocol and register map of this model / "
        "屏拒绝命令：检查该型号的协议和寄存器表"
    )


class PanelFeatureUnsupportedError(PanelRejectedError):
    """The panel refused an optional feature (e.g. blink at a register its model lacks). It is
    recorded in the panel's health once and not sent again; the panel itself works."""

    advice = (
        "this panel model lacks the feature: fix or remove its setting in the site file "
        "(blink_register) / 该型号屏不支持此功能：修改或删除站点配置中的设置（blink_register）"
    )


class PanelReadbackError(PanelReplyError):
    advice = (
        "the panel holds other text than was sent: check the character set and panel width / "
        "回读内容不符：检查字符集和屏宽"
    )


class PanelUnavailableError(PanelError):
    advice = (
        "the panel stopped answering and is waiting for its next probe / 屏已离线，等待下次探测"
    )
