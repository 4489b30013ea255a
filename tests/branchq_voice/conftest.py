"""The default voice pack, generated once per test session with espeak-ng."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from branchq_voice.make_pack import make_voice_pack
from branchq_voice.pack import VoicePack


@pytest.fixture(scope="session")
def voice_pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: run deploy/dev.sh setup")
    folder = tmp_path_factory.mktemp("voice") / "default"
    make_voice_pack(folder)
    return folder


@pytest.fixture(scope="session")
def voice_pack(voice_pack_dir: Path) -> VoicePack:
    return VoicePack.load(voice_pack_dir)
