"""ORM models; the schema itself is owned by the Alembic migrations."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Time
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Strategy(Base):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    underlying: Mapped[str] = mapped_column(String)
    expiry_rule: Mapped[str] = mapped_column(String)
    strike_selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    quantity: Mapped[int] = mapped_column(Integer)
    entry_time: Mapped[time] = mapped_column(Time)
    exit_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String)
    max_loss_pct: Mapped[float] = mapped_column(Float)
    max_profit_pct: Mapped[float] = mapped_column(Float)
    trailing_stops: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[int] = mapped_column(Integer)
