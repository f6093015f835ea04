from __future__ import annotations

from typing import Any

import pytest

from clearloop.textanalysis.tests import helpers  # noqa: F401  registers "fake"


@pytest.fixture(autouse=True)
def fake_provider(settings: Any) -> None:
    """Every test of this app runs on the fake provider unless it asks for the real one."""
    settings.CLEARLOOP_TEXT_PROVIDER = "fake"
