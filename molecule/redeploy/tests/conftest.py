"""What this scenario's tests share: the side effect's notes and the root pebble signs with."""

import pytest
from host_checks import scenario_facts


@pytest.fixture
def facts(host):
    return scenario_facts(host, "redeploy")


@pytest.fixture
def pebble_root():
    """pebble's root on the host (side_effect.yml fetched it from pebble's management API)."""
    return "/var/tmp/pebble-root.pem"
