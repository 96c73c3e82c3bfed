"""app_stack's one compose plan for the backend and the frontend (roles/app_stack/filter_plugins/
rolling_plan.py): each service's running containers are replaced only when the plan recreates one
of that service's containers."""

import importlib.util

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT

PLUGIN = ROOT / "roles/app_stack/filter_plugins/rolling_plan.py"
_spec = importlib.util.spec_from_file_location("rolling_plan", PLUGIN)
rolling_plan = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rolling_plan)
replaced_containers = rolling_plan.replaced_containers


def container(service, number=1, state="running"):
    return {"ID": f"{service}-id-{number}", "Name": f"delta-strangle-{service}-{number}", "Service": service,
            "State": state}  # fmt: skip


STACK = [container("backend"), container("frontend"), container("edge")]


def plan(*actions, containers=STACK):
    listed = [{"what": what, "id": name, "status": status} for what, name, status in actions]
    return {"changed": False, "actions": listed, "containers": containers}


def test_nothing_to_recreate_replaces_nothing():
    assert replaced_containers(plan(), "backend") == []
    assert replaced_containers(plan(), "frontend") == []


def test_only_the_service_whose_container_is_recreated_is_replaced():
    backend_only = plan(("container", "delta-strangle-backend-1", "Recreate"))
    assert replaced_containers(backend_only, "backend") == ["backend-id-1"]
    assert replaced_containers(backend_only, "frontend") == []


def test_both_services_recreated_are_both_replaced():
    both = plan(
        ("container", "delta-strangle-backend-1", "Recreate"),
        ("container", "delta-strangle-frontend-1", "Recreate"),
    )
    assert replaced_containers(both, "backend") == ["backend-id-1"]
    assert replaced_containers(both, "frontend") == ["frontend-id-1"]


def test_only_running_containers_are_replaced_and_every_running_one_is():
    containers = [container("backend", 1), container("backend", 2), container("backend", 3, state="exited")]
    recreating = plan(("container", "delta-strangle-backend-3", "Recreate"), containers=containers)
    assert replaced_containers(recreating, "backend") == ["backend-id-1", "backend-id-2"]


def test_a_recreate_that_is_not_a_container_counts_for_each_service_as_in_a_plan_of_its_own():
    network = plan(("network", "delta-strangle_app-net", "Recreate"))
    assert replaced_containers(network, "backend") == ["backend-id-1"]
    assert replaced_containers(network, "frontend") == ["frontend-id-1"]


def test_other_actions_replace_nothing():
    starting = plan(
        ("container", "delta-strangle-backend-1", "Running"),
        ("container", "delta-strangle-frontend-1", "Start"),
    )
    assert replaced_containers(starting, "backend") == []
    assert replaced_containers(starting, "frontend") == []


def test_anything_but_a_compose_result_is_refused():
    with pytest.raises(AnsibleFilterError, match="docker_compose_v2 result"):
        replaced_containers({"actions": []}, "backend")
