"""Secret rotation on a deployed host, seen from outside.

Before: a sign-in token, the ingest key and the container ids. Then playbooks/rotate-secrets.yml
runs as an operator would run it (a subprocess, verbose, its whole output kept) against a writable
copy of the sandbox inventory while a request loop through the edge counts failed requests, and
finally scripts/rekey-vault.sh re-keys that copy.
"""

import json
import shutil
import subprocess

import pytest
from host_checks import APP_ROOT, audit_events, container_id, http, notifications, ready
from operator_tools import (
    EPHEMERAL,
    REPO,
    SANDBOX,
    VAULT,
    Findings,
    post_log_batch,
    request_loop,
    run_playbook,
    sign_in,
    vault_vars,
    writable_inventory,
)
from vault_tools import vault_view

ROTATED = {"vault_jwt_secret", "vault_log_ingest_api_key", "vault_ops_api_token", "vault_admin_password"}


@pytest.fixture(scope="module")
def inventory():
    return writable_inventory("rotate-inventory")


@pytest.fixture(scope="module")
def rotation(host, inventory):
    """State before, the rotation playbook's whole output, state after."""
    password_file = inventory / "vault-password.txt"
    before_text = vault_view(inventory / VAULT, password_file)
    before = vault_vars(before_text)
    login = sign_in(host, before["vault_admin_password"])
    assert login["status"] == 200, login
    ids = {service: container_id(host, service) for service in ("backend", "frontend")}
    admin_password_file = EPHEMERAL / "operator" / "admin-password.txt"
    shutil.rmtree(admin_password_file.parent, ignore_errors=True)

    with request_loop(inventory, "rotate-secrets") as figures:
        returncode, output = run_playbook(
            inventory,
            "playbooks/rotate-secrets.yml",
            "-e",
            "rotate_admin_password=true",
            "-e",
            f"rotate_secrets_admin_password_file={admin_password_file}",
        )
        assert returncode == 0, output
    after_text = vault_view(inventory / VAULT, password_file)
    return Findings(
        before=before,
        before_text=before_text,
        after=vault_vars(after_text),
        after_text=after_text,
        token=json.loads(login["body"])["access_token"],
        ids=ids,
        output=output,
        admin_password_file=admin_password_file,
        figures=figures,
    )


def test_no_request_through_the_edge_failed_during_the_rotation(rotation):
    assert rotation["figures"]["requests"] > 0
    assert rotation["figures"]["failed"] == 0, rotation["figures"]


def test_rotation_prints_no_secret_old_or_new(rotation):
    secrets = [
        value
        for values in (rotation["before"], rotation["after"])
        for key, value in values.items()
        # A user name (the backup server's) is not a secret: "molecule" is in every host name.
        if key.startswith("vault_") and value and not key.endswith("_username")
    ]
    assert len(secrets) >= 6
    for secret in secrets:
        assert secret not in rotation["output"]
    assert str(rotation["admin_password_file"]) in rotation["output"]


def test_the_rotated_secrets_are_new_and_the_others_unchanged(rotation):
    before, after = rotation["before"], rotation["after"]
    assert set(after) == set(before)
    for key in ROTATED:
        assert after[key] != before[key]
    assert len(after["vault_jwt_secret"]) >= 32
    for key in set(before) - ROTATED:
        assert after[key] == before[key]


def test_the_vault_file_is_still_encrypted_with_the_same_vault_id(rotation, inventory):
    content = (inventory / VAULT).read_text()
    assert content.splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;sandbox"
    assert rotation["after"]["vault_jwt_secret"] not in content
    # Every line but the rotated keys' (comments included) is as it was.
    unrotated = [
        [line for line in text.splitlines() if line.split(":", 1)[0] not in ROTATED]
        for text in (rotation["before_text"], rotation["after_text"])
    ]
    assert unrotated[0] == unrotated[1]


