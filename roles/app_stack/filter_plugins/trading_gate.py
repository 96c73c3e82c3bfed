"""The trading gate's decision before the engine is replaced: from what the running backend
reported (`control-plane ops trading-state`, its exec result), the policy and the time waited so
far. Pure functions, unit-tested in tests/ops/test_trading_gate.py; trading-gate.yml polls the
backend and calls trading_gate until the decision is no longer "wait"."""

import json
from datetime import datetime

from ansible.errors import AnsibleFilterError

POLICIES = ("wait", "refuse", "proceed")
SUMMARY_COUNTS = ("running_live", "running_paper", "open_positions")


def _timestamp(value, what):
    """Seconds since the epoch of an ISO time the backend reported (None stays None)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"{what} is not an ISO time: {value!r}") from error
    if moment.tzinfo is None:
        raise ValueError(f"{what} has no time zone: {value!r}")
    return moment.timestamp()


def _read_state(exec_result):
    """The trading state in the exec result, or the reason it cannot be read."""
    if not isinstance(exec_result, dict):
        return None, f"no answer ({type(exec_result).__name__})"
    if exec_result.get("rc") != 0:
        said = (exec_result.get("stderr") or exec_result.get("msg") or "").strip().splitlines()
        return None, f"exit {exec_result.get('rc')}: {said[-1] if said else 'no message'}"
    try:
        state = json.loads(exec_result.get("stdout", ""))
        summary, sessions, engine = state["summary"], state["sessions"], state["engine"]
        for name in SUMMARY_COUNTS:
            if not isinstance(summary[name], int) or isinstance(summary[name], bool):
                raise TypeError(f"summary.{name} is not a count")
        if not isinstance(sessions, list) or not isinstance(engine, dict):
            raise TypeError("sessions is not a list or engine not an object")
        for session in sessions:
            _timestamp(session.get("next_exit_at"), f"session {session.get('id')}'s next_exit_at")
        _timestamp(summary.get("next_exit_at"), "summary.next_exit_at")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return None, f"not a trading state: {error}"
    return state, ""


def _session_name(session):
    return f"{session.get('mode', '?')} session {session.get('id', '?')} ({session.get('strategy', '?')})"


def _busy_sessions(sessions):
    """Sessions inside their entry or exit window: an order may be due while the engine moves."""
    return [
        f"{_session_name(s)} is in its {'exit' if s.get('in_exit_window') else 'entry'} window"
        for s in sessions
        if s.get("in_entry_window") or s.get("in_exit_window")
    ]


def _at_stake(summary):
    """What a replacement of the engine would act on: running sessions and open positions."""
    counts = {name: summary[name] for name in SUMMARY_COUNTS}
    if not any(counts.values()):
        return ""
    return (
        f"{counts['running_live']} live and {counts['running_paper']} paper sessions running, "
        f"{counts['open_positions']} open positions"
    )


def _earliest_exit(state):
    """The first exit time the backend reported (a session's or the summary's), or None."""
    exits = [s.get("next_exit_at") for s in state["sessions"]] + [state["summary"].get("next_exit_at")]
    times = [(_timestamp(value, "next_exit_at"), value) for value in exits if value is not None]
    return min(times) if times else None


def trading_gate(exec_result, policy, started, now, wait_seconds, final=False):
    """The gate's decision: proceed, wait (poll again) or refuse, with the reason and the state
    it was decided on (recorded in data/deployments.jsonl).

    - proceed: the engine is replaced whatever runs (the state is still printed and recorded);
    - refuse: refused while a session runs or a position is open;
    - wait: waits while a session is inside its entry or exit window, at most `wait_seconds`
      after `started` and never past the next exit time (waiting across an exit would replace
      the engine right after it), then refuses; proceeds at once when none is in a window.
    A backend that cannot report its state is replaced under proceed only. `final` turns a
    "wait" into a refusal (the poll ran out of attempts)."""
    if policy not in POLICIES:
        raise AnsibleFilterError(
            f"app_stack_trading_policy must be one of {', '.join(POLICIES)}, not {policy!r}"
        )
    try:
        started, now, wait_seconds = float(started), float(now), float(wait_seconds)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(
            f"trading_gate needs numbers for started, now and wait_seconds: {error}"
        ) from error
    if wait_seconds < 0:
        raise AnsibleFilterError(f"app_stack_trading_wait_seconds must be 0 or more, not {wait_seconds:g}")
    waited = max(0.0, now - started)
    state, unreadable = _read_state(exec_result)
    gate = {
        "policy": policy,
        "waited_seconds": round(waited, 1),
        "engine_owner": None,
        "running_live": None,
        "running_paper": None,
        "open_positions": None,
        "next_entry_at": None,
        "next_exit_at": None,
    }

    def decided(decision, reason):
        return {**gate, "decision": decision, "reason": reason}

    if state is None:
        unknown = f"the running backend did not report its trading state ({unreadable})"
        if policy == "proceed":
            return decided("proceed", f"{unknown}; replaced by policy proceed")
        if policy == "wait" and waited < wait_seconds and not final:
            return decided("wait", f"{unknown}; asking again")
        return decided(
            "refuse",
            f"{unknown}, so whether it trades is unknown; -e app_stack_trading_policy=proceed replaces it anyway",
        )
    summary = state["summary"]
    gate.update({name: summary[name] for name in SUMMARY_COUNTS})
    gate.update(
        engine_owner=bool(state["engine"].get("owner")),
        next_entry_at=summary.get("next_entry_at"),
        next_exit_at=summary.get("next_exit_at"),
    )
    at_stake = _at_stake(summary)
    if policy == "proceed":
        return decided("proceed", f"policy proceed ({at_stake or 'no session running'})")
    if policy == "refuse":
        if at_stake:
            return decided("refuse", f"policy refuse and {at_stake}")
        return decided("proceed", "no session running and no open position")
    busy = _busy_sessions(state["sessions"])
    if not busy:
        quiet = "no session in its entry or exit window"
        return decided("proceed", f"{quiet} ({at_stake})" if at_stake else "no session running")
    deadline, cut_by = started + wait_seconds, ""
    exit_at = _earliest_exit(state)
    if exit_at is not None and exit_at[0] < deadline:
        deadline, cut_by = (
            exit_at[0],
            f"; the exit at {exit_at[1]} comes first and the play never waits across an exit",
        )
    if now < deadline and not final:
        return decided("wait", f"{'; '.join(busy)}: waiting at most {deadline - now:.0f} s more{cut_by}")
    return decided("refuse", f"after waiting {waited:.0f} s {'; '.join(busy)}{cut_by}")


class FilterModule:
    def filters(self):
        return {"trading_gate": trading_gate}
