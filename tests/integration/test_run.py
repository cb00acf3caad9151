"""`investorbot run --webhook` as a process: PTB's webhook server fed by HTTP, replies to the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

import aiohttp

from tests.commandline import COMMAND
from tests.conftest import SEEDS
from tests.fakes.telegram import TOKEN, FakeBotAPI


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_answers_an_update_and_keeps_the_token_out_of_logs(tmp_path: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    port = _free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "SEEDS_DIR": str(SEEDS),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_URL": "https://bot.example.com",
        "WEBHOOK_SECRET": "s3cret-webhook-token",
        "LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        "run",
        "--webhook",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        (hook,) = await api.wait_for("setWebhook", 1, limit=90)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 10,
                "date": 0,
                "chat": {"id": 55, "type": "private", "first_name": "Ann"},
                "from": {"id": 55, "is_bot": False, "first_name": "Ann"},
                "text": "Why is Alibaba down?",
            },
        }
        path = str(hook.params["url"]).removeprefix("https://bot.example.com")
        async with aiohttp.ClientSession() as http:
            refused = await http.post(f"http://127.0.0.1:{port}{path}", json=update)
            accepted = await http.post(
                f"http://127.0.0.1:{port}{path}",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook-token"},
            )
        (sent,) = await api.wait_for("sendMessage", 1, 55)
        (chart,) = await api.wait_for("sendPhoto", 1, 55, limit=90)  # the first chart loads matplotlib
    finally:
        process.terminate()
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        await api.stop()

    assert hook.params["secret_token"] == "s3cret-webhook-token"
    assert refused.status == 403 and accepted.status == 200
    assert "1.3%" in str(sent.params["text"])
    log = output.decode()
    assert TOKEN not in log and "s3cret-webhook-token" not in log
    assert json.loads(str(chart.params["reply_markup"]))["inline_keyboard"]  # under the move's chart
