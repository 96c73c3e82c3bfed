"""The deploy lock, seen from the controller: who asks, waiting, taking over from a gone holder,
and the renewer that keeps the lease alive while this ansible-playbook runs.

The holder is this ansible-playbook process (its workers are forked from it, so it is their
parent): the operator, this controller's name, its pid and start time, the playbooks and the play.
Every play of one run takes the lock again without waiting (the same run id).

A holder is gone when, on the same controller, its process no longer runs (checked here at once),
or, from anywhere, when its lease ran out (counted on the host's clock). The lease is renewed by a
renewer process forked on the controller when the lock is taken: it renews every renew_seconds
while this ansible-playbook runs and releases the lock as soon as it has ended (a failed, stopped
or killed play), so only a lost controller leaves a lock for the lease to end.

    - name: Take the deploy lock
      deploy_lock:
        state: acquire   # acquire | release | status | force_release
        path: /run/lock/delta-strangle-deploy.json
        log: /var/log/delta-strangle/deploy-lock.jsonl
        lease_seconds: 120
        renew_seconds: 20
        wait_seconds: 0
"""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import socket
import sys
import time

from ansible import context
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

STATES = ("acquire", "release", "status", "force_release")
# How often the renewer looks whether this ansible-playbook still runs.
WATCH_SECONDS = 1.0
# How often a waiting run asks again.
WAIT_POLL_SECONDS = 3.0
# How often the renewer tries to release the lock of a run that has ended, when the host does not answer.
RELEASE_ATTEMPTS = 5
# The longest one renewal or release may take in the renewer. Past it the call is cut short: a
# renewer forked from a worker of a run that is gone was seen blocked for good reading from the
# worker's pipe to that run, after its release had gone through.
RENEWER_CALL_SECONDS = 60


def process_started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot), None when it no longer runs.

    A zombie has ended; a pid reused by another process has another start time. Where /proc does
    not exist (macOS controllers), only whether the pid exists is known ("" as the start time).
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return ""
        return ""
    # Fields after the command: state is the first, starttime the 20th.
    return None if fields[0] in ("Z", "X") else fields[19]


def holder_gone(holder: dict, controller: str) -> bool:
    """Whether the holder ran on this controller and its ansible-playbook no longer runs."""
    if holder.get("controller") != controller or not isinstance(holder.get("pid"), int):
        return False
    started = process_started(holder["pid"])
    return started is None or (started != "" and holder.get("started") not in ("", None, started))


def describe(holder: dict) -> str:
    """The holder in one sentence, for the one refused and the one that takes over."""
    text = (
        f"{holder.get('operator', '?')} on controller {holder.get('controller', '?')} "
        f"(ansible-playbook pid {holder.get('pid', '?')}, {holder.get('playbook') or 'a playbook'}, "
        f"play '{holder.get('play', '?')}') since {holder.get('since', '?')}"
    )
    if "renewed_seconds_ago" in holder:
        lease = "expired" if holder.get("expired") else f"ends in {holder['expires_in_seconds']} s"
        text += f", lease renewed {holder['renewed_seconds_ago']} s ago ({lease})"
    return text


