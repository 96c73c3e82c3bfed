"""ORM models, mapped onto the Core tables of control_plane.db.schema."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped

from control_plane.db import schema


class Base(DeclarativeBase):
    pass


class Strategy(Base):
    __table__ = schema.strategies

    id: Mapped[int]
    name: Mapped[str]
    underlying: Mapped[str]
    expiry_rule: Mapped[str]
    strike_selection: Mapped[dict[str, Any]]
    quantity: Mapped[int]
    entry_time: Mapped[time]
    exit_time: Mapped[time]
    timezone: Mapped[str]
    max_loss_pct: Mapped[float]
    max_profit_pct: Mapped[float]
    trailing_stops: Mapped[list[dict[str, Any]]]
    active: Mapped[bool]
    created_at: Mapped[int]
    updated_at: Mapped[int]
