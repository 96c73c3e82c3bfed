"""GET /api/logs/download: the Log Viewer's filtered rows as a streamed NDJSON or CSV file.

Moving log data out of the system is audited (who, which filter, which format)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from control_plane.api.deps import CurrentUser, audit
from control_plane.api.errors import error_responses
from control_plane.api.log_filter_query import LogFilterQuery
from control_plane.logs.export import MEDIA_TYPES, ExportFormat, export_filename, export_rows
from control_plane.times import utc_now

router = APIRouter(prefix="/api/logs", tags=["logs"])
AUDIT_ACTION = "logs.download"


@router.get(
    "/download",
    response_class=StreamingResponse,
    responses={
        **error_responses(401),
        200: {
            "description": "Every matching row, newest first: one JSON object a line, or CSV "
            "with a header row (cells a spreadsheet would run as a formula start with ')",
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
    },
)
async def download_logs(
    request: Request,
    user: CurrentUser,
    log_filter: LogFilterQuery,
    format: Annotated[ExportFormat, Query()] = "ndjson",
) -> StreamingResponse:
    filename = export_filename(log_filter, format, utc_now())
    audit(
        request,
        user,
        AUDIT_ACTION,
        target=filename,
        format=format,
        filter_query=request.url.query,
    )
    return StreamingResponse(
        export_rows(request.app.state.session_factory, log_filter, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
