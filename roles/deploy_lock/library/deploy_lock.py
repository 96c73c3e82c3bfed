#!/usr/bin/python
"""The deploy lock's record on the host: one JSON file, changed only under an flock of its guard.

Run by the deploy_lock action (which knows the controller side: who asks, and whether a holder's
ansible-playbook still runs there). A holder's lease is counted on the host's clock, so the clocks
of two controllers never have to agree. Every change of holder is appended to a JSON-lines log.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take, renew, release or read the deploy lock's record on the host
description: Used through the deploy_lock action of the deploy_lock role, which passes the holder.
options:
  state: {type: str, required: true, choices: [acquire, renew, release, status], description: What to do.}
  path: {type: path, required: true, description: The lock's record (JSON).}
  log: {type: path, required: true, description: JSON-lines log of every change of holder.}
  holder: {type: dict, description: "Who asks: run, operator, controller, pid, playbook, play."}
  lease_seconds: {type: int, default: 120, description: Seconds a holder that stops renewing keeps the lock.}
  takeover: {type: str, description: Run id of a holder the controller found gone; it is replaced.}
  force: {type: bool, default: false, description: Release whoever holds it (an operator's release by hand).}
author: Delta Strangle Control Plane team
"""


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def read_record(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle) or None
    except FileNotFoundError:
        return None
    except ValueError:
        # A torn or hand-edited file holds nobody: the next acquire rewrites it.
        return None


def write_record(path: str, record: dict) -> None:
    directory = os.path.dirname(path)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".deploy-lock-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def append_log(path: str, event: str, now: float, **fields: object) -> None:
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"time": iso(now), "event": event, **fields}, sort_keys=True) + "\n")
    os.chmod(path, 0o640)


def described(record: dict | None, now: float) -> dict | None:
    """The record as the controller shows it: with its lease's state on the host's clock."""
    if record is None:
        return None
    expires = record["renewed_at"] + record["lease_seconds"]
    return {
        **record,
        "renewed_seconds_ago": round(now - record["renewed_at"]),
        "expires_in_seconds": round(expires - now),
        "expired": now > expires,
    }


def decide(state: str, current: dict | None, params: dict, now: float) -> tuple[dict | None, dict]:
    """The record after the request, and what to answer (without the record, added by the caller)."""
    holder = params.get("holder") or {}
    mine = current is not None and current.get("run") == holder.get("run")
    if state == "status":
        return current, {}
    if state == "release":
        if current is None:
            return None, {"released": False, "reason": "not held"}
        if mine or params["force"]:
            return None, {"released": True, "previous": current}
        return current, {"released": False, "reason": "held by another run"}
    if state == "renew":
        if not mine:
            return current, {"renewed": False}
        return {**current, "renewed_at": now}, {"renewed": True}
    # acquire
    if mine:
        return {**current, "renewed_at": now, "play": holder.get("play", "")}, {
            "acquired": True,
            "reentrant": True,
        }
    record = {**holder, "since": iso(now), "renewed_at": now, "lease_seconds": params["lease_seconds"]}
    if current is None:
        return record, {"acquired": True, "reentrant": False}
    if params.get("takeover") and params["takeover"] == current.get("run"):
        return record, {
            "acquired": True,
            "reentrant": False,
            "taken_over": current,
            "takeover_reason": "gone",
        }
    if now > current["renewed_at"] + current["lease_seconds"]:
        return record, {
            "acquired": True,
            "reentrant": False,
            "taken_over": current,
            "takeover_reason": "expired",
        }
    return current, {"acquired": False}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "state": {"type": "str", "required": True, "choices": ["acquire", "renew", "release", "status"]},
            "path": {"type": "path", "required": True},
            "log": {"type": "path", "required": True},
            "holder": {"type": "dict"},
            "lease_seconds": {"type": "int", "default": 120},
            "takeover": {"type": "str"},
            "force": {"type": "bool", "default": False},
        },
        required_if=[("state", "acquire", ["holder"]), ("state", "renew", ["holder"])],
        supports_check_mode=True,
    )
    params = module.params
    if params["lease_seconds"] < 10:
        module.fail_json(msg=f"The lock's lease must be 10 seconds or more (got {params['lease_seconds']}).")
    os.makedirs(os.path.dirname(params["path"]), mode=0o755, exist_ok=True)
    with open(params["path"] + ".guard", "a", encoding="utf-8") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        now = time.time()
        current = read_record(params["path"])
        after, answer = decide(params["state"], current, params, now)
        if after is None and current is not None:
            os.remove(params["path"])
        elif after is not None and after != current:
            write_record(params["path"], after)
        holder = params.get("holder") or {}
        if answer.get("taken_over"):
            append_log(
                params["log"],
                "taken_over",
                now,
                holder=after,
                previous=current,
                why=answer["takeover_reason"],
            )
        elif answer.get("acquired") and not answer.get("reentrant"):
            append_log(params["log"], "acquired", now, holder=after)
        elif answer.get("released"):
            event = "released" if current.get("run") == holder.get("run") else "released_by_hand"
            append_log(params["log"], event, now, holder=current, by=holder)
    module.exit_json(
        changed=bool(answer.get("released") and params["force"]),
        lock=described(after, now),
        host_time=iso(now),
        **{key: described(value, now) if isinstance(value, dict) else value for key, value in answer.items()},
    )


if __name__ == "__main__":
    main()
