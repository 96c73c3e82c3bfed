from __future__ import annotations

import logging

import orjson
import pytest

from control_plane.audit import AUDIT_EVENT, record_audit
from control_plane.logging_setup import JsonFormatter


def test_an_audit_event_carries_actor_action_target_and_outcome(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="control_plane.audit"):
        record_audit(
            "strategy.update",
            actor="alice",
            actor_role="admin",
            source_address="10.0.0.7",
            target="strategy:3",
            outcome="refused",
            reason="not found",
        )
    (record,) = caplog.records
    line = orjson.loads(JsonFormatter().format(record))
    assert line["event"] == AUDIT_EVENT
    assert line["level"] == "WARNING"
    assert {k: line[k] for k in ("actor", "actor_role", "source_address", "action", "target")} == {
        "actor": "alice",
        "actor_role": "admin",
        "source_address": "10.0.0.7",
        "action": "strategy.update",
        "target": "strategy:3",
    }
    assert line["outcome"] == "refused"
    assert line["reason"] == "not found"
    assert line["message"] == "strategy.update strategy:3: refused by alice"
