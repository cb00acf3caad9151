"""`.env.example` mirrors the settings object field for field."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from knowledge.settings import Settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_env_example_and_nothing_else() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert documented == {name.upper() for name in Settings.model_fields}


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/bot", "postgresql+psycopg://u:p@db/bot"),
        ("postgresql://u:p@db/bot", "postgresql+psycopg://u:p@db/bot"),
        ("postgresql+psycopg://u@db/bot", "postgresql+psycopg://u@db/bot"),
        ("sqlite:///data/catalog.db", "sqlite:///data/catalog.db"),
        ("", ""),
    ],
)
def test_database_urls_are_normalised_to_the_installed_driver(given: str, used: str) -> None:
    assert Settings(_env_file=None, database_url=given).database_url == used  # type: ignore[call-arg]


@pytest.mark.parametrize("given", ["mysql://u:secret@db/bot", "db.internal:5432"])
def test_other_database_urls_are_refused_without_echoing_them(given: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, database_url=given)  # type: ignore[call-arg]
    assert "secret" not in raised.value.errors()[0]["msg"]
