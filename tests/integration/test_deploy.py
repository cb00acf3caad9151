"""The deploy files run as written: charts under a read-only home and temp folder, the compose
file's users, volumes, networks and .env, the systemd units' own writable folders, and the
production template of .env that does not serve the sample prices."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.catalog import Catalog
from knowledge.market.prices import Prices
from knowledge.settings import Settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))

CHART = """
import logging, sys, tempfile
from datetime import date, timedelta
from pathlib import Path

tempfile.tempdir = sys.argv[2]  # as under ProtectSystem=strict: no temp folder can be made anywhere
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

from knowledge.catalog import Catalog
from knowledge.market.bars import Bar
from knowledge.market.move import measure
from knowledge.market.prices import Prices
from knowledge.settings import Settings

settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]), seed_prices=False)
catalog = Catalog("sqlite:///" + sys.argv[3])
prices = Prices(settings, catalog)
days = [date(2025, 12, 1) + timedelta(days=n) for n in range(19)]
bars = [Bar("BABA", day, 100.0, 120.0, 99.0, 100.0 + n, 100.0 + n, 1000, "csv") for n, day in enumerate(days)]
prices.book.store(bars)
png = prices.chart(measure(prices.book.bars("BABA")), (), "Alibaba", "en")
sys.stdout.write("none" if png is None else png[:8].hex())
"""


def _run_chart(tmp_path: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The chart drawn in a fresh process whose home and temp folder cannot be written (each is a
    path below a regular file, so that not even root can create anything there)."""
    blocked = tmp_path / "read-only"
    blocked.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MPL", "XDG_")) and key not in ("HOME", "TMPDIR")
    }
    env.update(HOME=str(blocked / "home"), TMPDIR=str(blocked / "tmp"), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", CHART, str(data_dir), str(blocked / "tmp"), str(tmp_path / "catalog.db")]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_chart_is_drawn_with_a_read_only_home_and_temp_folder(tmp_path: Path) -> None:
    result = _run_chart(tmp_path, tmp_path / "data")

    assert result.returncode == 0, result.stderr
    assert result.stdout == b"\x89PNG\r\n\x1a\n".hex()  # a PNG, drawn with its cache in DATA_DIR
    assert (tmp_path / "data" / "matplotlib").is_dir()


def test_a_chart_that_cannot_be_drawn_is_one_warning_line(tmp_path: Path) -> None:
    nowhere = tmp_path / "file"
    nowhere.write_text("")

    result = _run_chart(tmp_path, nowhere / "data")  # not even DATA_DIR can hold matplotlib's cache

    assert result.returncode == 0, result.stderr
    assert result.stdout == "none"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING knowledge")]
    assert len(warnings) == 1 and warnings[0].startswith("WARNING knowledge.market.prices: no chart for BABA:")


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    loaded: dict[str, dict[str, dict[str, object]]] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def _dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_compose_runs_as_the_image_user_on_folders_it_owns() -> None:
    lines = _dockerfile()
    users = [index for index, line in enumerate(lines) if line.startswith("USER ")]
    assert users and lines[users[-1]] == "USER investorbot"
    chowned = {
        folder
        for line in lines[: users[0]]
        if line.startswith("RUN")
        for command in line.split("&&")
        if command.split()[:2] == ["chown", "-R"] and command.split()[2] == "investorbot:investorbot"
        for folder in command.split()[3:]
    }
    services = _compose()["services"]
    ours = {name: service for name, service in services.items() if service.get("image") == "investorbot:latest"}

    assert set(ours) == {"chroma", "replica-a", "replica-b", "worker"}
    for name, service in ours.items():
        assert service.get("user") in (None, "investorbot"), name
        for volume in service.get("volumes", []):  # type: ignore[attr-defined]
            target = str(volume).split(":")[1]
            assert any(target == folder or target.startswith(f"{folder}/") for folder in chowned), (name, target)
    assert "/app/data" in chowned and "/chroma" in chowned


def test_compose_keeps_chroma_inside_and_reads_the_root_env_file() -> None:
    compose = _compose()
    services, networks = compose["services"], compose["networks"]
    chroma = services["chroma"]

    assert "ports" not in chroma and "network_mode" not in chroma
    assert all(networks[name].get("internal") for name in chroma["networks"])  # type: ignore[attr-defined]
    for name in ("replica-a", "replica-b", "worker"):
        env_file = services[name]["env_file"]
        assert (DEPLOY / str(env_file)).resolve() == ROOT / ".env", name
    published = [name for name, service in services.items() if "ports" in service]
    assert published == ["balancer"]


def _unit(path: Path) -> dict[str, list[str]]:
    """A systemd unit's settings, key -> every value given (keys repeat)."""
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.parametrize("path", UNITS, ids=[path.name for path in UNITS])
def test_each_unit_writes_only_to_folders_systemd_makes_for_it(path: Path) -> None:
    unit = _unit(path)
    state, cache = unit.get("StateDirectory", []), unit.get("CacheDirectory", [])
    made = [f"/var/lib/{name}" for value in state for name in value.split()]
    made += [f"/var/cache/{name}" for value in cache for name in value.split()]
    environment = " ".join(unit.get("Environment", []))

    assert state and cache
    assert "strict" in unit.get("ProtectSystem", [])
    for value in unit.get("ReadWritePaths", []):
        for folder in value.split():
            assert any(folder == top or folder.startswith(f"{top}/") for top in made), folder
    if "investorbot " in " ".join(unit["ExecStart"]) or unit["ExecStart"][0].endswith("/investorbot"):
        assert "MPLCONFIGDIR=%C/investorbot/" in environment
        assert "MODEL_CACHE_DIR=%C/investorbot/" in environment
        assert "DATA_DIR=%S/investorbot/" in environment
    else:
        assert "%S/investorbot/" in " ".join(unit["ExecStart"])  # the Chroma server's files


def test_the_polling_bot_has_its_own_unit() -> None:
    unit = _unit(DEPLOY / "systemd" / "investorbot.service")

    assert unit["ExecStart"] == ["/opt/investorbot/.venv/bin/investorbot run"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("path", UNITS, ids=[path.name for path in UNITS])
def test_units_pass_systemd_analyze_verify(tmp_path: Path, path: Path) -> None:
    # An instance name for templates, and this checkout's virtualenv in place of /opt/investorbot's
    # (verify checks that ExecStart's program exists).
    copy = tmp_path / path.name.replace("@.", "@1.")
    copy.write_text(path.read_text().replace("/opt/investorbot/.venv/bin/", f"{Path(sys.executable).parent}/"))

    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_a_copied_env_example_serves_no_sample_prices(tmp_path: Path) -> None:
    settings = Settings(_env_file=ROOT / ".env.example", data_dir=tmp_path / "data")  # type: ignore[call-arg]
    settings.data_dir.mkdir()
    catalog = Catalog(settings.catalog_url)
    prices = Prices(settings, catalog)

    seeded = prices.ensure_seeded()
    refreshed = prices.refresh(["BABA"])

    assert seeded is None and prices.book.count() == 0
    assert refreshed.errors == [] and refreshed.bars_stored == {"BABA": 0}
    catalog.close()
