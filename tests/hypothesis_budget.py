"""How many examples the property-based tests run: two Hypothesis settings profiles.

- ``thorough`` (a plain ``pytest`` run): each test runs the examples it names.
- ``ci`` (``deploy/dev.sh test``, which CI runs): the tests that name hundreds of examples or
  long state machines run 30% of them (at least 10), still derandomized, so CI stays inside its
  time budget while every rule and invariant is still exercised.

``BRANCHQ_HYPOTHESIS_PROFILE=thorough deploy/dev.sh test`` runs CI's checks with every example;
tests/conftest.py loads the profile the variable names (default ``thorough``).
"""

from __future__ import annotations

import os

from hypothesis import settings

THOROUGH = 100  # the thorough profile's max_examples: Hypothesis's own default
settings.register_profile("thorough", max_examples=THOROUGH)
settings.register_profile("ci", max_examples=30)
PROFILES = ("thorough", "ci")


def load_profile() -> str:
    name = os.environ.get("BRANCHQ_HYPOTHESIS_PROFILE", "thorough")
    if name not in PROFILES:
        raise ValueError(f"BRANCHQ_HYPOTHESIS_PROFILE={name!r}; expected one of {PROFILES}")
    settings.load_profile(name)
    return name


def budget(examples: int, *, least: int = 10) -> int:
    """A test's ``max_examples``: ``examples`` under the thorough profile, scaled down (to no
    fewer than ``least``) under the ci profile."""
    scaled = examples * settings.default.max_examples // THOROUGH
    return min(examples, max(least, scaled))
