"""Wire-level emulator of RS-485 call-number panels (Modbus RTU LED-485 and ASCII signs).

It decodes frames with its own code (never ``drivers/``): a decoder that shares the
encoder would prove nothing.
"""

from hardware_mocks.panel.bank import Fault, FaultKind, PanelBank, PanelDisplay
from hardware_mocks.panel.server import PanelEmulator

__all__ = ["Fault", "FaultKind", "PanelBank", "PanelDisplay", "PanelEmulator"]
