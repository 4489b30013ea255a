"""The driver against the panel emulator on an ephemeral loopback port, fault by fault."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from drivers.panel import (
    BLINK_FOREVER,
    AsciiSignProtocol,
    HealthStatus,
    ModbusProtocol,
    PanelBus,
    PanelConfigError,
    PanelCrcError,
    PanelGarbledError,
    PanelNoAnswerError,
    PanelRejectedError,
    PanelTransportError,
    PanelUnavailableError,
    open_panel,
)
from hardware_mocks.panel import PanelEmulator
from tests.drivers.panel.conftest import FakeClock, wait_until


def url(emu: PanelEmulator) -> str:
    return f"socket://127.0.0.1:{emu.port}"


def test_show_blink_clear_self_test_modbus(emulator: PanelEmulator) -> None:
    with open_panel(url(emulator), protocol="modbus", address=3, blink_register=5) as panel:
        assert panel.health().status is HealthStatus.UNKNOWN
        panel.show("A023", 5)
        assert emulator.displays[3].text == "A023  05"
        assert emulator.displays[2].text == " " * 8  # other addresses untouched
        panel.blink(5)
        assert emulator.displays[3].blink_s == 5
        panel.blink(True)
        assert emulator.displays[3].blink_s == BLINK_FOREVER
        assert panel.read_text() == "A023  05"
        health = panel.self_test()
        assert emulator.displays[3].text == "88888888"
        assert health.status is HealthStatus.OK
        assert health.last_round_trip_ms is not None and health.last_round_trip_ms > 0
        panel.clear()
        assert emulator.displays[3].text == " " * 8
        assert emulator.displays[3].blink_s == 0


def test_show_blink_clear_self_test_ascii(ascii_emulator: PanelEmulator) -> None:
    with open_panel(url(ascii_emulator), protocol="ascii", address=12) as panel:
        panel.show("a023", 5)  # the sign shows lower case as sent
        assert ascii_emulator.displays[12].text == "a023" + " " * 10 + "05"
        panel.blink(3)
        assert ascii_emulator.displays[12].blink_s == 3
        panel.self_test()
        assert ascii_emulator.displays[12].text == "#" * 16
        assert panel.health().status is HealthStatus.OK
        panel.clear()
        assert ascii_emulator.displays[12].text == " " * 16


def test_panels_share_one_bus(emulator: PanelEmulator) -> None:
    with PanelBus(url(emulator)) as bus:
        panels = {a: bus.panel(a) for a in (1, 2, 6)}
        for address, panel in panels.items():
            panel.show(f"B{address:03d}", address)
        assert {a: emulator.displays[a].text for a in (1, 2, 6)} == {
            1: "B001  01",
            2: "B002  02",
            6: "B006  06",
        }


def test_broadcast_is_obeyed_without_reply(emulator: PanelEmulator) -> None:
    with PanelBus(url(emulator), timeout_s=0.2) as bus:
        started = time.perf_counter()
        assert bus.run(bus.protocol.encode_show(0, "0000")) is None
        assert time.perf_counter() - started < 0.15  # did not wait for an answer
        wait_until(lambda: all(d.text == "0000    " for d in emulator.displays.values()))


def test_no_answer_marks_unhealthy_and_reprobes_later(
    emulator: PanelEmulator, clock: FakeClock
) -> None:
    emulator.set_fault(2, "no_answer")
    bus = PanelBus(url(emulator), timeout_s=0.15, retries=2, backoff_s=0.01, clock=clock)
    with bus:
        dead, alive = bus.panel(2), bus.panel(1)
        started = time.perf_counter()
        with pytest.raises(PanelNoAnswerError, match=r"panel 2 .* did not answer show"):
            dead.show("A001", 2)
        assert time.perf_counter() - started >= 3 * 0.15  # three attempts
        health = dead.health()
        assert health.status is HealthStatus.UNHEALTHY
        assert health.consecutive_failures == 1
        assert health.advice is not None and "A/B" in health.advice
        # before the re-probe time, calls fail at once and never touch the line
        started = time.perf_counter()
        with pytest.raises(PanelUnavailableError, match=r"next probe in 10\.0 s"):
            dead.show("A002", 2)
        assert time.perf_counter() - started < 0.05
        alive.show("A003", 1)
        assert emulator.displays[1].text == "A003  01"
        # the panel comes back; after recheck_s one probe succeeds
        emulator.set_fault(2, "ok")
        clock.advance(10.1)
        dead.show("A004", 2)
        assert emulator.displays[2].text == "A004  02"
        assert dead.health().status is HealthStatus.OK
        assert dead.health().consecutive_failures == 0


def test_a_dead_panel_delays_the_others_by_one_timeout_at_most(emulator: PanelEmulator) -> None:
    emulator.set_fault(4, "no_answer")
    timeout_s = 0.2
    with PanelBus(url(emulator), timeout_s=timeout_s, retries=3, backoff_s=0.05) as bus:
        dead, alive = bus.panel(4), bus.panel(5)
        errors: list[Exception] = []

        def call_dead() -> None:
            try:
                dead.show("X001", 4)
            except PanelNoAnswerError as exc:
                errors.append(exc)

        thread = threading.Thread(target=call_dead)
        thread.start()
        latencies = []
        while thread.is_alive():
            started = time.perf_counter()
            alive.show("A100", 5)
            latencies.append(time.perf_counter() - started)
        thread.join()
        assert len(errors) == 1
        assert len(latencies) >= 3
        assert max(latencies) < timeout_s + 0.15
        assert alive.health().status is HealthStatus.OK


def test_wrong_crc_is_detected(emulator: PanelEmulator) -> None:
    emulator.set_fault(1, "wrong_crc")
    with open_panel(url(emulator), address=1, timeout_s=0.2, retries=1, backoff_s=0.01) as panel:
        with pytest.raises(PanelCrcError, match=r"CRC .* expected"):
            panel.show("A023", 1)
        health = panel.health()
        assert health.status is HealthStatus.UNHEALTHY
        assert health.last_error is not None and "CRC" in health.last_error
        assert health.advice is not None and "baud" in health.advice


def test_garbled_reply_is_detected(emulator: PanelEmulator) -> None:
    emulator.set_fault(None, "garbled")
    with open_panel(
        url(emulator), address=6, blink_register=5, timeout_s=0.2, retries=1, backoff_s=0.01
    ) as panel:
        with pytest.raises(PanelGarbledError, match="expected"):
            panel.blink(2)
        assert panel.health().status is HealthStatus.UNHEALTHY


def test_garbled_ascii_reply_is_detected(ascii_emulator: PanelEmulator) -> None:
    ascii_emulator.set_fault(1, "garbled")
    bus = PanelBus(url(ascii_emulator), protocol="ascii", timeout_s=0.15, retries=0)
    with bus, pytest.raises(PanelGarbledError, match="incomplete reply"):
        bus.panel(1).clear()


def test_slow_within_timeout_succeeds_and_is_measured(emulator: PanelEmulator) -> None:
    emulator.set_fault(1, "slow", 0.08)
    with open_panel(url(emulator), address=1, timeout_s=0.5) as panel:
        panel.show("A777", 1)
        assert emulator.displays[1].text == "A777  01"
        rtt = panel.health().last_round_trip_ms
        assert rtt is not None and 75 <= rtt < 500


def test_slow_beyond_timeout_is_no_answer(emulator: PanelEmulator) -> None:
    emulator.set_fault(1, "slow", 0.5)
    with open_panel(url(emulator), address=1, timeout_s=0.15, retries=0) as panel:
        with pytest.raises(PanelNoAnswerError, match="within 150 ms"):
            panel.show("A778", 1)
        assert panel.health().status is HealthStatus.UNHEALTHY


def test_refused_command_is_reported_not_retried(emulator: PanelEmulator) -> None:
    # a 16-character configuration against 8-character panels writes registers they lack
    wide = ModbusProtocol(characters=16)
    with open_panel(url(emulator), protocol=wide, address=1, retries=3) as panel:
        with pytest.raises(PanelRejectedError, match="illegal data address"):
            panel.show("A023", 1)
        assert panel.health().status is HealthStatus.UNKNOWN  # it did answer


def test_closed_port_is_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open_panel(f"socket://127.0.0.1:{port}", retries=0) as panel:
        with pytest.raises(PanelTransportError, match="cannot open panel bus"):
            panel.clear()
        assert panel.health().status is HealthStatus.UNHEALTHY


def test_bad_url_and_settings() -> None:
    with pytest.raises(PanelConfigError, match=r"unknown scheme 'tcp'; expected a device path"):
        open_panel("tcp://127.0.0.1:7001")
    with pytest.raises(PanelConfigError, match=r"unknown panel protocol 'dmx'"):
        open_panel("loop://", protocol="dmx")
    with pytest.raises(PanelConfigError, match=r"address 300 is out of range"):
        open_panel("loop://", address=300)
    with PanelBus("loop://") as bus, pytest.raises(PanelConfigError, match="out of range"):
        bus.panel(0)


def test_loop_url_echoes_a_single_register_write() -> None:
    # loop:// echoes: a function 06 reply IS the echo, so the driver accepts it
    with open_panel("loop://", address=7, blink_register=5) as panel:
        panel.blink(False)
        assert panel.health().status is HealthStatus.OK


def test_sign_without_acknowledge_is_sent_and_health_stays_unknown(
    ascii_emulator: PanelEmulator,
) -> None:
    mute = AsciiSignProtocol(acknowledges=False)
    assert mute.encode_read_back(1) is None
    with open_panel(url(ascii_emulator), protocol=mute, address=2, timeout_s=0.5) as panel:
        started = time.perf_counter()
        panel.show("Z9", 1)
        panel.self_test()  # nothing to read back: only the pattern is sent
        assert time.perf_counter() - started < 0.25  # never waited for an answer
        wait_until(lambda: ascii_emulator.displays[2].text == "#" * 16)
        assert panel.read_text() is None
        assert panel.health().status is HealthStatus.UNKNOWN