def test_the_committed_sandbox_vault_is_untouched(rotation):
    committed = subprocess.run(
        ["git", "-C", str(REPO), "show", f"HEAD:inventory/sandbox/{VAULT}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (SANDBOX / VAULT).read_text() == committed


def test_the_secret_files_hold_the_new_secrets(host, rotation):
    for name in ("JWT_SECRET", "LOG_INGEST_API_KEY", "OPS_API_TOKEN", "ADMIN_PASSWORD"):
        secret_file = host.file(f"{APP_ROOT}/secrets/{name}")
        assert secret_file.mode == 0o400
        assert secret_file.content_string == rotation["after"][f"vault_{name.lower()}"]


def test_only_the_backend_container_was_recreated(host, rotation):
    assert container_id(host, "frontend") == rotation["ids"]["frontend"]
    assert container_id(host, "backend") != rotation["ids"]["backend"]
    for service in ("backend", "frontend"):
        container = container_id(host, service)
        assert host.check_output(f"docker inspect -f '{{{{.State.Health.Status}}}}' {container}") == "healthy"
    ready(host)


def test_a_token_signed_before_the_rotation_is_refused(host, rotation):
    response = http(host, "GET", "/api/auth/me", {"Authorization": f"Bearer {rotation['token']}"})
    assert response["status"] == 401, response


def test_the_old_ingest_key_is_refused_and_the_new_one_accepted(host, rotation):
    assert post_log_batch(host, rotation["before"]["vault_log_ingest_api_key"])["status"] == 401
    accepted = post_log_batch(host, rotation["after"]["vault_log_ingest_api_key"])
    assert accepted["status"] == 200, accepted


def test_the_old_ops_token_is_refused_and_the_deploy_asks_with_the_new_one(host, rotation):
    def trading_state(token):
        return http(host, "GET", "/api/ops/trading-state", {"Authorization": f"Bearer {token}"})

    assert trading_state(rotation["before"]["vault_ops_api_token"])["status"] == 401
    assert trading_state(rotation["after"]["vault_ops_api_token"])["status"] == 200
    # What the trading gate of the next deploy runs in the backend.
    backend = container_id(host, "backend")
    answer = json.loads(host.check_output(f"docker exec {backend} control-plane ops trading-state"))
    assert "summary" in answer, answer


def test_the_new_admin_password_reaches_the_operator_and_signs_in(host, rotation):
    handed = rotation["admin_password_file"]
    assert handed.stat().st_mode & 0o777 == 0o600
    assert handed.parent.stat().st_mode & 0o777 == 0o700
    assert handed.read_text().strip() == rotation["after"]["vault_admin_password"]
    assert sign_in(host, rotation["before"]["vault_admin_password"])["status"] == 401
    login = sign_in(host, rotation["after"]["vault_admin_password"])
    assert login["status"] == 200, login
    token = json.loads(login["body"])["access_token"]
    assert http(host, "GET", "/api/auth/me", {"Authorization": f"Bearer {token}"})["status"] == 200


def test_rekey_leaves_the_vault_readable_only_with_the_new_password(rotation, inventory, tmp_path):
    old_password = inventory / "vault-password.txt"
    new_password = tmp_path / "new-vault-password.txt"
    new_password.write_text("molecule-rotate-TEST-ONLY-new-vault-password\n")
    vault_files = [inventory / VAULT]
    before = [vault_view(path, old_password) for path in vault_files]
    rekey = subprocess.run(
        [
            str(REPO / "scripts/rekey-vault.sh"),
            "--old-password-file",
            str(old_password),
            "--new-password-file",
            str(new_password),
            str(inventory),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rekey.returncode == 0, rekey.stderr
    for path, text in zip(vault_files, before, strict=True):
        assert path.read_text().splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;sandbox"
        assert vault_view(path, old_password) is None
        assert vault_view(path, new_password) == text


def test_the_rotation_is_in_the_audit_log_without_its_values(host, rotation):
    events = audit_events(host, "secrets.rotate")
    assert events, "the play posted no secrets.rotate audit record"
    record = events[-1]
    assert (record["actor_role"], record["outcome"], record["source"]) == ("operator", "success", "ansible")
    for name in ROTATED:
        assert rotation["after"][name] not in json.dumps(record)


def test_the_rotation_was_notified_naming_what_without_a_value(host, rotation):
    message = notifications(host, "secrets_rotated")[-1]
    rotated = next(line for line in message["message"].splitlines() if line.startswith("rotated: "))
    names = set(rotated.removeprefix("rotated: ").split(", "))
    assert {"JWT_SECRET", "LOG_INGEST_API_KEY", "OPS_API_TOKEN", "ADMIN_PASSWORD"} <= names
    for key in ROTATED:
        assert rotation["after"][key] not in message["message"]
