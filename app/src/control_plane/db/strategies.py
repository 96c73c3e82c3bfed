"""Storage of strategy configurations (Core statements on control_plane.db.schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.schema import strategies
from control_plane.times import now_us
from control_plane.trading.strategy_config import StrategyConfig


class DuplicateStrategyName(Exception):
    """Another strategy already has this name (compared without regard to case)."""


@dataclass(frozen=True, slots=True)
class StrategyRecord:
    id: int
    config: StrategyConfig
    created_at_us: int
    updated_at_us: int


def column_values(config: StrategyConfig) -> dict[str, Any]:
    """The configuration as the columns of `strategies` store it (the demo writes these too)."""
    values = config.model_dump()
    rule = config.expiry_rule
    values["expiry_rule"] = rule.isoformat() if isinstance(rule, date) else rule
    return values


def _record(row: Row[Any]) -> StrategyRecord:
    columns = row._mapping
    config = StrategyConfig.model_validate(
        {name: columns[name] for name in StrategyConfig.model_fields}
    )
    return StrategyRecord(row.id, config, row.created_at, row.updated_at)


async def list_strategies(session: AsyncSession) -> list[StrategyRecord]:
    rows = await session.execute(select(strategies).order_by(strategies.c.id))
    return [_record(row) for row in rows]


async def get_strategy(session: AsyncSession, strategy_id: int) -> StrategyRecord | None:
    rows = await session.execute(select(strategies).where(strategies.c.id == strategy_id))
    row = rows.first()
    return _record(row) if row is not None else None


async def _commit(session: AsyncSession, name: str) -> None:
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateStrategyName(name) from exc


async def create_strategy(session: AsyncSession, config: StrategyConfig) -> StrategyRecord:
    now = now_us()
    try:
        result = await session.execute(
            insert(strategies)
            .values(**column_values(config), created_at=now, updated_at=now)
            .returning(strategies.c.id)
        )
        strategy_id = result.scalar_one()
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateStrategyName(config.name) from exc
    await _commit(session, config.name)
    return StrategyRecord(strategy_id, config, now, now)


async def replace_strategy(
    session: AsyncSession, record: StrategyRecord, config: StrategyConfig
) -> StrategyRecord:
    now = now_us()
    try:
        await session.execute(
            update(strategies)
            .where(strategies.c.id == record.id)
            .values(**column_values(config), updated_at=now)
        )
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateStrategyName(config.name) from exc
    await _commit(session, config.name)
    return StrategyRecord(record.id, config, record.created_at_us, now)


async def delete_strategy(session: AsyncSession, record: StrategyRecord) -> None:
    await session.execute(delete(strategies).where(strategies.c.id == record.id))
    await session.commit()
