"""A short-strangle strategy's configuration, validated as it is entered and before it trades.

Percentages are of the premium collected at entry: max_loss_pct 50 stops out when the position
has lost half its premium, max_profit_pct 80 takes profit once 80 % of it is kept. A trailing
rule {trigger_pct 40, lock_pct 20} means: once profit reached 40 %, exit if it falls back to 20 %.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Underlying = Literal["BTC", "ETH"]
NAMED_EXPIRY_RULES = ("nearest_daily", "nearest_weekly")


def _parse_expiry_rule(value: object) -> object:
    """One clear message instead of one per member of the union."""
    if isinstance(value, date) or value in NAMED_EXPIRY_RULES:
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("expiry_rule must be nearest_daily, nearest_weekly or a date YYYY-MM-DD")


ExpiryRule = Annotated[
    Literal["nearest_daily", "nearest_weekly"] | date, BeforeValidator(_parse_expiry_rule)
]


class DeltaBand(BaseModel):
    """Sell the call and the put whose absolute delta lies in [low, high]."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["delta"]
    low: float = Field(gt=0, lt=0.5)
    high: float = Field(gt=0, lt=0.5)

    @model_validator(mode="after")
    def _ordered(self) -> DeltaBand:
        if self.low >= self.high:
            raise ValueError("delta band low must be less than high")
        return self


class PremiumBand(BaseModel):
    """Sell the call and the put whose mid price (USD per contract) lies in [low, high]."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["premium"]
    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> PremiumBand:
        if self.low >= self.high:
            raise ValueError("premium band low must be less than high")
        return self


StrikeSelection = Annotated[DeltaBand | PremiumBand, Field(discriminator="kind")]


class TrailingStopRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trigger_pct: float = Field(gt=0, le=100)
    lock_pct: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _lock_below_trigger(self) -> TrailingStopRule:
        if self.lock_pct >= self.trigger_pct:
            raise ValueError("trailing stop lock_pct must be less than trigger_pct")
        return self


class StrategyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    underlying: Underlying
    expiry_rule: ExpiryRule
    strike_selection: StrikeSelection
    quantity: int = Field(gt=0, le=100_000, description="contracts per leg")
    entry_time: time
    exit_time: time
    timezone: str = Field(description="IANA time zone of entry_time and exit_time")
    max_loss_pct: float = Field(gt=0, le=1000)
    # A short option cannot keep more than all of its premium.
    max_profit_pct: float = Field(gt=0, le=100)
    trailing_stops: list[TrailingStopRule] = Field(default_factory=list, max_length=20)
    active: bool = False

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("name must not be blank")
        return stripped

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("entry_time", "exit_time")
    @classmethod
    def _naive_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("give the time without an offset; the time zone field applies")
        return value

    @field_validator("trailing_stops")
    @classmethod
    def _distinct_triggers(cls, rules: list[TrailingStopRule]) -> list[TrailingStopRule]:
        triggers = [rule.trigger_pct for rule in rules]
        if len(set(triggers)) != len(triggers):
            raise ValueError("trailing stop trigger_pct values must be distinct")
        return sorted(rules, key=lambda rule: rule.trigger_pct)

    @model_validator(mode="after")
    def _distinct_entry_and_exit(self) -> StrategyConfig:
        if self.entry_time == self.exit_time:
            raise ValueError("entry_time and exit_time must differ")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