def whole_seconds(value: object, name: str) -> int:
    """A number of seconds given as an int or a string (extra vars are strings)."""
    text = str(value).strip()
    if not text.isdigit():
        raise AnsibleActionFail(f"{name} takes whole seconds, 0 or more (got '{value}').")
    return int(text)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("state", "path", "log", "lease_seconds", "renew_seconds", "wait_seconds"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        state = args.get("state", "acquire")
        if state not in STATES:
            raise AnsibleActionFail(f"state is one of {', '.join(STATES)} (got '{state}').")
        for required in ("path", "log"):
            if not args.get(required):
                raise AnsibleActionFail(f"{required} is required.")
        self._task_vars = task_vars or {}
        self._base = {
            "path": args["path"],
            "log": args["log"],
            "lease_seconds": whole_seconds(args.get("lease_seconds", 120), "lease_seconds"),
        }
        self._controller = socket.gethostname()
        self._me = self._holder()
        host = self._task_vars.get("inventory_hostname", "the host")
        if state == "status":
            answer = self._call("status")
            held = answer.get("lock")
            answer["msg"] = f"The deploy lock of {host} is " + (
                f"held by {describe(held)}." if held else "free."
            )
            return {**result, **answer}
        if state == "force_release":
            answer = self._call("release", force=True)
            answer["msg"] = (
                f"Released the deploy lock of {host}, held by {describe(answer['previous'])}."
                if answer["released"]
                else f"The deploy lock of {host} was not held: nothing to release."
            )
            return {**result, **answer}
        if state == "release":
            return {**result, **self._call("release")}
        return {**result, **self._acquire(whole_seconds(args.get("wait_seconds", 0), "lock_wait"), args)}

    def _holder(self) -> dict:
        pid = os.getppid()
        playbooks = context.CLIARGS.get("args") or ()
        return {
            "run": f"{self._controller}:{pid}:{process_started(pid) or ''}",
            "operator": os.environ.get("USER") or os.environ.get("LOGNAME") or getpass.getuser(),
            "controller": self._controller,
            "pid": pid,
            "started": process_started(pid) or "",
            "playbook": " ".join(os.path.relpath(p) if os.path.isabs(p) else p for p in playbooks),
            "play": self._task_vars.get("ansible_play_name", ""),
        }

    def _call(self, state: str, **extra) -> dict:
        answer = self._execute_module(
            module_name="deploy_lock",
            module_args={**self._base, "state": state, "holder": self._me, **extra},
            task_vars=self._task_vars,
        )
        if answer.get("failed"):
            raise AnsibleActionFail(
                f"The deploy lock's record could not be read or written: {answer.get('msg')}"
            )
        return answer

    def _acquire(self, wait_seconds: int, args: dict) -> dict:
        host = self._task_vars.get("inventory_hostname", "the host")
        deadline = time.monotonic() + wait_seconds
        waited_for = None
        started_waiting = time.monotonic()
        while True:
            answer = self._call("acquire")
            holder = answer.get("lock") if not answer["acquired"] else None
            if holder is not None and holder_gone(holder, self._controller):
                answer = self._call("acquire", takeover=holder["run"])
                holder = answer.get("lock") if not answer["acquired"] else None
            if holder is None:
                break
            if time.monotonic() >= deadline:
                raise AnsibleActionFail(
                    f"The deploy lock of {host} is held by {describe(holder)}."
                    + (
                        f" Waited {round(time.monotonic() - started_waiting)} s (lock_wait)."
                        if wait_seconds
                        else ""
                    )
                    + " Run again when it is done, wait for it with -e lock_wait=SECONDS, or, only if"
                    " that run is gone for sure, release the lock:"
                    " ansible-playbook playbooks/lock.yml -e lock=release."
                )
            if waited_for != holder.get("run"):
                display.display(
                    f"{host}: waiting up to {wait_seconds} s for the deploy lock held by {describe(holder)}"
                )
                waited_for = holder.get("run")
            time.sleep(min(WAIT_POLL_SECONDS, max(deadline - time.monotonic(), 0.1)))
        answer["waited_seconds"] = round(time.monotonic() - started_waiting) if waited_for else 0
        if answer.get("taken_over"):
            previous = answer["taken_over"]
            why = (
                f"its ansible-playbook (pid {previous.get('pid')}) no longer runs on this controller"
                if answer["takeover_reason"] == "gone"
                else f"its lease ran out {-previous['expires_in_seconds']} s ago"
                " (not renewed: its controller is gone)"
            )
            answer["msg"] = f"Took over the deploy lock of {host} from {describe(previous)}: {why}."
            answer.setdefault("warnings", []).append(answer["msg"])
        elif answer.get("reentrant"):
            answer["msg"] = f"The deploy lock of {host} is already held by this run."
        else:
            answer["msg"] = f"Took the deploy lock of {host}" + (
                f" after waiting {answer['waited_seconds']} s." if waited_for else "."
            )
            if waited_for:
                display.display(answer["msg"])
        if not answer.get("reentrant"):
            self._start_renewer(whole_seconds(args.get("renew_seconds", 20), "renew_seconds"))
        return answer

    def _call_within(self, state: str, seconds: int) -> dict:
        """_call, cut short by SIGALRM after `seconds` (the renewer is one thread: its own)."""

        def expire(_signum: int, _frame: object) -> None:
            raise TimeoutError(f"deploy lock {state}: no answer within {seconds} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.alarm(seconds)
        try:
            return self._call(state)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)

    def _start_renewer(self, renew_seconds: int) -> None:
        """Fork the renewer (detached): it renews the lease while this run lives, then releases it."""
        main_pid, main_started = self._me["pid"], self._me["started"]
        child = os.fork()
        if child:
            os.waitpid(child, 0)
            return
        try:
            os.setsid()
            if os.fork():
                os._exit(0)
            # Nothing goes back to the run's output (it may have ended); stdio is /dev/null already.
            display._final_q = None  # noqa: SLF001 - the worker's result queue is not the renewer's
            sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            last_renewal = time.monotonic()
            while process_started(main_pid) == main_started:
                time.sleep(WATCH_SECONDS)
                if time.monotonic() - last_renewal >= renew_seconds:
                    # A host that does not answer for a moment is asked again at the next interval.
                    with contextlib.suppress(Exception):
                        if not self._call_within("renew", RENEWER_CALL_SECONDS).get("renewed"):
                            os._exit(0)  # released by hand or taken over: nothing left to renew
                        last_renewal = time.monotonic()
            for _attempt in range(RELEASE_ATTEMPTS):
                with contextlib.suppress(Exception):
                    self._call_within("release", RENEWER_CALL_SECONDS)
                    break
                time.sleep(WATCH_SECONDS)
        except BaseException:  # noqa: BLE001, S110 - a renewer that fails leaves the lease to end
            pass
        os._exit(0)
