"""A fake Telegram Bot API server on loopback, spoken to by the real python-telegram-bot client.

It keeps every request, serves `getUpdates` long polls from a queue of updates the test plays, and
can answer the next N calls of a method with 429 Too Many Requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from bot.app import BotApplication, build_application
from bot.telegram_api import allowed_updates
from knowledge.index.embedder import Embedder
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.bot_role import bot_role

BOT_ID = 777000
BOT_USERNAME = "InvestorTestBot"
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnop"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the fake answered (the sent message, for sendMessage)


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(5000)
        self._fail: dict[str, int] = {}
        self._fail_status: dict[str, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) -> status, for getChatMember
        self.refused: set[int] = set()  # chats that answer 403 (the bot was blocked or removed)
        self._held: dict[str, asyncio.Event] = {}
        self._hold_after: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.refused_token = ""  # a token this server answers 401 Unauthorized, as Telegram does a wrong one

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what a test does -------------------------------------------------------------------
    def fail_next(self, method: str, times: int = 1, status: int = 429) -> None:
        """Answer the next `times` calls of `method` with 429 retry_after 1 (or another error status)."""
        self._fail[method] = times
        self._fail_status[method] = status

    def hold(self, method: str, after: int = 0) -> asyncio.Event:
        """Keep the calls of `method` after the first `after` waiting until the returned event is set
        (requests in flight)."""
        self._held[method] = asyncio.Event()
        self._hold_after[method] = after
        return self._held[method]

    def membership(self, chat: dict[str, Any], status: str, user_id: int = 1) -> None:
        """Play Telegram telling the bot its status in a chat changed (added, removed, blocked)."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Investor", "username": BOT_USERNAME}
        self._push(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
                    "date": int(time.time()),
                    "old_chat_member": _member(bot, "administrator"),
                    "new_chat_member": _member(bot, status),
                }
            }
        )

    def chat(self, chat_id: int, kind: str = "private", title: str = "", username: str = "") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Ann"
        else:
            chat["title"] = title or "Investors"
            chat["is_forum"] = kind != "channel"
        if username:
            chat["username"] = username
        self._chats[chat_id] = chat
        return chat

    def send(
        self,
        chat: dict[str, Any],
        user_id: int,
        text: str,
        *,
        reply_to: dict[str, Any] | None = None,
        thread_id: int | None = None,
        language: str = "en",
    ) -> dict[str, Any]:
        """Play a user writing `text`; command and mention entities are made as Telegram does."""
        update = self.update(chat, user_id, text, reply_to=reply_to, thread_id=thread_id, language=language)
        self._push(update)
        return dict(update["message"])

    def update(
        self,
        chat: dict[str, Any],
        user_id: int,
        text: str,
        *,
        reply_to: dict[str, Any] | None = None,
        thread_id: int | None = None,
        language: str = "en",
    ) -> dict[str, Any]:
        """The update Telegram makes of a user writing `text` (for a webhook, or to queue with `send`)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": language},
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if thread_id is not None:
            message["message_thread_id"], message["is_topic_message"] = thread_id, True
        return {"message": message, "update_id": next(self._ids)}

    def push_raw(self, update: dict[str, Any]) -> None:
        """Play any update as Telegram would send it (malformed ones included)."""
        self._push(update)

    def press(self, chat: dict[str, Any], user_id: int, message: dict[str, Any], data: str) -> None:
        """Play a user pressing an inline button under one of the bot's messages."""
        self._push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )

    def inline(self, user_id: int, query: str, language: str = "en") -> str:
        """Play a user typing `@bot <query>` in some chat; returns the inline query's id."""
        query_id = str(next(self._ids))
        sender = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": language}
        self._push({"inline_query": {"id": query_id, "from": sender, "query": query, "offset": ""}})
        return query_id

    def sent(
        self, method: str = "sendMessage", chat_id: int | None = None, where: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.method == method
            and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)
            and (where is None or where(call))
        ]

    async def wait_for(
        self,
        method: str,
        count: int,
        chat_id: int | None = None,
        limit: float = 30,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """The calls of `method` (to `chat_id`, matching `where`) once there are `count` of them."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            found = self.sent(method, chat_id, where)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        last = [(call.method, str(call.params)[:200]) for call in self.calls[-8:]]
        raise AssertionError(f"expected {count} {method} calls, got {len(self.sent(method, chat_id))}; last: {last}")

    # --- the server -------------------------------------------------------------------------
    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._ids)
        self._updates.append(update)
        self._new_update.set()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.refused_token and request.match_info["token"] == self.refused_token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            # An uploaded file (a chart) arrives as a form field holding its bytes.
            params = {
                key: value.file.read() if isinstance(value, web.FileField) else value for key, value in form.items()
            }
        call = Call(method, params)
        self.calls.append(call)
        if method in self._held and len(self.sent(method)) > self._hold_after[method]:
            await self._held[method].wait()
        if method in ("sendMessage", "sendPhoto") and int(params.get("chat_id", 0)) in self.refused:
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        if self._fail.get(method):
            self._fail[method] -= 1
            if self._fail_status.get(method, 429) != 429:
                status = self._fail_status[method]
                return web.json_response(
                    {"ok": False, "error_code": status, "description": "Bad Gateway"}, status=status
                )
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        problem = _html_problem(params) if method in ("sendMessage", "editMessageText") else None
        if method == "sendPhoto" and params.get("caption"):
            caption = {"text": params["caption"], "parse_mode": params.get("parse_mode")}
            too_long = len(_strip_tags(str(params["caption"]))) > 1024
            problem = "message caption is too long" if too_long else _html_problem(caption)
        if method == "answerInlineQuery":
            problem = next(filter(None, (_html_problem(content) for content in inline_contents(params))), None)
        if problem:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}, status=400
            )
        handler = getattr(self, f"_api_{method}", None)
        result = await handler(params) if handler else True
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Investor",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        offset = int(params.get("offset") or 0)
        allowed = json.loads(params["allowed_updates"]) if params.get("allowed_updates") else None

        def pending() -> list[dict[str, Any]]:
            # As Telegram does: kinds the bot did not ask for are never delivered.
            self._updates = [
                update
                for update in self._updates
                if update["update_id"] >= offset and (allowed is None or set(update) - {"update_id"} <= set(allowed))
            ]
            return list(self._updates)

        if not pending():
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=float(params.get("timeout") or 0))
            except TimeoutError:
                return []
        return pending()

    async def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        wanted = str(params.get("chat_id", ""))
        for chat in self._chats.values():
            if str(chat["id"]) == wanted or f"@{chat.get('username', '')}" == wanted:
                return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": _GIFTS}
        raise web.HTTPBadRequest(
            text=json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
            content_type="application/json",
        )

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        user_id = int(params["user_id"])
        user = {"id": user_id, "is_bot": user_id == BOT_ID, "first_name": f"User{user_id}"}
        return _member(user, self.members.get((int(params["chat_id"]), user_id), "member"))

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = self._message({**params, "text": str(params.get("caption", ""))})
        message["photo"] = [{"file_id": "photo", "file_unique_id": "p", "width": 640, "height": 320}]
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params, int(params.get("message_id", 0)))

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Investor", "username": BOT_USERNAME},
            "text": _strip_tags(str(params.get("text", ""))),
        }
        if params.get("reply_markup"):
            markup = params["reply_markup"]
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        return message


_GIFTS = dict.fromkeys(
    "unlimited_gifts limited_gifts unique_gifts premium_subscription gifts_from_channels".split(), False
)


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember as Telegram sends it, with the fields its status requires."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        rights = (
            "can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
            "can_restrict_members can_promote_members can_change_info can_invite_users can_post_messages "
            "can_post_stories can_edit_stories can_delete_stories"
        )
        member |= dict.fromkeys(rights.split(), True)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


def inline_results(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of an answerInlineQuery call, as sent."""
    results = params.get("results", [])
    return list(json.loads(results) if isinstance(results, str) else results)


def inline_contents(params: dict[str, Any]) -> list[dict[str, Any]]:
    """What each result of an answerInlineQuery call would send, as sendMessage params."""
    contents = []
    for result in inline_results(params):
        content = result.get("input_message_content") or {}
        contents.append({"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode")})
    return contents


_ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"}
)


class _TagChecker(HTMLParser):
    """Telegram's rules for parse_mode=HTML: a few tags, properly nested; everything else escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problem = self.problem or f'can\'t parse entities: unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problem = self.problem or f'can\'t parse entities: unexpected end tag "{tag}"'


def _html_problem(params: dict[str, Any]) -> str | None:
    text = str(params.get("text", ""))
    if len(_strip_tags(text)) > 4096:
        return "message is too long"
    if not text.strip():
        return "message text is empty"
    if params.get("parse_mode") != "HTML":
        return None
    if re.search(r"<(?![a-zA-Z/])|&(?!#?\w+;)", text):
        return "can't parse entities: unescaped < or &"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.stack and not checker.problem:
        return f'can\'t parse entities: unclosed tag "{checker.stack[-1]}"'
    return checker.problem


def bot_application(settings: Settings, embedder: Embedder, answering: type[Answering] = Answering) -> BotApplication:
    """The bot's Application for the settings' role, with the session's embedding model (and an
    answering side a test scripts)."""
    return build_application(settings, functools.partial(bot_role, settings, embedder=embedder, answering=answering))


@contextlib.asynccontextmanager
async def running(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Start the application as run_polling would (post_init included), and stop it afterwards
    (post_stop and post_shutdown included)."""
    await application.initialize()
    assert application.post_init and application.post_stop and application.post_shutdown
    await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=allowed_updates(application))
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        await application.post_shutdown(application)


def _entities(text: str) -> list[dict[str, Any]]:
    entities = []
    command = re.match(r"/\w+(@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command.group(0))})
    for mention in re.finditer(r"@\w+", text):
        if command and mention.start() < command.end():
            continue
        offset = _utf16_len(text[: mention.start()])
        entities.append({"type": "mention", "offset": offset, "length": _utf16_len(mention.group(0))})
    return entities


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)
