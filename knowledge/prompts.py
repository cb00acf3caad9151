"""Prompts and user-facing texts live as files in `prompts/`; this loads and renders them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class PromptError(KeyError):
    """A prompt file is missing or a variable it needs was not given."""


@cache
def _read(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt file {path.name} in {PROMPTS_DIR}")
    return path.read_text(encoding="utf-8").strip()


def render(name: str, language: str | None = None, **variables: object) -> str:
    """Render `prompts/<name>[.<language>].md`, raising on any missing variable."""
    key = f"{name}.{language}" if language else name
    try:
        template = Template(_read(key))
    except PromptError:
        if language in (None, "en"):
            raise
        template = Template(_read(f"{name}.en"))
    try:
        return template.substitute(variables)
    except KeyError as missing:
        raise PromptError(f"prompt {key} needs variable {missing}") from None
