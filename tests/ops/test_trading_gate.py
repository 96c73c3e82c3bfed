"""app_stack's trading gate: the decision before the engine is replaced, from what the running
backend reported (control-plane ops trading-state), the policy and the time waited."""

import importlib.util
import json
from datetime import UTC, datetime, timedelta

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT

PLUGIN = ROOT / "roles/app_stack/filter_plugins/trading_gate.py"
_spec = importlib.util.spec_from_file_location("trading_gate", PLUGIN)
gate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gate_module)
trading_gate = gate_module.trading_gate

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
STARTED = NOW.timestamp()


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def session(**changes):
    base = {
        "id": 7,
        "mode": "paper",
        "state": "running",
        "strategy": "strangle",
        "open_position": True,
        "next_entry_at": iso(NOW + timedelta(hours=3)),
        "next_exit_at": iso(NOW + timedelta(hours=4)),
        "in_entry_window": False,
        "in_exit_window": False,
    }
    return {**base, **changes}


def answer(*sessions, owner=True):
    """The exec result of `control-plane ops trading-state` on a backend running these sessions."""
    running = [s for s in sessions if s["state"] == "running"]
    exits = sorted(s["next_exit_at"] for s in sessions if s["next_exit_at"])
    state = {
        "engine": {"owner": owner, "last_tick_at": iso(NOW), "tick_seconds": 5},
        "sessions": list(sessions),
        "summary": {
            "running_live": sum(s["mode"] == "live" for s in running),
            "running_paper": sum(s["mode"] == "paper" for s in running),
            "open_positions": sum(s["open_position"] for s in sessions),
            "next_entry_at": min((s["next_entry_at"] for s in sessions if s["next_entry_at"]), default=None),
            "next_exit_at": exits[0] if exits else None,
        },
    }
    return {"rc": 0, "stdout": json.dumps(state), "stderr": ""}


def decide(result, policy, waited=0.0, wait_seconds=300, final=False):
    return trading_gate(result, policy, STARTED, STARTED + waited, wait_seconds, final=final)


@pytest.mark.parametrize("policy", ["wait", "refuse", "proceed"])
def test_nothing_running_proceeds_under_every_policy(policy):
    gate = decide(answer(), policy)
    assert gate["decision"] == "proceed"
    assert (gate["running_live"], gate["running_paper"], gate["open_positions"]) == (0, 0, 0)
    assert gate["policy"] == policy


def test_refuse_refuses_a_running_session_and_says_what_runs():
    gate = decide(answer(session(), session(id=8, mode="live", open_position=False)), "refuse")
    assert gate["decision"] == "refuse"
    assert gate["reason"] == "policy refuse and 1 live and 1 paper sessions running, 1 open positions"
    assert gate["next_exit_at"] == iso(NOW + timedelta(hours=4))


def test_refuse_refuses_an_open_position_of_a_session_no_longer_running():
    gate = decide(answer(session(state="stopping")), "refuse")
    assert gate["decision"] == "refuse"


def test_proceed_proceeds_inside_a_window_and_records_the_state():
    gate = decide(answer(session(in_exit_window=True)), "proceed")
    assert gate["decision"] == "proceed"
    assert gate["engine_owner"] is True
    assert gate["running_paper"] == 1


def test_wait_proceeds_at_once_when_no_session_is_in_a_window():
    gate = decide(answer(session()), "wait")
    assert gate["decision"] == "proceed"
    assert gate["waited_seconds"] == 0
    assert "no session in its entry or exit window" in gate["reason"]


@pytest.mark.parametrize("window", ["in_entry_window", "in_exit_window"])
def test_wait_waits_while_a_session_is_in_a_window_then_refuses_at_the_bound(window):
    result = answer(session(**{window: True}))
    waiting = decide(result, "wait", waited=100, wait_seconds=300)
    assert waiting["decision"] == "wait"
    assert "paper session 7 (strangle) is in its " + window.split("_")[1] + " window" in waiting["reason"]
    assert "200 s more" in waiting["reason"]
    refused = decide(result, "wait", waited=300, wait_seconds=300)
    assert refused["decision"] == "refuse"
    assert refused["waited_seconds"] == 300


def test_wait_never_waits_across_an_exit_time():
    result = answer(session(in_entry_window=True, next_exit_at=iso(NOW + timedelta(seconds=60))))
    waiting = decide(result, "wait", waited=30, wait_seconds=300)
    assert waiting["decision"] == "wait"
    assert "30 s more" in waiting["reason"]
    refused = decide(result, "wait", waited=60, wait_seconds=300)
    assert refused["decision"] == "refuse"
    assert "never waits across an exit" in refused["reason"]


def test_wait_with_a_zero_bound_refuses_at_once_inside_a_window():
    assert decide(answer(session(in_entry_window=True)), "wait", wait_seconds=0)["decision"] == "refuse"


def test_a_wait_the_poll_ran_out_of_is_a_refusal():
    assert decide(answer(session(in_entry_window=True)), "wait", final=True)["decision"] == "refuse"


@pytest.mark.parametrize(
    "result",
    [
        {"rc": 1, "stdout": "", "stderr": "the backend does not answer on 127.0.0.1:8001\n"},
        {"rc": 0, "stdout": "not json", "stderr": ""},
        {"rc": 0, "stdout": json.dumps({"engine": {}, "sessions": []}), "stderr": ""},
        {
            "rc": 0,
            "stdout": json.dumps({"engine": {}, "sessions": [], "summary": {"running_live": "1"}}),
            "stderr": "",
        },
        {"failed": True, "msg": "No such container"},
    ],
)
def test_a_backend_that_cannot_report_is_replaced_under_proceed_only(result):
    assert decide(result, "proceed")["decision"] == "proceed"
    refused = decide(result, "refuse")
    assert refused["decision"] == "refuse"
    assert "app_stack_trading_policy=proceed" in refused["reason"]
    assert decide(result, "wait", waited=10)["decision"] == "wait"
    assert decide(result, "wait", waited=300)["decision"] == "refuse"


def test_the_reason_names_what_the_backend_said():
    result = {"rc": 2, "stdout": "", "stderr": "Traceback\nerror: the backend does not answer\n"}
    assert "exit 2: error: the backend does not answer" in decide(result, "refuse")["reason"]


@pytest.mark.parametrize(
    ("policy", "wait_seconds", "message"),
    [
        ("sometimes", 300, "app_stack_trading_policy must be one of wait, refuse, proceed"),
        ("wait", -1, "app_stack_trading_wait_seconds must be 0 or more"),
        ("wait", "soon", "needs numbers"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(policy, wait_seconds, message):
    with pytest.raises(AnsibleFilterError, match=message):
        trading_gate(answer(), policy, STARTED, STARTED, wait_seconds)


def test_extra_vars_as_strings_are_numbers():
    assert trading_gate(answer(), "wait", str(STARTED), str(STARTED), "300")["decision"] == "proceed"
