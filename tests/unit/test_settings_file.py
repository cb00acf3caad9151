"""`.env.example` mirrors the settings object field for field."""

from __future__ import annotations

import re

from knowledge.settings import Settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_env_example_and_nothing_else() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert documented == {name.upper() for name in Settings.model_fields}
