"""Checksums written out for the emulator, independent of any library the driver uses."""

from __future__ import annotations


def crc16_modbus(data: bytes) -> bytes:
    """CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF), low byte first."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def sum_hex(data: bytes) -> bytes:
    """Byte sum modulo 256 as two upper-case hex digits (the ASCII sign checksum)."""
    total = 0
    for byte in data:
        total = (total + byte) % 256
    return b"%02X" % total
