"""The alert relay of the monitoring profile: Alertmanager's webhook in, the operators' channels
(NOTIFY_URLS, through Apprise) out.

Alertmanager has no Apprise receiver, and the channels are one vault list the deploy's own
notifications use too; so Alertmanager posts each group of alerts here, and every alert becomes
one notification worded like the others (host, release, Log Viewer link, secrets scrubbed). It
runs in a container of its own from the backend's image, so an alert that the backend is down
still goes out. Callers show ALERT_RELAY_TOKEN as a bearer token (app-net is shared with the
edge and the frontend). An answer other than 200 makes Alertmanager send the group again.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime
from typing import Literal

from fastapi import Depends, FastAPI, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from control_plane.notifications.sender import FAILED_EVENT, NotificationSender
from control_plane.settings import Settings

logger = logging.getLogger("control_plane.notifications.alert_relay")
# A group is what one rule evaluation produced; Alertmanager's own default caps nothing, so this
# bounds one request's work and body.
MAX_ALERTS_PER_POST = 100
ALERT_EVENTS = {"firing": "alert_firing", "resolved": "alert_resolved"}


class Alert(BaseModel):
    """One alert of Alertmanager's webhook payload (version 4); other keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: datetime
    endsAt: datetime | None = None
    fingerprint: str = ""


class AlertGroup(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: Literal["4"]
    status: Literal["firing", "resolved"]
    receiver: str = ""
    alerts: list[Alert] = Field(min_length=1, max_length=MAX_ALERTS_PER_POST)


def alert_fields(alert: Alert) -> dict[str, str]:
    """What an alert's notification shows besides its summary (events.EVENTS names them)."""
    fields = {
        "alertname": alert.labels.get("alertname", "unnamed"),
        "severity": alert.labels.get("severity", ""),
        "instance": alert.labels.get("instance", ""),
        "description": alert.annotations.get("description", ""),
        "started_at": alert.startsAt.isoformat(),
    }
    if alert.status == "resolved" and alert.endsAt is not None:
        fields["ended_at"] = alert.endsAt.isoformat()
    return fields


def alert_summary(alert: Alert) -> str:
    name = alert.labels.get("alertname", "unnamed")
    summary = alert.annotations.get("summary", "").strip()
    return f"{name}: {summary}" if summary else name


def create_relay(settings: Settings, sender: NotificationSender) -> FastAPI:
    token = settings.ALERT_RELAY_TOKEN.encode("utf-8")
    app = FastAPI(title="alert relay", docs_url=None, redoc_url=None, openapi_url=None)

    def caller_holds_token(request: Request) -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode("utf-8"), token):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a bearer token is required")

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"channels": sender.enabled}

    # A plain def: Apprise sends synchronously, so FastAPI runs it in its thread pool.
    @app.post("/alerts", dependencies=[Depends(caller_holds_token)])
    def relay(group: AlertGroup) -> dict[str, int]:
        sent = failed = 0
        for alert in group.alerts:
            event = ALERT_EVENTS[alert.status]
            summary = alert_summary(alert)
            fields = alert_fields(alert)
            level = logging.ERROR if alert.status == "firing" else logging.INFO
            logger.log(level, summary, extra={"event": event, "details": fields})
            if sender.send(sender.compose(event, summary, fields)):
                sent += 1
            else:
                failed += 1
        if failed:
            logger.warning(
                "%d of %d alerts not taken by every channel; Alertmanager sends them again",
                failed,
                len(group.alerts),
                extra={"event": FAILED_EVENT},
            )
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"{failed} alerts not sent")
        return {"sent": sent}

    return app
