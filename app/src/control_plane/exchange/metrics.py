"""Figures of this process's conversation with Delta, for /metrics: each request's duration by
endpoint, failures by kind, and orders by outcome. prometheus_client's own metric objects, kept
out of the global registry: the app registers them in its own (main.create_app)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Paths whose last segment varies, named by their template so the label set stays bounded.
TEMPLATED_PATHS = ("/v2/tickers/", "/v2/orders/client_order_id/")
# Delta answers in tens to hundreds of milliseconds; the client gives up after 5 s.
DURATION_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ORDER_OUTCOMES = ("accepted", "refused", "unknown")


def endpoint_of(path: str) -> str:
    for prefix in TEMPLATED_PATHS:
        if path.startswith(prefix):
            return f"{prefix}:id"
    return path


class ExchangeMetrics:
    def __init__(self) -> None:
        self.request_duration = Histogram(
            "control_plane_exchange_request_duration_seconds",
            "Time of each request to Delta (every attempt), by method and endpoint",
            ["method", "endpoint"],
            buckets=DURATION_BUCKETS,
            registry=None,
        )
        self.request_errors = Counter(
            "control_plane_exchange_request_errors",
            "Failed requests to Delta, by kind: transport, rate_limited, server_error, refused",
            ["kind"],
            registry=None,
        )
        self.orders = Counter(
            "control_plane_exchange_orders",
            "Orders sent to Delta, by outcome: accepted, refused, unknown (looked up again)",
            ["outcome"],
            registry=None,
        )
        for outcome in ORDER_OUTCOMES:
            self.orders.labels(outcome=outcome)

    def observe_request(self, method: str, path: str, seconds: float, error: str | None) -> None:
        self.request_duration.labels(method=method, endpoint=endpoint_of(path)).observe(seconds)
        if error is not None:
            self.request_errors.labels(kind=error).inc()

    def collectors(self) -> tuple[Histogram | Counter, ...]:
        return (self.request_duration, self.request_errors, self.orders)
