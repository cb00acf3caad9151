import logging

import pytest
from pydantic import SecretStr
from telegram import Message

from apps.cli.logs import RedactSecrets
from bot.addressing import question_in
from bot.webhook import WebhookSecretError, check_secret
from knowledge.settings import Settings

BOT = "InvestorTestBot"
BOT_ID = 99


def _message(text: str, chat_type: str = "supergroup", reply_from: int | None = None) -> Message:
    data: dict[str, object] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -5, "type": chat_type},
        "from": {"id": 3, "is_bot": False, "first_name": "A"},
        "text": text,
    }
    mention = f"@{BOT}"
    if mention in text:
        data["entities"] = [{"type": "mention", "offset": text.index(mention), "length": len(mention)}]
    if reply_from is not None:
        data["reply_to_message"] = {
            "message_id": 0,
            "date": 0,
            "chat": {"id": -5, "type": chat_type},
            "from": {"id": reply_from, "is_bot": True, "first_name": "B"},
            "text": "earlier",
        }
    return Message.de_json(data, None)


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (_message("Why is Alibaba down?", "private"), "Why is Alibaba down?"),
        (_message("Why is Alibaba down?"), None),
        (_message(f"@{BOT} why is Alibaba down?"), "why is Alibaba down?"),
        (_message(f"hey @{BOT}, what about JD?"), "hey what about JD?"),
        (_message("and JD?", reply_from=BOT_ID), "and JD?"),
        (_message("and JD?", reply_from=12345), None),
        (_message(f"@{BOT}"), ""),
        (_message("@SomeoneElse why?"), None),
    ],
)
def test_group_messages_count_only_when_addressed_to_the_bot(message: Message, question: str | None) -> None:
    assert question_in(message, BOT, BOT_ID) == question


def test_secrets_never_reach_a_log_line() -> None:
    record = logging.LogRecord("httpx", logging.INFO, "", 0, "POST %s", ("https://x/bot123:SECRET/getMe",), None)

    RedactSecrets(["123:SECRET"]).filter(record)

    assert record.getMessage() == "POST https://x/bot***/getMe"


@pytest.mark.parametrize(
    ("secret", "accepted"),
    [
        ("", False),
        ("x" * 31, False),
        ("spaces are not allowed in a secret", False),
        ("ümlaute-are-not-allowed-either-0123", False),
        ("x" * 257, False),
        ("x" * 32, True),
        ("Zq3_-" * 20, True),
    ],
)
def test_webhook_secret_is_long_and_of_the_characters_telegram_sends(secret: str, accepted: bool) -> None:
    settings = Settings(_env_file=None, webhook_secret=SecretStr(secret))  # type: ignore[call-arg]
    if accepted:
        assert check_secret(settings) == secret
    else:
        with pytest.raises(WebhookSecretError, match="token_urlsafe"):
            check_secret(settings)
