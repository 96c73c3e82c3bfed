"""Settings read from secret files and the environment; production refuses placeholder secrets."""

from __future__ import annotations

import os
import re
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# Characters no secret may hold (the play refuses them too): a secret is one line of text.
SECRET_FORBIDDEN_CHARACTERS = ("\n", "\r", "\x00")
SECRETS_REQUIRED_IN_PRODUCTION = (
    "JWT_SECRET",
    "LOG_INGEST_API_KEY",
    "ADMIN_PASSWORD",
    "OPS_API_TOKEN",
)
SQLITE_URL_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")
# A setting whose value is a secret: left out of the settings' repr (an error report or a failing
# test prints it), never in a log line's free text, nor in a notification.
SecretSetting = Annotated[str, Field(repr=False)]
# An Apprise URL: a scheme, then anything without spaces (the service checks the rest).
_NOTIFY_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_HOST_PORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}$")


class ConfigurationError(ValueError):
    """A setting is missing or unusable; the message names the variable."""


def placeholder_pattern() -> re.Pattern[str]:
    """The placeholder rule of secret_placeholders.txt, which the play reads as well."""
    text = files("control_plane").joinpath("secret_placeholders.txt").read_text(encoding="utf-8")
    patterns = [line for line in text.splitlines() if line and not line.startswith("#")]
    return re.compile(f"^(?:{'|'.join(patterns)})?$", re.IGNORECASE)


PLACEHOLDER_PATTERN = placeholder_pattern()


def is_placeholder(value: str | None) -> bool:
    return value is None or bool(PLACEHOLDER_PATTERN.match(value.strip()))


class SecretFilesSource(PydanticBaseSettingsSource):
    """Settings from files named after them in SECRETS_DIR (compose secrets), exactly as written.

    pydantic-settings' own secrets_dir strips each value, which would change a secret.
    """

    def __init__(self, settings_cls: type[BaseSettings], directory: str | Path | None) -> None:
        super().__init__(settings_cls)
        self.directory = Path(directory) if directory else None

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if self.directory is None:
            return {}
        if not self.directory.is_dir():
            raise ConfigurationError(f"SECRETS_DIR: {self.directory} is not a directory")
        values: dict[str, Any] = {}
        for name in self.settings_cls.model_fields:
            path = self.directory / name
            if path.is_file():
                values[name] = read_secret_file(name, path)
        return values


