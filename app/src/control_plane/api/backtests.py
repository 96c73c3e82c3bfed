"""POST /api/strategies/{id}/backtest: how a configuration would have traded a seeded market."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field, ValidationInfo, field_validator

from control_plane.api.analytics import CsvStreamingResponse
from control_plane.api.backtest_csv import backtest_csv, backtest_filename
from control_plane.api.deps import CurrentUser, RowId, SessionDep
from control_plane.api.errors import error_responses, json_error_responses
from control_plane.api.strategies import existing_strategy
from control_plane.times import utc_now
from control_plane.trading.backtest import BacktestResult, run_backtest
from control_plane.trading.exits import ExitReason
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.metrics import cumulative_pnl_series, drawdown_series
from control_plane.trading.strategy_config import StrategyConfig

router = APIRouter(prefix="/api/strategies", tags=["backtests"])


MAX_BACKTEST_DAYS = 31


class BacktestRequest(BaseModel):
    start: AwareDatetime
    end: AwareDatetime | None = Field(
        None,
        description=f"exclusive; instead of days, at most {MAX_BACKTEST_DAYS} days after start",
    )
    days: int = Field(7, ge=1, le=MAX_BACKTEST_DAYS, description="used when end is not given")
    step_minutes: int = Field(5, ge=1, le=60)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    slippage_pct: float = Field(0.5, ge=0, le=10)

    @field_validator("end")
    @classmethod
    def _end_within_bounds(cls, end: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start")
        if end is None or start is None:
            return end
        if end <= start:
            raise ValueError("end must be after start")
        if end - start > timedelta(days=MAX_BACKTEST_DAYS):
            span = (end - start) / timedelta(days=1)
            raise ValueError(
                f"a backtest covers at most {MAX_BACKTEST_DAYS} days; this range covers {span:g}"
            )
        return end

    @field_validator("days")
    @classmethod
    def _days_or_end(cls, days: int, info: ValidationInfo) -> int:
        # Runs only when days is given: the default does not clash with an end.
        if info.data.get("end") is not None:
            raise ValueError("give either end or days, not both")
        return days

    @property
    def finish(self) -> datetime:
        return self.end if self.end is not None else self.start + timedelta(days=self.days)


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


class BacktestStatistics(BaseModel):
    """TradeStatistics' figures and the backtest's own; undefined figures are null."""

    trade_count: int
    gross_pnl: float
    fees: float
    net_pnl: float
    wins: int
    losses: int
    win_rate: float | None
    average_trade: float | None
    average_win: float | None
    average_loss: float | None
    largest_win: float | None
    largest_loss: float | None
    profit_factor: float | None
    max_drawdown: float
    longest_win_streak: int
    longest_loss_streak: int
    trading_days: int
    profitable_days: int
    sharpe_annualised: float | None


class BacktestResponse(BaseModel):
    start: datetime
    end: datetime
    trades: list[BacktestTrade]
    statistics: BacktestStatistics
    cumulative_pnl: list[SeriesValue]
    drawdown: list[SeriesValue]
    position_open_at_end: bool


def _simulate(config: StrategyConfig, body: BacktestRequest) -> BacktestResult:
    interval = timedelta(minutes=body.step_minutes)
    market = SimulatedMarket(config.underlying, body.start, seed=body.seed, step=interval)
    costs = ExecutionCosts(slippage_pct=body.slippage_pct)
    return run_backtest(config, market, body.finish, interval, costs)


def _response(body: BacktestRequest, result: BacktestResult) -> BacktestResponse:
    closed = [trade.as_trade() for trade in result.trades]
    return BacktestResponse(
        start=body.start,
        end=body.finish,
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
        statistics=BacktestStatistics(**asdict(result.statistics), **asdict(result.per_trade)),
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
    return await _backtest(config, body)


async def _backtest(config: StrategyConfig, body: BacktestRequest) -> BacktestResponse:
    # Up to a month of minute steps is CPU work; keep it off the event loop.
    result = await asyncio.to_thread(_simulate, config, body)
    return _response(body, result)


@router.post(
    "/{strategy_id}/backtest/export",
    response_class=CsvStreamingResponse,
    responses={
        **json_error_responses(401, 404),
        200: {
            "description": "Sections `# metadata`, `# metrics` and `# trades`, streamed",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
    },
    description="The same backtest as CSV (same body, same seed, same trades).",
)
async def export_backtest(
    strategy_id: RowId, body: BacktestRequest, _user: CurrentUser, session: SessionDep
) -> CsvStreamingResponse:
    config = (await existing_strategy(session, strategy_id)).config
    result = await _backtest(config, body)
    chunks = backtest_csv(
        (strategy_id, config.name), body, result, list(BacktestTrade.model_fields), utc_now()
    )
    return CsvStreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{backtest_filename(strategy_id, body)}"'
        },
    )
