"""The rating pad's file: the example loads, the command line overrides it, a bad value and a
missing token are refused naming the key and how to get a token."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_display.rating.config import RatingPadConfigError, load_config

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "rating-example.toml"


def test_the_example_loads_and_the_command_line_overrides_it() -> None:
    config = load_config(EXAMPLE)
    assert config.counter == 3 and config.pad_name == "rating-3"
    assert config.screen.orientation == "landscape" and config.screen.thanks_s == 6
    changed = load_config(
        EXAMPLE, counter=5, server_url="http://10.0.0.2:8000", orientation="portrait"
    )
    assert changed.counter == 5 and changed.server.url == "http://10.0.0.2:8000"
    assert changed.screen.orientation == "portrait" and changed.screen.language == "zh"
    assert load_config(None, counter=2).pad_name == "rating-2"


def test_bad_values_and_a_missing_token_are_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "pad.toml"
    bad.write_text('counter = 0\n[screen]\norientation = "sideways"\n', encoding="utf-8")
    with pytest.raises(RatingPadConfigError) as info:
        load_config(bad)
    assert "counter" in str(info.value) and "screen.orientation" in str(info.value)
    with pytest.raises(RatingPadConfigError, match="counter: Field required"):
        load_config(None)
    monkeypatch.delenv("BRANCHQ_DEVICE_TOKEN", raising=False)
    with pytest.raises(RatingPadConfigError, match="--role rating_pad"):
        load_config(None, counter=4).server.resolve_token("rating-4")
    monkeypatch.setenv("BRANCHQ_DEVICE_TOKEN", " secret-token \n")
    assert load_config(None, counter=4).server.resolve_token("rating-4") == "secret-token"
