"""The emulated panel model: blink register where the vendor put it, or none (documented map)."""

from __future__ import annotations

import argparse

import pytest

from branchq_cli.emulate_panel import _register
from hardware_mocks.panel.crc import crc16_modbus
from hardware_mocks.panel.modbus_slave import ModbusPanels


def _write(address: int, register: int, value: int) -> bytes:
    body = bytes([address, 6]) + register.to_bytes(2, "big") + value.to_bytes(2, "big")
    return body + crc16_modbus(body)


def _exception(address: int, function: int, code: int) -> bytes:
    body = bytes([address, function | 0x80, code])
    return body + crc16_modbus(body)


def test_documented_map_answers_illegal_data_address_to_the_blink_register() -> None:
    panels = ModbusPanels([1], 8, blink_register=None)
    assert panels.handle(_write(1, 0x0005, 5)) == ([1], _exception(1, 6, 2))
    assert panels.blink_s(1) == 0


def test_a_model_with_its_blink_register_elsewhere() -> None:
    panels = ModbusPanels([1], 8, blink_register=0x0010)
    request = _write(1, 0x0010, 5)
    assert panels.handle(request) == ([1], request)  # function 06 answers with an echo
    assert panels.blink_s(1) == 5
    assert panels.handle(_write(1, 0x0005, 5))[1] == _exception(1, 6, 2)


def test_command_line_register_values() -> None:
    assert _register("none") is None and _register("0x0005") == 5 and _register("16") == 16
    for bad in ("blink", "0x10000", "-1"):
        with pytest.raises(argparse.ArgumentTypeError, match="blink register"):
            _register(bad)
