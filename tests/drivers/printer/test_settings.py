"""One source of truth for a printer's settings: URL options or keys beside it, never both."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchq_cli.diag_devices import check_printer as diag_devices_printer
from branchq_cli.main import main
from drivers.printer import (
    PrinterProfile,
    PrinterSettingsError,
    PrinterUrlError,
    open_printer,
    printer_settings,
)
from drivers.site import PrinterEntry, SiteConfigError, load_printer_settings, load_site
from hardware_mocks.printer import PrinterEmulator

DEMO = Path(__file__).resolve().parents[3] / "deploy" / "site-demo.toml"


def _site(tmp_path: Path, printer: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text("[[printers]]\nid = 'kiosk-1'\n" + printer, encoding="utf-8")
    return path


def test_nothing_given_takes_the_driver_defaults() -> None:
    settings = printer_settings("tcp://127.0.0.1:9100")
    assert settings.profile == PrinterProfile()
    assert settings.timeout_s == 2.0


def test_site_file_without_settings_has_the_same_defaults_as_a_bare_url(tmp_path: Path) -> None:
    # the site file used to default chinese_mode_bytes to false while the URL defaulted to true
    path = _site(tmp_path, "url = 'tcp://127.0.0.1:9100'\n")
    assert load_printer_settings(path).profile == printer_settings("tcp://127.0.0.1:9100").profile
    assert load_printer_settings(path).profile.chinese_mode_bytes is True


def test_every_site_key_reaches_the_printer(tmp_path: Path) -> None:
    path = _site(
        tmp_path,
        "url = 'tcp://127.0.0.1:9100'\npaper_mm = 58\nencoding = 'gbk'\n"
        "chinese_mode_bytes = false\nraster_cjk = true\nmodel = 'TM-T88V'\n"
        "confirm_print = false\ntimeout_s = 0.5\n",
    )
    settings = load_printer_settings(path, "kiosk-1")
    assert settings.profile == PrinterProfile(
        paper_mm=58,
        encoding="gbk",
        chinese_mode_bytes=False,
        raster_cjk=True,
        model="TM-T88V",
        confirm_print=False,
    )
    assert settings.timeout_s == 0.5
    printer = open_printer(settings)  # connects on first use: nothing is sent here
    assert printer.profile == settings.profile and printer.timeout_s == 0.5
    printer.close()


def test_url_options_count_as_much_as_site_keys(tmp_path: Path) -> None:
    path = _site(tmp_path, "url = 'mem://?paper=58&mode_bytes=0&model=TM-T88V'\nencoding = 'gbk'\n")
    profile = load_printer_settings(path).profile
    assert (profile.paper_mm, profile.chinese_mode_bytes, profile.model) == (58, False, "TM-T88V")
    assert profile.encoding == "gbk"


def test_the_same_value_in_both_places_is_accepted(tmp_path: Path) -> None:
    path = _site(tmp_path, "url = 'tcp://127.0.0.1:9100?paper=58'\npaper_mm = 58\n")
    assert load_printer_settings(path).profile.paper_mm == 58


@pytest.mark.parametrize(
    ("printer", "words"),
    [
        (
            "url = 'tcp://127.0.0.1:9100?mode_bytes=1'\nchinese_mode_bytes = false\n",
            "printer 'kiosk-1': chinese_mode_bytes = false contradicts the printer url's "
            "mode_bytes=1",
        ),
        ("url = 'tcp://h?paper=80'\npaper_mm = 58\n", "paper_mm = 58 contradicts"),
        ("url = 'tcp://h?encoding=GBK'\nencoding = 'gb18030'\n", "encoding = 'gb18030'"),
        ("url = 'tcp://h?timeout=1'\ntimeout_s = 2\n", "timeout_s = 2.0 contradicts"),
        ("url = 'tcp://h'\nmodel = 'TM-X'\n", "model 'TM-X' is not a python-escpos printer"),
        ("url = 'tpc://h'\n", "unknown scheme 'tpc'"),
    ],
)
def test_a_contradiction_or_bad_setting_is_refused_naming_file_printer_and_both(
    tmp_path: Path, printer: str, words: str
) -> None:
    path = _site(tmp_path, printer)
    with pytest.raises(SiteConfigError) as err:
        load_site(path)
    assert str(path) in str(err.value)
    assert words in str(err.value)


def test_contradiction_beside_a_url_in_code_and_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(PrinterSettingsError, match="encoding = 'gbk' contradicts"):
        open_printer("mem://?encoding=gb18030", encoding="gbk")
    with pytest.raises(PrinterUrlError, match="encoding 'big5'"):
        printer_settings("mem://?encoding=big5", {"encoding": "gbk"})
    assert main(["diag", "printer", "mem://?paper=80", "--paper", "58"]) == 2
    err = capsys.readouterr().err
    assert "command line: paper_mm = 58 contradicts the printer url's paper=80" in err


def test_pick_a_printer_of_a_site_by_id(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        "[[printers]]\nid='a'\nurl='mem://'\n[[printers]]\nid='b'\nurl='mem://'\npaper_mm=58\n",
        encoding="utf-8",
    )
    assert load_printer_settings(path, "b").profile.paper_mm == 58
    with pytest.raises(SiteConfigError, match=r"lists 2 printers \['a', 'b'\]; name one"):
        load_printer_settings(path)
    with pytest.raises(SiteConfigError, match=r"no printer 'c' in the site file"):
        load_printer_settings(path, "c")


def test_demo_site_states_each_setting_and_they_are_the_defaults() -> None:
    settings = load_printer_settings(DEMO)
    assert settings.profile == PrinterProfile()
    entry = load_site(DEMO).printers[0]
    assert all(getattr(entry, k) is not None for k in PrinterEntry.model_fields if k != "id")


def test_diag_devices_prints_with_the_site_settings(tmp_path: Path) -> None:
    emu = PrinterEmulator(port=0, control_port=0, out_dir=tmp_path)
    emu.start()
    try:
        url = f"tcp://127.0.0.1:{emu.port}"
        entry = PrinterEntry(id="p", url=url, paper_mm=58, chinese_mode_bytes=False)
        line = diag_devices_printer(entry)
        assert line.verdict == "OK"
        assert "58 mm" in line.what_to_do and "no Chinese mode bytes" in line.what_to_do
    finally:
        emu.stop()


def test_diag_printer_and_kiosk_read_the_site_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu = PrinterEmulator(port=0, control_port=0, out_dir=tmp_path)
    emu.start()
    try:
        path = _site(
            tmp_path, f"url = 'tcp://127.0.0.1:{emu.port}'\npaper_mm = 58\nraster_cjk = true\n"
        )
        assert main(["diag", "printer", "--config", str(path), "--test-ticket"]) == 0
        out = capsys.readouterr().out
        assert "printer kiosk-1 (tcp://" in out
        assert "settings: 58 mm, Chinese drawn as images" in out
        assert emu.wait_for(1)
        assert emu.receipts[0].images  # the file's raster_cjk reached the bytes
        assert main(["diag", "printer", "--config", str(path), "--paper", "80"]) == 2
        assert "settings come from the site file; drop ['--paper']" in capsys.readouterr().err
    finally:
        emu.stop()


def test_a_profile_passed_in_code_counts_as_settings_beside_the_url() -> None:
    printer = open_printer("mem://?paper=58", profile=PrinterProfile(number_size=2))
    assert (printer.profile.paper_mm, printer.profile.number_size) == (58, 2)
    with pytest.raises(PrinterSettingsError, match="paper_mm = 58 contradicts"):
        printer_settings("mem://?paper=80", base=PrinterProfile(paper_mm=58, number_size=2))
    # the default value of a base profile is not a choice: the url sets it
    assert printer_settings("mem://?paper=58", base=PrinterProfile()).profile.paper_mm == 58