def read_secret_file(name: str, path: Path) -> str:
    """The file's text, byte for byte (no stripping); refused when it is not one line of UTF-8."""
    try:
        value = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigurationError(f"{name}: the secret file {path} is not UTF-8 text") from None
    if any(character in value for character in SECRET_FORBIDDEN_CHARACTERS):
        raise ConfigurationError(
            f"{name}: the secret file {path} holds a line break or NUL; a secret is one line"
        )
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")

    # Directory of one file per secret setting (JWT_SECRET, ...); a file wins over the environment.
    SECRETS_DIR: Path | None = None
    APP_ENV: Literal["development", "production", "test"] = "development"
    DATABASE_URL: str = "sqlite+aiosqlite:///./data/delta_trader.db"
    LOG_INGEST_API_KEY: SecretSetting = ""
    DELTA_API_KEY: SecretSetting = ""
    DELTA_API_SECRET: SecretSetting = ""
    DELTA_BASE_URL: str = "https://api.india.delta.exchange"
    DELTA_TIMEOUT_SECONDS: float = 5.0
    DELTA_MAX_ATTEMPTS: int = 4
    # Live sessions trade real money: refused unless this is on and the API key is set.
    LIVE_TRADING_ENABLED: bool = False
    # Delta's dead-man switch: cancels the account's option orders when not renewed in time.
    DELTA_HEARTBEAT_ID: str = "delta-strangle-control-plane"
    DELTA_HEARTBEAT_TTL_SECONDS: float = 30.0
    # Bearer token of the deploy's ops endpoints (/api/ops/*) and `control-plane ops`; empty
    # turns them off (401).
    OPS_API_TOKEN: SecretSetting = ""
    ALLOWED_ORIGINS: str = "http://localhost:3000"
    JWT_SECRET: SecretSetting = "dev-only-jwt-secret-not-for-production"
    # An access token lives minutes; the auth session it is bound to (and its refresh token)
    # ends SESSION_MAX_HOURS after sign-in, whatever the refreshes.
    ACCESS_TOKEN_MINUTES: int = 10
    SESSION_MAX_HOURS: int = 12
    ADMIN_USERNAME: str = "admin"
    ADMIN_PASSWORD: SecretSetting = ""
    ARGON2_TIME_COST: int = 3
    ARGON2_MEMORY_COST_KIB: int = 65536
    LOG_LEVEL: str = "INFO"
    BACKEND_LOG_INGEST_ENABLED: bool = True
    BACKEND_LOG_PATH: Path = Path("./logs/backend.log")
    # The edge's access log (logs/edge/access.log in the stack), tailed beside the backend's as
    # source "edge"; empty: not tailed.
    EDGE_ACCESS_LOG_PATH: Path | None = None
    BACKEND_LOG_POLL_INTERVAL: float = 0.5
    BACKEND_LOG_BATCH_SIZE: int = 20000
    BACKEND_LOG_RETENTION_DAYS: int = 7
    # Rows retention deletes are kept first in data/archive/ (control_plane.logs.archive).
    BACKEND_LOG_ARCHIVE_ENABLED: bool = True
    # Days an archive is kept after its rows' day, whole days at a time; 0 keeps them forever.
    BACKEND_LOG_ARCHIVE_KEEP_DAYS: int = 0
    # The edge's HTTPS listener as the backend reaches it (edge:443) and the name to ask it for
    # (SNI): the certificate's expiry in the health detail and /metrics. Empty: not probed.
    EDGE_TLS_PROBE_ADDRESS: str = ""
    EDGE_TLS_SERVER_NAME: str = ""
    READY_MAX_LAG_BYTES: int = 50 * 1024 * 1024
    READY_MAX_POSITION_AGE_SECONDS: float = 120.0
    READY_MIN_FREE_BYTES: int = 200 * 1024 * 1024
    ENGINE_ENABLED: bool = True
    ENGINE_TICK_SECONDS: float = 5.0
    KILL_SWITCH_DAILY_LOSS_LIMIT: float = 500.0
    WS_UPDATE_INTERVAL_SECONDS: float = 1.0
    GIT_SHA: str = "unknown"
    BUILD_TIME: str = "unknown"
    # Apprise URLs of the operators' channels (a secret), separated by spaces or commas; empty
    # turns notifications off. The host's name they give, and the base URL of the Log Viewer
    # links they carry (https://<the edge's domain>; none when empty).
    NOTIFY_URLS: SecretSetting = ""
    NOTIFY_HOST_NAME: str = ""
    NOTIFY_LINK_BASE_URL: str = ""
    # The bearer token Alertmanager shows the alert relay (monitoring profile; Ansible derives it
    # from JWT_SECRET). Only the relay's container is given it.
    ALERT_RELAY_TOKEN: SecretSetting = ""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        init_kwargs = getattr(init_settings, "init_kwargs", {})
        directory = init_kwargs.get("SECRETS_DIR", os.environ.get("SECRETS_DIR"))
        secret_files = SecretFilesSource(settings_cls, directory)
        return init_settings, secret_files, env_settings, dotenv_settings, file_secret_settings

    @field_validator("DATABASE_URL")
    @classmethod
    def _sqlite_only(cls, value: str) -> str:
        if not value.startswith(SQLITE_URL_PREFIXES):
            raise ValueError("DATABASE_URL must be a sqlite URL (sqlite+aiosqlite:///PATH)")
        return value

    @field_validator(
        "ENGINE_TICK_SECONDS",
        "KILL_SWITCH_DAILY_LOSS_LIMIT",
        "WS_UPDATE_INTERVAL_SECONDS",
        "DELTA_HEARTBEAT_TTL_SECONDS",
    )
    @classmethod
    def _positive_number(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    @field_validator("BACKEND_LOG_BATCH_SIZE", "ACCESS_TOKEN_MINUTES", "SESSION_MAX_HOURS")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("EDGE_ACCESS_LOG_PATH", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("NOTIFY_URLS")
    @classmethod
    def _apprise_urls(cls, value: str) -> str:
        # The value is a secret: a bad URL is named by its position only.
        for position, url in enumerate(split_notify_urls(value), start=1):
            if not _NOTIFY_URL.match(url):
                raise ValueError(f"URL {position} is not an Apprise URL (scheme://...)")
        return value

    @field_validator("EDGE_TLS_PROBE_ADDRESS")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        if value and not _HOST_PORT.match(value):
            raise ValueError("must be host:port (e.g. edge:443), or empty")
        return value

    @field_validator("NOTIFY_LINK_BASE_URL")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (or be empty)")
        return value

    @model_validator(mode="after")
    def _archives_outlive_the_rows(self) -> Settings:
        keep = self.BACKEND_LOG_ARCHIVE_KEEP_DAYS
        if keep < 0 or 0 < keep <= self.BACKEND_LOG_RETENTION_DAYS:
            raise ValueError(
                "BACKEND_LOG_ARCHIVE_KEEP_DAYS must be 0 (keep forever) or more than"
                f" BACKEND_LOG_RETENTION_DAYS ({self.BACKEND_LOG_RETENTION_DAYS}), not {keep}:"
                " an archive is written when its rows are that old"
            )
        return self

    @model_validator(mode="after")
    def _access_token_within_session(self) -> Settings:
        if self.ACCESS_TOKEN_MINUTES > self.SESSION_MAX_HOURS * 60:
            raise ConfigurationError("ACCESS_TOKEN_MINUTES must not exceed SESSION_MAX_HOURS")
        return self

    @model_validator(mode="after")
    def _heartbeat_outlives_a_tick(self) -> Settings:
        # Renewed once a tick: a TTL under two ticks would let the switch fire on a slow tick.
        if self.DELTA_HEARTBEAT_TTL_SECONDS < 2 * self.ENGINE_TICK_SECONDS:
            raise ConfigurationError(
                "DELTA_HEARTBEAT_TTL_SECONDS must be at least twice ENGINE_TICK_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _one_tailer_per_file(self) -> Settings:
        # Both would follow one file under one position row, storing each line twice.
        if self.EDGE_ACCESS_LOG_PATH is not None and (
            self.EDGE_ACCESS_LOG_PATH.resolve() == self.BACKEND_LOG_PATH.resolve()
        ):
            raise ConfigurationError("EDGE_ACCESS_LOG_PATH must not be BACKEND_LOG_PATH")
        return self

    @property
    def live_trading_refusal(self) -> str | None:
        """Why a live session cannot start here, or None when it can."""
        if not self.LIVE_TRADING_ENABLED:
            return "live trading is off on this deployment (LIVE_TRADING_ENABLED=false)"
        if is_placeholder(self.DELTA_API_KEY) or is_placeholder(self.DELTA_API_SECRET):
            return "live trading needs DELTA_API_KEY and DELTA_API_SECRET"
        return None

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.APP_ENV == "production":
            for name in SECRETS_REQUIRED_IN_PRODUCTION:
                if is_placeholder(getattr(self, name)) or (
                    name == "JWT_SECRET" and Settings.model_fields[name].default == self.JWT_SECRET
                ):
                    raise ConfigurationError(
                        f"{name} is missing or a placeholder; set a real secret for production"
                    )
            if self.LIVE_TRADING_ENABLED and self.live_trading_refusal:
                raise ConfigurationError(
                    "LIVE_TRADING_ENABLED=true: DELTA_API_KEY and DELTA_API_SECRET must be real"
                )
        return self

    @cached_property
    def database_path(self) -> Path:
        for prefix in SQLITE_URL_PREFIXES:
            if self.DATABASE_URL.startswith(prefix):
                return Path(self.DATABASE_URL.removeprefix(prefix))
        raise ConfigurationError("DATABASE_URL must be a sqlite URL")

    @property
    def async_database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database_path}"

    @property
    def data_dir(self) -> Path:
        return self.database_path.parent

    @property
    def notify_urls(self) -> list[str]:
        return split_notify_urls(self.NOTIFY_URLS)

    @property
    def allowed_origins(self) -> list[str]:
        return [o.strip() for o in self.ALLOWED_ORIGINS.split(",") if o.strip()]


def split_notify_urls(value: str) -> list[str]:
    return [url for url in re.split(r"[\s,]+", value) if url]


def secret_setting_names() -> tuple[str, ...]:
    return tuple(name for name, field in Settings.model_fields.items() if not field.repr)


def secret_values(settings: Settings) -> list[str]:
    """The values of the secret settings, and each notification URL on its own."""
    values = [str(getattr(settings, name) or "") for name in secret_setting_names()]
    return [value for value in values + settings.notify_urls if value]


def load_settings() -> Settings:
    """Build Settings, turning a validation failure into one line naming the variable."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        if name == "settings" or not first.get("loc"):
            raise ConfigurationError(message) from None
        raise ConfigurationError(f"{name}: {message}") from None
