"""Keep secrets out of logs: the bot token is part of every Bot API URL that httpx would log, and
model endpoints echo API keys back in their error messages."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from knowledge.settings import Settings


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold."""
    return [value.get_secret_value() for value in settings.secrets() if value.get_secret_value()]


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= 6:
            text = text.replace(secret, "***")
    return text


class RedactSecrets(logging.Filter):
    """Replaces every occurrence of the given secrets in a record's message with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            redacted = redact(message, self._secrets)
            if redacted != message:
                record.msg, record.args = redacted, None
            if record.exc_info and record.exc_info[1] is not None:
                # Tracebacks are formatted later from the exception itself: redact them too.
                text = redact(logging.Formatter().formatException(record.exc_info), self._secrets)
                record.msg, record.args = f"{redacted}\n{text}", None
                record.exc_info, record.exc_text = None, None
        return True


def protect(secrets: Iterable[str]) -> None:
    """Install the filter on every handler of the root logger."""
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    # httpx logs each request URL (token included) at INFO; only its warnings are worth keeping.
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)
