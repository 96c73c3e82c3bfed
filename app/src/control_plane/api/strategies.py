"""Strategy configurations: /api/strategies (signed-in users only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from control_plane.api.audited import audited
from control_plane.api.deps import AdminUser, CurrentUser, RowId, SessionDep
from control_plane.api.errors import SIGNED_IN, error_responses
from control_plane.db import strategies as store
from control_plane.trading.strategy_config import StrategyConfig

router = APIRouter(prefix="/api/strategies", tags=["strategies"])


class StrategyOut(StrategyConfig):
    id: int
    created_at: datetime
    updated_at: datetime


def _out(record: store.StrategyRecord) -> StrategyOut:
    return StrategyOut(
        **record.config.model_dump(),
        id=record.id,
        created_at=datetime.fromtimestamp(record.created_at_us / 1_000_000, UTC),
        updated_at=datetime.fromtimestamp(record.updated_at_us / 1_000_000, UTC),
    )


def strategy_target(strategy_id: int) -> str:
    return f"strategy:{strategy_id}"


def _name_taken(name: str) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, f"a strategy named {name!r} already exists")


async def existing_strategy(session: SessionDep, strategy_id: int) -> store.StrategyRecord:
    record = await store.get_strategy(session, strategy_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"strategy {strategy_id} not found")
    return record


@router.get("", responses=SIGNED_IN)
async def list_strategies(_user: CurrentUser, session: SessionDep) -> list[StrategyOut]:
    return [_out(record) for record in await store.list_strategies(session)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(401, 403, 409))
async def create_strategy(
    body: StrategyConfig, admin: AdminUser, session: SessionDep, request: Request
) -> StrategyOut:
    with audited(request, admin, "strategy.create", strategy_name=body.name) as note:
        try:
            created = _out(await store.create_strategy(session, body))
        except store.DuplicateStrategyName:
            raise _name_taken(body.name) from None
        note.target = strategy_target(created.id)
        return created


@router.get("/{strategy_id}", responses=error_responses(401, 404))
async def get_strategy(strategy_id: RowId, _user: CurrentUser, session: SessionDep) -> StrategyOut:
    return _out(await existing_strategy(session, strategy_id))


async def _replace(
    session: SessionDep, record: store.StrategyRecord, config: StrategyConfig
) -> StrategyOut:
    try:
        return _out(await store.replace_strategy(session, record, config))
    except store.DuplicateStrategyName:
        raise _name_taken(config.name) from None


@router.put("/{strategy_id}", responses=error_responses(401, 403, 404, 409))
async def replace_strategy(
    strategy_id: RowId,
    body: StrategyConfig,
    admin: AdminUser,
    session: SessionDep,
    request: Request,
) -> StrategyOut:
    with audited(request, admin, "strategy.update", target=strategy_target(strategy_id)):
        return await _replace(session, await existing_strategy(session, strategy_id), body)


@router.patch("/{strategy_id}", responses=error_responses(401, 403, 404, 409))
async def update_strategy(
    strategy_id: RowId,
    admin: AdminUser,
    session: SessionDep,
    request: Request,
    changes: dict[str, Any] = Body(),  # noqa: B008
) -> StrategyOut:
    """Change some fields; the merged configuration is validated as a whole."""
    target = strategy_target(strategy_id)
    with audited(request, admin, "strategy.update", target=target, fields=sorted(changes)):
        record = await existing_strategy(session, strategy_id)
        merged = record.config.model_dump() | changes
        try:
            config = StrategyConfig.model_validate(merged)
        except ValidationError as exc:
            raise RequestValidationError(
                [
                    {**error, "loc": ("body", *error["loc"])}
                    for error in exc.errors(include_url=False)
                ]
            ) from None
        return await _replace(session, record, config)


@router.delete(
    "/{strategy_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def delete_strategy(
    strategy_id: RowId, admin: AdminUser, session: SessionDep, request: Request
) -> Response:
    with audited(request, admin, "strategy.delete", target=strategy_target(strategy_id)):
        await store.delete_strategy(session, await existing_strategy(session, strategy_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
