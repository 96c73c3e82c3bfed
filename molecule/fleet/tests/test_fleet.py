"""A fleet of three hosts after four rollouts (molecule/fleet/side_effect.yml): one rollout id on
every host's first record, canary first; every host on the streamed release and the canary's
backend image (by id); the release that could not start tried by the canary alone; the rollout cut
short by the second host recorded on every host, the canary and the third taken back."""

import pytest
from host_checks import APP_ROOT, container_id, deployments, ready, scenario_facts

CANARY = "delta-molecule-fleet-1"
SECOND = "delta-molecule-fleet-2"


@pytest.fixture
def facts(host):
    return scenario_facts(host, "fleet")


def test_the_first_rollout_has_one_id_on_every_host_and_went_canary_first(facts):
    records = facts["first_records"]
    assert len({record["rollout"] for record in records}) == 1
    assert records[0]["rollout"]
    canary, *others = records
    assert all(canary["time"] <= other["time"] for other in others)


def test_every_host_serves_the_streamed_release_on_the_canarys_image(host, facts):
    assert host.check_output(f"git -C {APP_ROOT} rev-parse HEAD") == facts["streamed_sha"]
    assert ready(host)["version"] == facts["streamed_sha"]
    container = container_id(host, "backend")
    assert host.check_output(f"docker inspect -f '{{{{.Image}}}}' {container}") == facts["canary_image"]


def test_only_the_canary_tried_the_release_that_could_not_start(host, facts):
    attempts = [entry for entry in deployments(host) if entry["to_sha"] == facts["bad_sha"]]
    if host.backend.get_hostname() == CANARY:
        assert [entry["result"] for entry in attempts] == ["rolled_back"]
        assert attempts[0]["rollout"]
        assert attempts[0]["rollout"] != facts["first_record"]["rollout"]
    else:
        assert attempts == []


def test_the_rollout_cut_short_is_recorded_on_every_host(host, facts):
    records = [entry for entry in deployments(host) if entry["to_sha"] == facts["registry_sha"]]
    if host.backend.get_hostname() == SECOND:
        assert [entry["result"] for entry in records] == ["rolled_back"]
        assert "registry" in records[0]["detail"]
    else:
        assert [entry["result"] for entry in records] == ["deployed", "rolled_back"]
        assert "failed on delta-molecule-fleet-2" in records[1]["detail"]
    assert len({entry["rollout"] for entry in records}) == 1
