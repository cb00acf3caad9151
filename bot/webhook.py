"""The webhook server: Telegram posts updates here; several replicas may serve the same URL.

Built on tornado, as PTB's own webhook server is, with what a replica behind a load balancer
needs on top: an update the library cannot parse is acknowledged and skipped (an error answer
would make Telegram redeliver it, holding back every later update), and `/healthz` answers the
balancer's checks.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.app import BotApplication
from bot.telegram_api import allowed_updates, parseable
from knowledge.settings import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Anyone who can reach the server and guess the secret can post updates "from" an admin.
MIN_SECRET_LENGTH = 32
# What Telegram accepts as a secret_token (setWebhook).
_SECRET_FORM = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET_LENGTH},256}}")


class UpdateHandler(tornado.web.RequestHandler):
    """POST an update: checked against the secret, parsed leniently, queued for the application."""

    def initialize(self, bot_application: BotApplication, secret: str) -> None:
        self._application, self._secret = bot_application, secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        # Always checked, in constant time; bytes, since compare_digest refuses non-ASCII text.
        if not hmac.compare_digest(given, self._secret.encode()):
            log.warning("refused a webhook request without the right secret from %s", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(self.request.body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="not JSON") from None
        bot = self._application.bot
        update = Update.de_json(parseable(data, bot), bot)
        if update is not None:
            await self._application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # tornado would log the request URI, whose path is derived from the bot token.
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook request failed: %s", value)


class HealthHandler(tornado.web.RequestHandler):
    """GET: 200 while the application runs (for load balancers and orchestrators)."""

    def initialize(self, bot_application: BotApplication) -> None:
        self._application = bot_application

    def get(self) -> None:
        self.set_status(HTTPStatus.OK if self._application.running else HTTPStatus.SERVICE_UNAVAILABLE)
        self.write({"running": self._application.running})


class WebhookSecretError(ValueError):
    """WEBHOOK_SECRET is missing or too short to keep forged updates out."""


def check_secret(settings: Settings) -> str:
    """The webhook secret, or WebhookSecretError saying in one line how to make one."""
    secret = settings.webhook_secret.get_secret_value()
    if not _SECRET_FORM.fullmatch(secret):
        raise WebhookSecretError(
            f"webhook mode needs WEBHOOK_SECRET: {MIN_SECRET_LENGTH} to 256 characters of A-Z, a-z, 0-9, _ and - "
            """(make one with `python -c "import secrets; print(secrets.token_urlsafe(32))"`)"""
        )
    return secret


def url_path(settings: Settings) -> str:
    """An unguessable-enough path: the bot id part of the token, never the secret part."""
    return settings.telegram_bot_token.get_secret_value().split(":")[0]


async def serve(application: BotApplication, settings: Settings) -> None:
    """Run the application behind the webhook server until SIGINT or SIGTERM."""
    secret = check_secret(settings)  # refused before anything listens
    path = url_path(settings)
    web = tornado.web.Application(
        [
            (rf"/{path}/?", UpdateHandler, {"bot_application": application, "secret": secret}),
            (r"/healthz", HealthHandler, {"bot_application": application}),
        ],
        log_function=lambda handler: None,  # access logs would carry the token-derived path
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            server = HTTPServer(web, xheaders=True)
            server.listen(settings.webhook_port, settings.webhook_listen)
            await application.bot.set_webhook(
                url=f"{settings.webhook_url.rstrip('/')}/{path}",
                secret_token=secret,
                allowed_updates=allowed_updates(application),
            )
            log.info("webhook server listening on %s:%d", settings.webhook_listen, settings.webhook_port)
            try:
                await stop.wait()
            finally:
                server.stop()
                await application.stop()
                if application.post_stop is not None:
                    await application.post_stop(application)
    finally:  # as run_polling does: the services are released after the application shut down
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
