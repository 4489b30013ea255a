"""RS-485 call-number panels: protocols (pure), one driver per line, health, diagnostics."""

from drivers.panel.ascii_sign import AsciiSignProtocol
from drivers.panel.bus import PanelBus
from drivers.panel.diag import check_panel, verdict
from drivers.panel.errors import (
    PanelConfigError,
    PanelContentError,
    PanelCrcError,
    PanelError,
    PanelFeatureUnsupportedError,
    PanelGarbledError,
    PanelLateReplyError,
    PanelNoAnswerError,
    PanelReadbackError,
    PanelRejectedError,
    PanelReplyError,
    PanelTransportError,
    PanelUnavailableError,
)
from drivers.panel.modbus import ModbusProtocol
from drivers.panel.panel import CallPanel, SerialCallPanel, open_panel
from drivers.panel.protocol import PanelProtocol, format_call
from drivers.panel.values import BLINK_FOREVER, HealthStatus, PanelCapabilities, PanelHealth

__all__ = [
    "BLINK_FOREVER",
    "AsciiSignProtocol",
    "CallPanel",
    "HealthStatus",
    "ModbusProtocol",
    "PanelBus",
    "PanelCapabilities",
    "PanelConfigError",
    "PanelContentError",
    "PanelCrcError",
    "PanelError",
    "PanelFeatureUnsupportedError",
    "PanelGarbledError",
    "PanelHealth",
    "PanelLateReplyError",
    "PanelNoAnswerError",
    "PanelProtocol",
    "PanelReadbackError",
    "PanelRejectedError",
    "PanelReplyError",
    "PanelTransportError",
    "PanelUnavailableError",
    "SerialCallPanel",
    "check_panel",
    "format_call",
    "open_panel",
    "verdict",
]
