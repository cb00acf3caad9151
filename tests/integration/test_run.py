"""`investorbot run --webhook` as a process: PTB's webhook server fed by HTTP, replies to the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

import aiohttp

from tests.commandline import COMMAND, run_cli
from tests.conftest import SEEDS
from tests.fakes.telegram import TOKEN, FakeBotAPI

SECRET = "q0Jv7tHn3Z-8mWk_2pRr5xYc9LbA1sDe"  # 32 characters, as check_secret wants at least
ADMIN = 56


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
        "WEBHOOK_PORT": str(port),  # WEBHOOK_LISTEN unset: loopback only
        "WEBHOOK_URL": "https://bot.example.com",
        "WEBHOOK_SECRET": SECRET,
        "ADMIN_USER_IDS": str(ADMIN),
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
        forged = _admin_command(2, "/removesource 1")
        path = str(hook.params["url"]).removeprefix("https://bot.example.com")
        url = f"http://127.0.0.1:{port}{path}"
        wrong = [{}, {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "x"}, {"X-Telegram-Bot-Api-Secret-Token": "ü"}]
        async with aiohttp.ClientSession() as http:
            refused = [(await http.post(url, json=forged, headers=headers)).status for headers in wrong]
            accepted = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        (sent,) = await api.wait_for("sendMessage", 1, 55)
        (chart,) = await api.wait_for("sendPhoto", 1, 55, limit=90)  # the first chart loads matplotlib
    finally:
        process.terminate()
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        await api.stop()

    assert hook.params["secret_token"] == SECRET
    assert refused == [403, 403, 403] and accepted.status == 200
    assert "1.3%" in str(sent.params["text"])
    assert api.sent("sendMessage", ADMIN) == []  # the forged admin command ran nowhere
    log = output.decode()
    assert TOKEN not in log and SECRET not in log
    assert f"listening on 127.0.0.1:{port}" in log
    assert json.loads(str(chart.params["reply_markup"]))["inline_keyboard"]  # under the move's chart


def _admin_command(update_id: int, text: str) -> dict[str, object]:
    """An update as an attacker would forge it: a command "from" an admin's private chat."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 11,
            "date": 0,
            "chat": {"id": ADMIN, "type": "private", "first_name": "Admin"},
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Admin"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}],
        },
    }


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path / "data",
        "run",
        "--webhook",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # nothing there: a started bot would fail differently
        WEBHOOK_URL="https://bot.example.com",
        WEBHOOK_SECRET="",
    )

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "WEBHOOK_SECRET" in line and "secrets.token_urlsafe(32)" in line
    assert TOKEN not in result.stderr + result.stdout


async def test_a_wrong_token_is_one_line_naming_the_setting_and_never_printed(tmp_path: Path) -> None:
    api = FakeBotAPI()
    api.refused_token = TOKEN
    await api.start()
    try:
        result = await asyncio.to_thread(
            run_cli, tmp_path / "data", "run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url, LOG_LEVEL="WARNING"
        )
    finally:
        await api.stop()

    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN" in line and "@BotFather" in line
    assert TOKEN not in result.stderr + result.stdout and TOKEN.split(":")[1] not in result.stderr
