"""Suite-wide settings: Qt runs on the offscreen platform (no screen on CI machines)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
