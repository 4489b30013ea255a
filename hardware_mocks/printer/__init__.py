"""Wire-level ESC/POS printer emulator with its own decoder (never the driver's code)."""

from hardware_mocks.printer.decoder import EscposDecoder
from hardware_mocks.printer.emulator import FAULTS, EmulatorError, PrinterEmulator
from hardware_mocks.printer.receipt import Line, QrCode, RasterImage, Receipt, render_receipt

__all__ = [
    "FAULTS",
    "EmulatorError",
    "EscposDecoder",
    "Line",
    "PrinterEmulator",
    "QrCode",
    "RasterImage",
    "Receipt",
    "render_receipt",
]
