"""Storage of strategy configurations."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.models import Strategy
from control_plane.sessions.times import now_us
from control_plane.trading.strategy_config import StrategyConfig


class DuplicateStrategyName(Exception):
    """Another strategy already has this name (compared without regard to case)."""


def _column_values(config: StrategyConfig) -> dict[str, Any]:
    values = config.model_dump()
    rule = config.expiry_rule
    values["expiry_rule"] = rule.isoformat() if isinstance(rule, date) else rule
    return values


def config_of(row: Strategy) -> StrategyConfig:
    return StrategyConfig.model_validate(
        {name: getattr(row, name) for name in StrategyConfig.model_fields}
    )


async def list_strategies(session: AsyncSession) -> list[Strategy]:
    return list((await session.scalars(select(Strategy).order_by(Strategy.id))).all())


async def get_strategy(session: AsyncSession, strategy_id: int) -> Strategy | None:
    return await session.get(Strategy, strategy_id)


async def _commit(session: AsyncSession, row: Strategy) -> Strategy:
    name = row.name  # the rollback below expires the row, and reloading it needs an await
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateStrategyName(name) from exc
    return row


async def create_strategy(session: AsyncSession, config: StrategyConfig) -> Strategy:
    now = now_us()
    row = Strategy(**_column_values(config), created_at=now, updated_at=now)
    session.add(row)
    return await _commit(session, row)


async def replace_strategy(
    session: AsyncSession, row: Strategy, config: StrategyConfig
) -> Strategy:
    for name, value in _column_values(config).items():
        setattr(row, name, value)
    row.updated_at = now_us()
    return await _commit(session, row)


async def delete_strategy(session: AsyncSession, row: Strategy) -> None:
    await session.delete(row)
    await session.commit()
