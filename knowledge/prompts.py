"""Prompts and user-facing texts live as files in `prompts/`; this loads and renders them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Template

from knowledge.text import sentences

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


_SLOT = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_FIXED_WORDS = 3  # a sentence of a prompt needs this many words of its own to be told apart from a quote


@cache
def shapes(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """The sentences the prompts named `<prefix>…` render to, in every language, as one pattern:
    each prompt's fixed words as written, each variable as a short run of characters.

    The guard uses it to tell the bot's own lines ("No results document about X is indexed, …")
    from quoted and written ones; a sentence of a prompt made mostly of variables is left out.
    """
    pieces: list[str] = []
    for path in sorted(PROMPTS_DIR.glob("*.md")):
        if not path.name.startswith(prefixes):
            continue
        for line in _read(path.stem).splitlines():
            for sentence in sentences.split(line):
                fixed = _SLOT.split(sentence)[::3]
                if sum(len(part.split()) for part in fixed) >= _FIXED_WORDS:
                    pieces.append(".{1,80}?".join(re.escape(part.strip(" •")) for part in fixed))
    return re.compile("|".join(f"(?:{piece})" for piece in pieces) or r"(?!)")
