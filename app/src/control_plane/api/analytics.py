"""/api/analytics/history and /api/analytics/export (signed-in users)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from control_plane.analytics.filters import BadFilter, HistoryFilters, Preset, history_filters
from control_plane.analytics.report import export_csv, export_filename, history
from control_plane.api.deps import MAX_ROW_ID, CurrentUser, SettingsDep
from control_plane.api.errors import SIGNED_IN, json_error_responses
from control_plane.api.query_params import OptionalIdQuery, OptionalTextQuery
from control_plane.db.sqlite import in_worker_thread
from control_plane.times import utc_now

router = APIRouter(prefix="/api/analytics", tags=["analytics"])

MAX_HISTORY_PAGE_SIZE = 500
# The page's row offset must fit SQLite's 64-bit integers (a 422 rather than a driver error).
MAX_HISTORY_PAGE = MAX_ROW_ID // MAX_HISTORY_PAGE_SIZE


class AppliedFilters(BaseModel):
    start: datetime
    end: datetime
    preset: Preset
    strategy_id: int | None


class HistoryMetrics(BaseModel):
    """Figures that are undefined for the data (no trades, no losses...) are null."""

    trade_count: int
    gross_pnl: float
    fees: float
    net_pnl: float
    win_rate: float | None
    average_win: float | None
    average_loss: float | None
    profit_factor: float | None
    max_drawdown: float
    longest_win_streak: int
    longest_loss_streak: int
    trading_days: int
    profitable_days: int
    sharpe: float | None


class SeriesPoint(BaseModel):
    time: datetime
    value: float


class HistorySeries(BaseModel):
    cumulative_pnl: list[SeriesPoint]
    drawdown: list[SeriesPoint]


class TimelineItem(BaseModel):
    id: int
    time: datetime
    event: str
    session_id: int | None
    strategy_id: int | None
    strategy_name: str | None
    message: str
    pnl: float | None


class TimelinePage(BaseModel):
    items: list[TimelineItem]
    page: int
    page_size: int
    total: int


class AnalyticsHistory(BaseModel):
    filters: AppliedFilters
    metrics: HistoryMetrics
    series: HistorySeries
    timeline: TimelinePage


class CsvStreamingResponse(StreamingResponse):
    """A streamed body documented as text/csv in the OpenAPI document."""

    media_type = "text/csv"


def _filters(
    preset: Preset, start: str | None, end: str | None, strategy_id: int | None
) -> HistoryFilters:
    try:
        return history_filters(preset, start, end, strategy_id, utc_now())
    except BadFilter as exc:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", exc.field), "msg": str(exc), "input": None}]
        ) from None


@router.get("/history", responses=SIGNED_IN)
async def analytics_history(
    _user: CurrentUser,
    settings: SettingsDep,
    preset: Preset = "30d",
    start: OptionalTextQuery = None,
    end: OptionalTextQuery = None,
    strategy_id: OptionalIdQuery = None,
    page: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE_SIZE)] = 50,
) -> AnalyticsHistory:
    filters = _filters(preset, start, end, strategy_id)
    return await in_worker_thread(
        settings.database_path,
        lambda conn: AnalyticsHistory.model_validate(history(conn, filters, page, page_size)),
    )


@router.get(
    "/export",
    response_class=CsvStreamingResponse,
    responses={
        **json_error_responses(401),
        200: {
            "description": "Sections `# metadata`, `# metrics` and `# timeline`, streamed",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
    },
)
async def analytics_export(
    _user: CurrentUser,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^csv$")],
    preset: Preset = "30d",
    start: OptionalTextQuery = None,
    end: OptionalTextQuery = None,
    strategy_id: OptionalIdQuery = None,
) -> CsvStreamingResponse:
    filters = _filters(preset, start, end, strategy_id)
    now = utc_now()
    return CsvStreamingResponse(
        export_csv(settings.database_path, filters, now),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(now)}"'},
    )
