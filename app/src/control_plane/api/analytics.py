"""/api/analytics/history and /api/analytics/export (signed-in users)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from control_plane.analytics.filters import BadFilter, HistoryFilters, Preset, history_filters
from control_plane.analytics.report import export_csv, export_filename, history
from control_plane.api.deps import CurrentUser, SettingsDep
from control_plane.api.query_params import OptionalIdQuery, OptionalTextQuery
from control_plane.sessions import store
from control_plane.sessions.times import utc_now

router = APIRouter(prefix="/api/analytics", tags=["analytics"])


def _filters(
    preset: Preset, start: str | None, end: str | None, strategy_id: int | None
) -> HistoryFilters:
    try:
        return history_filters(preset, start, end, strategy_id, utc_now())
    except BadFilter as exc:
        field = "start" if "start" in str(exc) else "end"
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", field), "msg": str(exc), "input": None}]
        ) from None


@router.get("/history")
async def analytics_history(
    _user: CurrentUser,
    settings: SettingsDep,
    preset: Preset = "30d",
    start: OptionalTextQuery = None,
    end: OptionalTextQuery = None,
    strategy_id: OptionalIdQuery = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    filters = _filters(preset, start, end, strategy_id)
    return await store.in_worker_thread(
        settings.database_path, lambda conn: history(conn, filters, page, page_size)
    )


@router.get("/export")
async def analytics_export(
    _user: CurrentUser,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^csv$")],
    preset: Preset = "30d",
    start: OptionalTextQuery = None,
    end: OptionalTextQuery = None,
    strategy_id: OptionalIdQuery = None,
) -> StreamingResponse:
    filters = _filters(preset, start, end, strategy_id)
    now = utc_now()
    return StreamingResponse(
        export_csv(settings.database_path, filters, now),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(now)}"'},
    )
