from pathlib import Path

import pytest

from drivers.site import SiteConfigError, load_site

DEMO = Path(__file__).resolve().parents[2] / "deploy" / "site-demo.toml"


def test_demo_site_file_loads_with_six_panels_on_one_bus() -> None:
    site = load_site(DEMO)
    assert [p.counter for p in site.panels] == [1, 2, 3, 4, 5, 6]
    assert site.bus("bus-1").protocol == "modbus"
    assert site.printers[0].url == "tcp://127.0.0.1:9100"


def test_token_comes_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANCHQ_DEVICE_TOKEN", "s3cret")
    assert load_site(DEMO).server.resolve_token() == "s3cret"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[[panels]]\nid='p'\nbus='nope'\naddress=1\ncounter=1\n", "unknown bus 'nope'"),
        ("[[printers]]\nid='x'\nurl='tcp://h'\nencoding='latin1'\n", "printers.0.encoding"),
        (
            "[[buses]]\nid='b'\nurl='loop://'\n[[panels]]\nid='b'\nbus='b'\naddress=1\ncounter=1\n",
            "repeated: ['b']",
        ),
        (
            "[[buses]]\nid='b'\nurl='loop://'\n[[panels]]\nid='p1'\nbus='b'\naddress=1\ncounter=1\n"
            "[[panels]]\nid='p2'\nbus='b'\naddress=1\ncounter=2\n",
            "address 1 used twice",
        ),
        ("printers = [", "not valid TOML"),
        ("colour = 'red'\n", "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_site_file_names_file_key_and_problem(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SiteConfigError) as err:
        load_site(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_missing_site_file(tmp_path: Path) -> None:
    with pytest.raises(SiteConfigError, match="no such file"):
        load_site(tmp_path / "absent.toml")


def test_blink_register_is_per_panel_and_off_by_default(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        "[[buses]]\nid='b'\nurl='loop://'\n"
        "[[panels]]\nid='p1'\nbus='b'\naddress=1\ncounter=1\nblink_register=0x0005\n"
        "[[panels]]\nid='p2'\nbus='b'\naddress=2\ncounter=2\n",
        encoding="utf-8",
    )
    site = load_site(path)
    assert [p.blink_register for p in site.panels] == [5, None]


def test_blink_register_on_an_ascii_sign_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        "[[buses]]\nid='b'\nurl='loop://'\nprotocol='ascii'\n"
        "[[panels]]\nid='sign'\nbus='b'\naddress=1\ncounter=1\nblink_register=5\n",
        encoding="utf-8",
    )
    with pytest.raises(SiteConfigError, match="panel 'sign' blink_register: ascii signs blink"):
        load_site(path)
