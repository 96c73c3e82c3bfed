"""POST /api/strategies/{id}/backtest: how a configuration would have traded a seeded market."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from control_plane.api.deps import CurrentUser, RowId, SessionDep
from control_plane.api.errors import error_responses
from control_plane.api.strategies import existing_strategy
from control_plane.trading.backtest import BacktestResult, run_backtest
from control_plane.trading.exits import ExitReason
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.metrics import cumulative_pnl_series, drawdown_series
from control_plane.trading.strategy_config import StrategyConfig

router = APIRouter(prefix="/api/strategies", tags=["backtests"])


class BacktestRequest(BaseModel):
    start: AwareDatetime
    days: int = Field(7, ge=1, le=31)
    step_minutes: int = Field(5, ge=1, le=60)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    slippage_pct: float = Field(0.5, ge=0, le=10)


class BacktestTrade(BaseModel):
    opened_at: datetime
    closed_at: datetime
    reason: ExitReason
    expiry: datetime
    call_strike: float
    put_strike: float
    premium_collected: float
    gross_pnl: float
    fees: float
    net_pnl: float


class SeriesValue(BaseModel):
    at: datetime
    value: float


class BacktestResponse(BaseModel):
    trades: list[BacktestTrade]
    statistics: dict[str, float | int | None]
    cumulative_pnl: list[SeriesValue]
    drawdown: list[SeriesValue]
    position_open_at_end: bool


def _simulate(config: StrategyConfig, body: BacktestRequest) -> BacktestResult:
    interval = timedelta(minutes=body.step_minutes)
    market = SimulatedMarket(config.underlying, body.start, seed=body.seed, step=interval)
    costs = ExecutionCosts(slippage_pct=body.slippage_pct)
    return run_backtest(config, market, body.start + timedelta(days=body.days), interval, costs)


def _response(result: BacktestResult) -> BacktestResponse:
    closed = [trade.as_trade() for trade in result.trades]
    return BacktestResponse(
        trades=[
            BacktestTrade(
                opened_at=trade.position.opened_at,
                closed_at=trade.closed_at,
                reason=trade.reason,
                expiry=trade.position.expiry,
                call_strike=trade.position.call.strike,
                put_strike=trade.position.put.strike,
                premium_collected=trade.position.premium_collected,
                gross_pnl=trade.gross_pnl,
                fees=trade.fees,
                net_pnl=trade.net_pnl,
            )
            for trade in result.trades
        ],
        statistics=asdict(result.statistics),
        cumulative_pnl=[SeriesValue(at=p.at, value=p.value) for p in cumulative_pnl_series(closed)],
        drawdown=[SeriesValue(at=p.at, value=p.value) for p in drawdown_series(closed)],
        position_open_at_end=result.still_open is not None,
    )


@router.post(
    "/{strategy_id}/backtest",
    responses=error_responses(401, 404),
    description="Read-only, so viewers may run it too.",
)
async def backtest_strategy(
    strategy_id: RowId, body: BacktestRequest, _user: CurrentUser, session: SessionDep
) -> BacktestResponse:
    config = (await existing_strategy(session, strategy_id)).config
    # Up to a month of minute steps is CPU work; keep it off the event loop.
    result = await asyncio.to_thread(_simulate, config, body)
    return _response(result)
