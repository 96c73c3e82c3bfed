"""TLS mode acme for real: pebble (a TEST-ONLY ACME server beside the host) issued the edge's
certificate at the first deploy, the running edge renewed it without a restart, the releases
kept it instead of asking again (the edge's own upgrade too), and every app release answered
every request through the edge over HTTPS."""

import json
import shlex

import pytest
from host_checks import APP_ROOT, container_id

APP_RELEASES = ["backend", "both", "frontend"]

FETCH = """
import ssl, sys, urllib.request
context = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(sys.argv[1], context=context, timeout=10).read().decode(), end="")
"""


@pytest.fixture
def name(host):
    return host.ansible.get_variables()["inventory_hostname"]


def served_certificate(host, name, ca_file):
    """The certificate the edge serves for `name`; fails unless it verifies against ca_file."""
    return json.loads(host.check_output(f"python3 /var/tmp/served_certificate.py {name} {ca_file}"))


def tls_messages(log_text, logger):
    """The messages of one of Caddy's TLS loggers (tls.obtain, tls.renew) in its JSON log, in order."""
    # A line may start with a terminal control sequence that compose writes before it.
    lines = [json.loads(line[line.index("{") :]) for line in log_text.splitlines() if '"logger":' in line]
    return [line["msg"] for line in lines if line["logger"] == logger]


def edge_log(host):
    return host.check_output(f"{APP_ROOT}/scripts/compose.sh logs --no-color --no-log-prefix edge")


def test_the_root_verified_against_is_the_one_pebble_serves(host, pebble_root):
    variables = host.ansible.get_variables()
    url = f"https://{variables['pebble_address']}:15000/roots/0"
    pebble_https = f"{APP_ROOT}/edge/config/acme-ca-root.pem"
    root = host.check_output(f"python3 -c {shlex.quote(FETCH)} {url} {pebble_https}")
    assert root.startswith("-----BEGIN CERTIFICATE-----")
    assert root.strip() == host.file(pebble_root).content_string.strip()


def test_the_first_deploy_obtained_a_certificate_from_pebble(facts, name):
    first = facts["first_certificate"]
    assert first["names"] == [name]
    assert first["issuer"].startswith("Pebble Intermediate CA")


def test_the_edge_serves_a_certificate_that_verifies_against_pebbles_root(host, name, pebble_root):
    served = served_certificate(host, name, pebble_root)
    assert served["names"] == [name]
    assert served["issuer"].startswith("Pebble Intermediate CA")


def test_the_running_edge_renewed_the_certificate_without_a_restart(host, facts):
    before_upgrade = host.file("/var/tmp/edge-before-upgrade.log").content_string
    assert "certificate renewed successfully" in tls_messages(before_upgrade, "tls.renew")
    assert facts["renewed_certificate"]["serial"] != facts["first_certificate"]["serial"]
    # The same container from the first deploy to the upgrade: never recreated nor restarted.
    assert facts["edge_before_upgrade"] == facts["first_edge"]
    assert int(facts["first_edge"]["restart_count"]) == 0


def test_releases_kept_the_certificate_instead_of_asking_again(host):
    obtained = tls_messages(host.file("/var/tmp/edge-before-upgrade.log").content_string, "tls.obtain")
    assert obtained.count("certificate obtained successfully") == 1
    # Nothing asked for a certificate after the first one was obtained at the first deploy.
    assert "obtaining certificate" not in obtained[obtained.index("certificate obtained successfully") :]
    assert tls_messages(edge_log(host), "tls.obtain") == []


def test_the_edge_upgrade_recreated_the_edge_from_its_new_image(host, facts):
    before, after = facts["edge_before_upgrade"], facts["edge_after_upgrade"]
    assert after["id"] != before["id"]
    assert after["image"] != before["image"]
    assert container_id(host, "edge") == after["id"]


def test_each_release_ran_the_images_of_its_last_change(host, facts):
    def running_image(service):
        return host.check_output(f"docker inspect -f '{{{{.Config.Image}}}}' {container_id(host, service)}")

    assert running_image("backend") == f"delta-strangle-backend:{facts['both_sha']}"
    assert running_image("frontend") == f"delta-strangle-frontend:{facts['both_sha']}"
    assert running_image("edge") == f"delta-strangle-edge:{facts['edge_sha']}"


def test_the_frontend_change_gave_the_frontend_its_new_memory_limit(host):
    limit = host.check_output(
        f"docker inspect -f '{{{{.HostConfig.Memory}}}}' {container_id(host, 'frontend')}"
    )
    assert int(limit) == 160 * 1024 * 1024


def test_app_releases_answered_every_request_and_the_edge_upgrade_was_measured(facts):
    figures = {release["release"]: release["figures"] for release in facts["releases"]}
    assert list(figures) == [*APP_RELEASES, "edge-upgrade"]
    for release in APP_RELEASES:
        assert figures[release]["requests"] > 0, release
        assert figures[release]["failed"] == 0, (release, figures[release])
    assert figures["edge-upgrade"]["requests"] > 0
