"""Settings read from the environment; production refuses missing or placeholder secrets."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_PATTERN = re.compile(
    r"^(|changeme|change[-_ ]?me.*|replace[-_ ]?me.*|placeholder|secret|password|admin|"
    r"default|todo|xxx+|your[-_ ].*|<.*>)$",
    re.IGNORECASE,
)
SECRETS_REQUIRED_IN_PRODUCTION = ("JWT_SECRET", "LOG_INGEST_API_KEY", "ADMIN_PASSWORD")
SQLITE_URL_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")


class ConfigurationError(ValueError):
    """A setting is missing or unusable; the message names the variable."""


def is_placeholder(value: str | None) -> bool:
    return value is None or bool(PLACEHOLDER_PATTERN.match(value.strip()))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")

    APP_ENV: Literal["development", "production", "test"] = "development"
    DATABASE_URL: str = "sqlite+aiosqlite:///./data/delta_trader.db"
    LOG_INGEST_API_KEY: str = ""
    DELTA_API_KEY: str = ""
    DELTA_API_SECRET: str = ""
    DELTA_BASE_URL: str = "https://api.india.delta.exchange"
    DELTA_TIMEOUT_SECONDS: float = 5.0
    DELTA_MAX_ATTEMPTS: int = 4
    # Live sessions trade real money: refused unless this is on and the API key is set.
    LIVE_TRADING_ENABLED: bool = False
    # Delta's dead-man switch: cancels the account's option orders when not renewed in time.
    DELTA_HEARTBEAT_ID: str = "delta-strangle-control-plane"
    DELTA_HEARTBEAT_TTL_SECONDS: float = 30.0
    ALLOWED_ORIGINS: str = "http://localhost:3000"
    JWT_SECRET: str = "dev-only-jwt-secret-not-for-production"
    # An access token lives minutes; the auth session it is bound to (and its refresh token)
    # ends SESSION_MAX_HOURS after sign-in, whatever the refreshes.
    ACCESS_TOKEN_MINUTES: int = 10
    SESSION_MAX_HOURS: int = 12
    ADMIN_USERNAME: str = "admin"
    ADMIN_PASSWORD: str = ""
    ARGON2_TIME_COST: int = 3
    ARGON2_MEMORY_COST_KIB: int = 65536
    LOG_LEVEL: str = "INFO"
    BACKEND_LOG_INGEST_ENABLED: bool = True
    BACKEND_LOG_PATH: Path = Path("./logs/backend.log")
    BACKEND_LOG_POLL_INTERVAL: float = 0.5
    BACKEND_LOG_BATCH_SIZE: int = 20000
    BACKEND_LOG_RETENTION_DAYS: int = 7
    READY_MAX_LAG_BYTES: int = 50 * 1024 * 1024
    READY_MAX_POSITION_AGE_SECONDS: float = 120.0
    READY_MIN_FREE_BYTES: int = 200 * 1024 * 1024
    ENGINE_ENABLED: bool = True
    ENGINE_TICK_SECONDS: float = 5.0
    KILL_SWITCH_DAILY_LOSS_LIMIT: float = 500.0
    WS_UPDATE_INTERVAL_SECONDS: float = 1.0
    GIT_SHA: str = "unknown"
    BUILD_TIME: str = "unknown"

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
    def allowed_origins(self) -> list[str]:
        return [o.strip() for o in self.ALLOWED_ORIGINS.split(",") if o.strip()]


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
