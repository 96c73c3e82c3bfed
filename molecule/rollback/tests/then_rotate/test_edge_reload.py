"""The edge in TLS mode provided, and a configuration-only change applied by a graceful reload
(after the rollback's own tests and the deploy lock's: the verifier takes the files in path order).

The certificate served is the vault's, its files are 0600 and the play prints neither; then
deploy.yml with another HSTS max-age runs as an operator would, while a request loop through the
edge counts failed requests (0 allowed): the same edge container serves the new header."""

import ssl

import pytest
from host_checks import APP_ROOT, container_id, http
from operator_tools import VAULT, Findings, request_loop, run_playbook, vault_vars, writable_inventory
from vault_tools import vault_view

TLS_DIR = f"{APP_ROOT}/edge/config/tls"
SERVED_CERTIFICATE = "python3 -c 'import ssl; print(ssl.get_server_certificate((\"127.0.0.1\", 443)))'"


@pytest.fixture(scope="module")
def inventory():
    return writable_inventory("edge-reload-inventory")


@pytest.fixture(scope="module")
def vault(inventory):
    return vault_vars(vault_view(inventory / VAULT, inventory / "vault-password.txt"))


def edge_state(host):
    edge = container_id(host, "edge")
    started = host.check_output(f"docker inspect -f '{{{{.State.StartedAt}}}}' {edge}")
    hsts = http(host, "GET", "/")["headers"].get("strict-transport-security")
    return {"id": edge, "started": started, "hsts": hsts}


@pytest.fixture(scope="module")
def reload(host, inventory):
    before = edge_state(host)
    with request_loop(inventory, "rotate-edge-reload") as figures:
        returncode, output = run_playbook(inventory, "deploy.yml", "-e", "app_edge_hsts_max_age=600")
        assert returncode == 0, output
    return Findings(before=before, after=edge_state(host), figures=figures, output=output)


def test_the_edge_serves_the_provided_certificate(host, vault):
    served = ssl.PEM_cert_to_DER_cert(host.check_output(SERVED_CERTIFICATE))
    assert served == ssl.PEM_cert_to_DER_cert(vault["vault_edge_certificate"])


def test_the_provided_certificate_and_key_are_readable_by_the_edge_user_alone(host, vault):
    for name, variable in (("cert.pem", "vault_edge_certificate"), ("key.pem", "vault_edge_certificate_key")):
        rendered = host.file(f"{TLS_DIR}/{name}")
        assert (rendered.mode, rendered.uid, rendered.gid) == (0o600, 10001, 10001)
        assert rendered.content_string.strip() == vault[variable].strip()


def test_the_deploy_prints_neither_the_certificate_nor_the_key(reload, vault):
    for variable in ("vault_edge_certificate", "vault_edge_certificate_key"):
        body = [line for line in vault[variable].splitlines() if line and not line.startswith("-----")]
        assert body
        for line in body:
            assert line not in reload["output"]


def test_a_configuration_only_change_is_applied_by_reload_not_recreate(reload):
    before, after = reload["before"], reload["after"]
    assert before["hsts"] == "max-age=31536000"
    assert after["hsts"] == "max-age=600"
    assert (after["id"], after["started"]) == (before["id"], before["started"])


def test_no_request_through_the_edge_failed_during_the_reload(reload):
    assert reload["figures"]["requests"] > 0
    assert reload["figures"]["failed"] == 0, reload["figures"]
