#!/usr/bin/python
"""Wait until a new container passes its own healthcheck, asking it directly (one round trip).

Docker runs a container's first health probe one `interval` after the start (10 s in
docker-compose.prod.yml) and, before Engine 25 (`start_interval`), no sooner: a rolling replacement
that waits for Docker's verdict waits that long for a backend ready in 3 s. This runs the same probe
(the container's configured healthcheck command, as its user, with its timeout) every second until it
passes, and stops at Docker's own verdict (healthy or unhealthy) should that come first.
"""

import json
import time

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: container_ready
short_description: Wait until a container passes its own healthcheck, running its probe directly
description:
  - Polls the container every O(poll_seconds) on the host (no round trip a poll) until Docker says it
    is healthy or its healthcheck command, run with C(docker exec) as Docker would run it, succeeds.
  - Fails when Docker says it is unhealthy, when the container is gone or has no healthcheck, and
    after O(timeout) seconds.
  - Reads only (the probe is the container's own healthcheck); runs in check mode too.
options:
  container:
    description: The container's id or name.
    type: str
    required: true
  timeout:
    description: Seconds to wait at most.
    type: int
    default: 300
  poll_seconds:
    description: Seconds between two probes.
    type: float
    default: 1.0
"""

RETURN = r"""
ready:
  description: Whether the container passed its healthcheck (by Docker's verdict or the probe's).
  type: bool
  returned: always
ready_by:
  description: C(docker) when Docker's own verdict was healthy, C(probe) when the direct probe passed.
  type: str
  returned: when ready
container:
  description: C(docker inspect) of the container at the end (C(Id), C(State.Health.Status), ...).
  type: dict
  returned: when the container exists
"""

# Docker's default healthcheck timeout (a healthcheck that sets none).
DEFAULT_PROBE_TIMEOUT_SECONDS = 30


def probe_argv(healthcheck):
    """The command line Docker runs for a healthcheck's `Test` (["CMD", argv...] or ["CMD-SHELL",
    line]), None for none (no healthcheck, or NONE)."""
    test = (healthcheck or {}).get("Test") or []
    if len(test) >= 2 and test[0] == "CMD":
        return list(test[1:])
    if len(test) == 2 and test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", test[1]]
    return None


def probe_timeout_seconds(healthcheck):
    """The healthcheck's timeout in seconds (Docker keeps nanoseconds; 0 means its default)."""
    nanoseconds = (healthcheck or {}).get("Timeout") or 0
    return nanoseconds / 1e9 if nanoseconds > 0 else DEFAULT_PROBE_TIMEOUT_SECONDS


def docker_verdict(inspected):
    """Docker's own health status of an inspected container ("starting", "healthy", "unhealthy"),
    None when it runs no healthcheck."""
    return ((inspected.get("State") or {}).get("Health") or {}).get("Status")


def main():
    module = AnsibleModule(
        argument_spec={
            "container": {"type": "str", "required": True},
            "timeout": {"type": "int", "default": 300},
            "poll_seconds": {"type": "float", "default": 1.0},
        },
        supports_check_mode=True,
    )
    docker = module.get_bin_path("docker", required=True)
    name = module.params["container"]
    deadline = time.monotonic() + module.params["timeout"]
    inspected = None
    while True:
        rc, out, err = module.run_command([docker, "inspect", "--type", "container", "--", name])
        if rc != 0:
            module.fail_json(
                msg=f"There is no container {name}: {err.strip()}", ready=False, container=inspected
            )
        inspected = json.loads(out)[0]
        verdict = docker_verdict(inspected)
        argv = probe_argv(inspected["Config"].get("Healthcheck"))
        if verdict == "healthy":
            module.exit_json(changed=False, ready=True, ready_by="docker", container=inspected)
        if verdict == "unhealthy":
            module.fail_json(
                msg=f"Docker says container {name} is unhealthy.", ready=False, container=inspected
            )
        if verdict is None or argv is None:
            module.fail_json(
                msg=f"Container {name} has no healthcheck to wait for.", ready=False, container=inspected
            )
        if (inspected.get("State") or {}).get("Running"):
            probe = [docker, "exec", inspected["Id"]] + argv
            timeout = probe_timeout_seconds(inspected["Config"].get("Healthcheck"))
            rc, out, err = module.run_command(["timeout", "--kill-after=1", str(timeout)] + probe)
            if rc == 0:
                module.exit_json(changed=False, ready=True, ready_by="probe", container=inspected)
        if time.monotonic() + module.params["poll_seconds"] > deadline:
            module.fail_json(
                msg=f"Container {name} did not pass its healthcheck within {module.params['timeout']} s "
                f"(Docker says {verdict}).",
                ready=False,
                container=inspected,
            )
        time.sleep(module.params["poll_seconds"])


if __name__ == "__main__":
    main()
