"""Real servers a test starts as separate processes: a Chroma server (`chroma run`), and the
`investorbot` roles themselves, each with its log in a file of the test's."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.commandline import COMMAND


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run --path PATH --port N` (the command chromadb installs); yields its URL once it answers."""
    port = free_port()
    command = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    log = (path.parent / "chroma.log").open("w")
    process = subprocess.Popen([command, "run", "--path", str(path), "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("chroma run did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


class Role:
    """One `investorbot` process (a bot replica, a worker) with its own data folder and log file."""

    def __init__(self, name: str, folder: Path, args: list[str], env: dict[str, str]) -> None:
        self.name, self.log_path = name, folder / f"{name}.log"
        data = folder / name
        data.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [*COMMAND, *args],
            cwd=data,
            env={**os.environ, **env, "DATA_DIR": str(data / "data")},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up, as when a machine dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()  # a loaded machine may take longer to shut down; never leave it running
                self.process.wait(timeout=20)
        self._log.close()
