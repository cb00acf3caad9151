"""Logs of every command: readable (or one JSON object a line) on stderr, and no secret in them.
The bot token is part of every Bot API URL that httpx would log, and model endpoints echo API keys
back in their error messages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter
from rich.console import Console
from rich.logging import RichHandler

from knowledge.settings import Settings
from knowledge.sources.address import scrub


def setup(settings: Settings, console: Console, verbose: bool, service: bool) -> None:
    """Logging for this process, with every configured secret redacted.

    The bot and the worker log what they do at LOG_LEVEL; a one-off command shows progress and
    its result, and only warnings from below (`-v` shows everything).
    """
    level = (
        settings.log_level.upper()
        if service
        else max(logging.WARNING, logging.getLevelName(settings.log_level.upper()))
    )
    if settings.log_format == "json":  # one object per line for log shippers
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=False))
    elif console.is_terminal:
        handler = RichHandler(console=console, show_path=False, rich_tracebacks=True)
    else:  # a file or a journal: one line per record, never wrapped at the console's width
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else level, format="%(name)s: %(message)s", handlers=[handler])
    # matplotlib logs every font it weighs for each label at DEBUG: thousands of lines per chart.
    for noisy in ("httpcore", "chromadb", "sentence_transformers", "transformers", "bm25s", "alembic", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The PDF library's complaints about a file's internals: the file's one error line says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    protect(secrets_of(settings))


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold."""
    return [value.get_secret_value() for value in settings.secrets() if value.get_secret_value()]


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= 6:
            text = text.replace(secret, "***")
    return text


class RedactSecrets(logging.Filter):
    """Replaces every occurrence of the given secrets in a record's message with ***, and reduces
    every URL in it to scheme, host and path (a feed's query string may hold its API key)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._clean(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from the exception itself: redact them too.
            text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.msg, record.args = f"{redacted}\n{text}", None
            record.exc_info, record.exc_text = None, None
        return True

    def _clean(self, text: str) -> str:
        return scrub(redact(text, self._secrets))


def protect(secrets: Iterable[str]) -> None:
    """Install the filter on every handler of the root logger."""
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    # httpx logs each request URL (token included) at INFO; only its warnings are worth keeping.
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)
