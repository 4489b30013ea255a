"""ESC/POS ticket printer driver: pick a printer by URL, print tickets, read its status.

printer = open_printer("tcp://192.168.1.50:9100", profile=PrinterProfile(paper_mm=58))
result = printer.print_ticket(layout)   # never raises; result.ok / result.reason_code
"""

from drivers.printer.errors import (
    CjkFontNotFoundError,
    PrinterConnectionError,
    PrinterError,
    PrinterUrlError,
    TicketRenderError,
)
from drivers.printer.printer import (
    EscposTicketPrinter,
    MemoryPrinter,
    PrintReason,
    PrintResult,
    TicketPrinter,
    open_printer,
)
from drivers.printer.render import PrinterProfile, TicketLayout, render_ticket
from drivers.printer.settings import (
    SETTING_KEYS,
    PrinterSettings,
    PrinterSettingsError,
    printer_settings,
)
from drivers.printer.status import (
    ERROR_STATES,
    PRINTABLE_STATES,
    PrinterState,
    PrinterStatus,
    decode_status,
)
from drivers.printer.url import SCHEMES, parse_printer_url

__all__ = [
    "ERROR_STATES",
    "PRINTABLE_STATES",
    "SCHEMES",
    "SETTING_KEYS",
    "CjkFontNotFoundError",
    "EscposTicketPrinter",
    "MemoryPrinter",
    "PrintReason",
    "PrintResult",
    "PrinterConnectionError",
    "PrinterError",
    "PrinterProfile",
    "PrinterSettings",
    "PrinterSettingsError",
    "PrinterState",
    "PrinterStatus",
    "PrinterUrlError",
    "TicketLayout",
    "TicketPrinter",
    "TicketRenderError",
    "decode_status",
    "open_printer",
    "parse_printer_url",
    "printer_settings",
    "render_ticket",
]
