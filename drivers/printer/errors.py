"""Exceptions of the printer driver.

Tree::

    PrinterError                 base of everything this package raises
    ├── PrinterUrlError          a printer URL that cannot be used (scheme, host, port, options)
    ├── TicketRenderError        a layout that cannot be turned into bytes (too wide, bad text)
    │   └── CjkFontNotFoundError raster mode needs a CJK font and none was found
    └── PrinterConnectionError   the transport could not be opened or was lost

Printing itself never raises: ``TicketPrinter.print_ticket`` returns a ``PrintResult``.
"""

from __future__ import annotations


class PrinterError(Exception):
    """Base of every error raised by ``drivers.printer``."""


class PrinterUrlError(PrinterError, ValueError):
    """The printer URL is malformed or names an unknown scheme."""


class TicketRenderError(PrinterError, ValueError):
    """The ticket layout cannot be rendered for this printer profile."""


class CjkFontNotFoundError(TicketRenderError):
    """Raster CJK rendering was requested but no CJK font file was found."""


class PrinterConnectionError(PrinterError, OSError):
    """The printer connection could not be opened, or it was lost."""
