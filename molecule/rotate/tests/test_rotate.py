"""Secret rotation on a deployed host, seen from outside.

Before: a sign-in token, the ingest key and the container ids. Then playbooks/rotate-secrets.yml
runs as an operator would run it (a subprocess, verbose, its whole output kept) against a writable
copy of the sandbox inventory, and finally scripts/rekey-vault.sh re-keys that copy.
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from host_checks import APP_ROOT, ready

REPO = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
SCENARIO_INVENTORY = Path(os.environ["MOLECULE_INVENTORY_FILE"])
SANDBOX = REPO / "inventory/sandbox"
VAULT = Path("group_vars/all/vault.yml")
ROTATED = {"vault_jwt_secret", "vault_log_ingest_api_key", "vault_admin_password"}

HTTP_CLIENT = """
import json, sys, urllib.request, urllib.error
method, url, headers, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
request = urllib.request.Request(url, method=method, headers=headers, data=body.encode() or None)
try:
    response = urllib.request.urlopen(request, timeout=20)
except urllib.error.HTTPError as error:
    response = error
print(json.dumps({"status": response.status, "body": response.read().decode()}))
"""


def http(host, method, path, headers=None, body=""):
    """An HTTP request made on the host to the published port, as a user on the host would."""
    args = [method, f"http://127.0.0.1{path}", json.dumps(headers or {}), body]
    command = "python3 -c " + shlex.quote(HTTP_CLIENT) + " " + " ".join(shlex.quote(a) for a in args)
    return json.loads(host.check_output(command))


def sign_in(host, password):
    return http(
        host,
        "POST",
        "/api/auth/login",
        {"Content-Type": "application/json"},
        json.dumps({"username": "admin", "password": password}),
    )


def post_log_batch(host, key):
    body = json.dumps({"entries": [{"level": "INFO", "message": "molecule rotate: ingest key check"}]})
    return http(host, "POST", "/api/logs/batch", {"Content-Type": "application/json", "X-API-Key": key}, body)


def container_id(host, service):
    return host.check_output(
        f"docker compose --project-directory {APP_ROOT} -f {APP_ROOT}/docker-compose.prod.yml "
        f"--env-file {APP_ROOT}/.env.prod ps -q {service}"
    )


def vault_view(path, password_file):
    """The decrypted text of a vault file, opened with that password alone (or None when it does not open)."""
    result = subprocess.run(
        ["ansible-vault", "view", str(path)],
        env={**os.environ, "ANSIBLE_VAULT_IDENTITY_LIST": f"sandbox@{password_file}"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


class Rotation(dict):
    """What the rotation fixture found; its repr hides the values from failure reports."""

    def __repr__(self):
        return f"<rotation: {sorted(self)}>"


@pytest.fixture(scope="module")
def inventory():
    """A writable copy of the scenario's inventory: its host and the sandbox's group_vars, TEST-ONLY vault
    included, so that the rotation rewrites the copy and never a committed file."""
    root = EPHEMERAL / "rotate-inventory"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    shutil.copy(SCENARIO_INVENTORY, root / "hosts.yml")
    shutil.copytree(SANDBOX / "group_vars", root / "group_vars")
    shutil.copy(SANDBOX / "TEST-ONLY-vault-password.txt", root / "vault-password.txt")
    return root


@pytest.fixture(scope="module")
def rotation(host, inventory):
    """State before, the rotation playbook's whole output, state after."""
    password_file = inventory / "vault-password.txt"
    before_text = vault_view(inventory / VAULT, password_file)
    before = yaml.safe_load(before_text)
    login = sign_in(host, before["vault_admin_password"])
    assert login["status"] == 200, login
    ids = {service: container_id(host, service) for service in ("backend", "frontend")}
    admin_password_file = EPHEMERAL / "operator" / "admin-password.txt"
    shutil.rmtree(admin_password_file.parent, ignore_errors=True)

    run = subprocess.run(
        [
            "ansible-playbook",
            "-v",
            "-i",
            str(inventory),
            "playbooks/rotate-secrets.yml",
            "-e",
            "rotate_admin_password=true",
            "-e",
            f"rotate_secrets_admin_password_file={admin_password_file}",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_VAULT_IDENTITY_LIST": f"sandbox@{password_file}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    after_text = vault_view(inventory / VAULT, password_file)
    return Rotation(
        before=before,
        before_text=before_text,
        after=yaml.safe_load(after_text),
        after_text=after_text,
        token=json.loads(login["body"])["access_token"],
        ids=ids,
        output=output,
        admin_password_file=admin_password_file,
    )


def test_rotation_prints_no_secret_old_or_new(rotation):
    secrets = [
        value
        for values in (rotation["before"], rotation["after"])
        for key, value in values.items()
        if key.startswith("vault_") and value
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


def test_env_prod_holds_the_new_secrets(host, rotation):
    env_file = host.file(f"{APP_ROOT}/.env.prod")
    assert (env_file.user, env_file.mode) == ("root", 0o600)
    values = dict(line.split("=", 1) for line in env_file.content_string.splitlines() if "=" in line)
    assert values["JWT_SECRET"] == rotation["after"]["vault_jwt_secret"]
    assert values["LOG_INGEST_API_KEY"] == rotation["after"]["vault_log_ingest_api_key"]
    assert values["ADMIN_PASSWORD"] == rotation["after"]["vault_admin_password"]


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
