"""The one typed settings object, read from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGED_MODEL = "all-MiniLM-L6-v2"


def _user_cache() -> Path:
    """The user's cache folder (XDG_CACHE_HOME, else ~/.cache), for files worth keeping across data folders."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "investorbot"


class Settings(BaseSettings):
    """Everything the bot and the knowledge pipeline can be configured with."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Path("./data")
    database_url: str = ""
    seeds_dir: Path = Path("./seeds")
    embedding_model: str = PACKAGED_MODEL
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = "onnx-int8"
    embedding_batch_size: int = Field(default=32, ge=1)
    # The ONNX export of the embedding model is made once per machine, not once per DATA_DIR.
    model_cache_dir: Path = Field(default_factory=lambda: _user_cache() / "models")

    chunk_size: int = Field(default=900, ge=200)
    chunk_overlap: int = Field(default=120, ge=0)
    top_k: int = Field(default=6, ge=1, le=20)
    # How near (embedding similarity, words boosted) a retrieved line must come to the question's
    # focus for the sources to count as answering it: fitted by `benchmarks/coverage.py` on half of
    # the labelled questions (0.517 on 2026-12-04), the error rates reported on the other half.
    coverage_threshold: float = Field(default=0.52, ge=0, le=2)

    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_model: str = ""
    llm_timeout_seconds: float = Field(default=30.0, gt=0)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    llm_context_tokens: int = Field(default=3000, ge=200)
    llm_max_tokens: int = Field(default=400, ge=16)

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    questions_per_minute: int = Field(default=5, ge=1)
    group_messages_per_minute: int = Field(default=20, ge=1)
    # How long a Bot API response may take to arrive: a request given up too early is sent again, and a
    # getUpdates batch read too late is delivered twice (the same question answered twice).
    telegram_read_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_question_length: int = Field(default=1000, ge=10)
    # Inline mode (`@bot BABA` in any chat): Telegram drops an answer that comes too late, so the
    # answer there is the offline one, given up after INLINE_TIMEOUT_SECONDS; clients may reuse it
    # for INLINE_CACHE_SECONDS.
    inline_timeout_seconds: float = Field(default=5.0, gt=0, le=10)
    inline_cache_seconds: int = Field(default=300, ge=0, le=86400)
    # A TLS-terminating proxy on the same machine forwards to the webhook server; a container
    # (deploy/compose.yaml) sets 0.0.0.0 to be reachable on its network.
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")

    sources_file: Path = Path("./sources.toml")
    refresh_interval_minutes: int = Field(default=60, ge=0)
    http_timeout_seconds: float = Field(default=20.0, gt=0)
    sec_data_url: str = "https://data.sec.gov"
    sec_archives_url: str = "https://www.sec.gov"
    sec_user_agent: str = ""
    allow_private_urls: bool = False
    private_url_allowlist: Annotated[tuple[str, ...], NoDecode] = ()
    max_document_mb: float = Field(default=25.0, gt=0)
    # Limits on what a source may cost (see knowledge/sources/limits.py): a body's size once unpacked,
    # one download's time (retries and redirects included), a whole refresh's time, and the text
    # taken from one document (any format).
    max_download_mb: float = Field(default=40.0, gt=0, le=4096)
    fetch_deadline_seconds: float = Field(default=120.0, gt=0, le=3600)
    refresh_deadline_seconds: float = Field(default=1800.0, gt=0, le=7 * 24 * 3600)
    max_document_text_mb: float = Field(default=10.0, gt=0, le=1024)
    index_lock_wait_seconds: float = Field(default=600.0, ge=0)
    index_poll_seconds: float = Field(default=2.0, gt=0)
    stale_chunk_grace_seconds: float = Field(default=30.0, ge=0)

    chroma_url: str = ""
    chroma_auth_header: str = "Authorization"
    chroma_auth_token: SecretStr = SecretStr("")

    price_provider: Literal["csv", "tiingo"] = "csv"
    # The sample bars in SEEDS_DIR/prices (written for the demo stories, not market data): imported
    # when no bars are stored, and the csv provider's folder when PRICES_DIR is unset. On for the
    # offline demo; .env.example, the production template, turns it off.
    seed_prices: bool = True
    prices_dir: Path | None = None
    tiingo_api_key: SecretStr = SecretStr("")
    tiingo_url: str = "https://api.tiingo.com"
    price_history_days: int = Field(default=730, ge=30)
    price_benchmarks: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    # "inline": changes to the index run in the bot's process (the single-machine default);
    # "queue": they run as jobs in PostgreSQL (DATABASE_URL), executed by `investorbot worker`.
    jobs: Literal["inline", "queue"] = "inline"
    job_stalled_seconds: float = Field(default=30.0, ge=2)
    refresh_cron: str = ""  # the scheduled refresh as a cron line; default from REFRESH_INTERVAL_MINUTES

    # Watchlists, alerts and digests (knowledge/push): companies per chat; an alert for a session whose
    # |z-score| or |change %| reaches these; alerts per chat and hour (the rest become one "and N
    # more"); how old a newly indexed document may be and still be pushed; how often the process
    # that drains the outbox (the bot with JOBS=inline, the worker with JOBS=queue) looks.
    watchlist_max: int = Field(default=30, ge=1, le=500)
    alert_zscore: float = Field(default=2.5, gt=0)
    alert_move_pct: float = Field(default=5.0, gt=0)
    alerts_per_hour: int = Field(default=6, ge=1)
    alert_document_days: int = Field(default=3, ge=1)
    push_interval_seconds: float = Field(default=60.0, ge=1)
    # A sender that stops (killed, lost) holds the outbox this long before another process may drain it.
    push_lease_seconds: float = Field(default=60.0, ge=1)

    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_listen: str = "127.0.0.1"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, value: str) -> str:
        """postgres:// and postgresql:// (what hosting providers hand out) mean PostgreSQL through
        psycopg, the driver installed; anything but PostgreSQL or SQLite is refused in one line."""
        scheme, separator, rest = value.strip().partition("://")
        if not value.strip():
            return ""
        if not separator:
            raise ValueError("not a database URL; use postgresql://user:password@host/db or sqlite:///path")
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        if scheme not in ("postgresql+psycopg", "sqlite"):
            raise ValueError(f"{scheme}:// is not supported; use postgresql://user:password@host/db or sqlite:///path")
        return value.strip()

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1, 2,3" as well as a list."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("price_benchmarks", mode="before")
    @classmethod
    def _split_pairs(cls, value: object) -> object:
        """Accept "BABA=KWEB, AAPL=QQQ" as well as a mapping."""
        if isinstance(value, str):
            pairs = (part.split("=", 1) for part in value.split(",") if "=" in part)
            return {key.strip().upper(): target.strip().upper() for key, target in pairs}
        return value

    @field_validator("private_url_allowlist", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """Accept "10.1.0.0/16, intranet-host" as well as a list."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def models_dir(self) -> Path:
        """Where the ONNX export of the embedding model is kept (made once per machine)."""
        return self.model_cache_dir

    @property
    def max_text_chars(self) -> int:
        """MAX_DOCUMENT_TEXT_MB as characters (a megabyte of text counted as 1,048,576 characters)."""
        return int(self.max_document_text_mb * 1024 * 1024)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_url(self) -> str:
        """DATABASE_URL, or an SQLite file inside DATA_DIR."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'catalog.db').as_posix()}"

    def secrets(self) -> list[SecretStr]:
        """Every secret setting, so that logs can redact them all."""
        return [getattr(self, name) for name, value in self.__dict__.items() if isinstance(value, SecretStr)]

    @property
    def chroma_headers(self) -> dict[str, str]:
        """The header a token-checking proxy in front of the Chroma server expects, if any."""
        token = self.chroma_auth_token.get_secret_value()
        return {self.chroma_auth_header: token} if token else {}

    @property
    def refresh_schedule(self) -> str:
        """The scheduled refresh as a cron line (a sixth field gives seconds); "" when it is off."""
        if self.refresh_cron:
            return self.refresh_cron
        minutes = self.refresh_interval_minutes
        if minutes <= 0:
            return ""
        if minutes < 60:
            return f"*/{minutes} * * * *"
        return f"0 */{max(1, minutes // 60)} * * *" if minutes < 24 * 60 else "0 3 * * *"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
