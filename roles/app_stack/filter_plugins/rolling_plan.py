"""Which running containers of a service compose's plan replaces, from one plan of several services
(docker_compose_v2 in check mode: its `actions` and `containers`), so rolling.yml asks compose once
for the backend and the frontend. Pure, unit-tested in tests/ops/test_rolling_plan.py."""

from ansible.errors import AnsibleFilterError


def replaced_containers(plan, service):
    """The ids of `service`'s running containers when the plan recreates any container of it (or
    recreates anything that is not a container, which a plan of this service alone also held),
    else []."""
    if not isinstance(plan, dict) or not isinstance(plan.get("containers"), list):
        raise AnsibleFilterError("replaced_containers takes a docker_compose_v2 result (with containers)")
    mine = [c for c in plan["containers"] if c.get("Service") == service]
    names = {c.get("Name") for c in mine}
    recreates = any(
        action.get("status") == "Recreate"
        and (action.get("what") != "container" or action.get("id") in names)
        for action in plan.get("actions") or []
    )
    return [c["ID"] for c in mine if c.get("State") == "running"] if recreates else []


class FilterModule:
    def filters(self):
        return {"replaced_containers": replaced_containers}
