"""Sending notifications through Apprise to the URLs of NOTIFY_URLS, and the logging handler
that turns the backend's app events into notifications without holding up the line's writer."""

from __future__ import annotations

import logging
import queue
import socket
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import apprise

from control_plane.notifications.events import Notification, app_event_name, compose
from control_plane.settings import ConfigurationError, Settings, secret_values
from control_plane.times import utc_now

logger = logging.getLogger("control_plane.notifications")
FAILED_EVENT = "notification_failed"
# App events waiting for the sender; past this a burst is dropped (and counted), never blocking.
QUEUE_SIZE = 200
_NOTIFY_TYPES = {
    "info": apprise.NotifyType.INFO,
    "success": apprise.NotifyType.SUCCESS,
    "warning": apprise.NotifyType.WARNING,
    "failure": apprise.NotifyType.FAILURE,
}


class NotificationSender:
    """The operators' channels (Apprise URLs); with none configured, sending does nothing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.host = settings.NOTIFY_HOST_NAME or socket.gethostname()
        self._secrets = secret_values(settings)
        self._apprise = apprise.Apprise()
        for url in settings.notify_urls:
            if not self._apprise.add(url):
                # The URL itself is a secret: say which one by position only.
                position = settings.notify_urls.index(url) + 1
                raise ConfigurationError(
                    f"NOTIFY_URLS: URL {position} is not one Apprise can send to"
                )

    @property
    def enabled(self) -> bool:
        return len(self._apprise) > 0

    def compose(
        self,
        event: str,
        summary: str,
        fields: Mapping[str, Any],
        *,
        release: str | None = None,
        at: datetime | None = None,
    ) -> Notification:
        return compose(
            event,
            summary,
            fields,
            host=self.host,
            release=release or self.settings.GIT_SHA,
            at=at or utc_now(),
            link_base=self.settings.NOTIFY_LINK_BASE_URL,
            secrets=self._secrets,
        )

    def send(self, notification: Notification) -> bool:
        """True when every channel took it (or there is none)."""
        if not self.enabled:
            return True
        return bool(
            self._apprise.notify(
                body=notification.body,
                title=notification.title,
                notify_type=_NOTIFY_TYPES[notification.severity],
                body_format=apprise.NotifyFormat.TEXT,
            )
        )


class NotificationHandler(logging.Handler):
    """Notices app events among log records and sends them from a thread of its own."""

    def __init__(self, sender: NotificationSender) -> None:
        super().__init__(level=logging.INFO)
        self.sender = sender
        self.dropped = 0
        self._queue: queue.Queue[Notification | None] = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None

    def emit(self, record: logging.LogRecord) -> None:
        event = app_event_name(record.__dict__)
        if event is None:
            return
        try:
            notification = self.sender.compose(event, record.getMessage(), record.__dict__)
            self._queue.put_nowait(notification)
        except queue.Full:
            self.dropped += 1
        except Exception:
            self.handleError(record)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Sends what is queued (bounded by `timeout`), then ends the thread."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while (notification := self._queue.get()) is not None:
            try:
                sent = self.sender.send(notification)
            except Exception as exc:
                sent = False
                reason = type(exc).__name__
            else:
                reason = "a channel did not take it"
            if not sent:
                logger.warning(
                    "notification %s not sent: %s",
                    notification.event,
                    reason,
                    extra={"event": FAILED_EVENT, "notification": notification.event},
                )


def install(settings: Settings) -> NotificationHandler | None:
    """Notifications of app events for this process (the root logger); None when NOTIFY_URLS
    is empty. Apprise's own lines are kept to errors: they can name a channel's address."""
    sender = NotificationSender(settings)
    if not sender.enabled:
        return None
    logging.getLogger("apprise").setLevel(logging.ERROR)
    handler = NotificationHandler(sender)
    handler.start()
    logging.getLogger().addHandler(handler)
    return handler


def uninstall(handler: NotificationHandler | None) -> None:
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.stop()
