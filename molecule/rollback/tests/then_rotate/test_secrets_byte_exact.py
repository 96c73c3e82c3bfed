"""Secrets arrive byte-exact or are refused (runs after test_rotate.py, on the same host).

A vault of hostile values, written as an operator would (quoted YAML, no !unsafe), is deployed with
playbooks/deploy.yml; the backend's secret files and the settings the app reads from them are
compared byte for byte with the vault, and the hostile admin password signs in through nginx.
Before that, a vault value with a line break is refused naming the variable, with nothing changed.
"""

import base64
import json
import shlex
import subprocess

import pytest
from host_checks import APP_ROOT, audit_events, container_id, deployments, http, poll, process_uids, sqlite
from operator_tools import (
    VAULT,
    post_log_batch,
    run_playbook,
    sign_in,
    vault_vars,
    writable_inventory,
)
from vault_tools import vault_view

# Every byte compose's env-file format would have changed, and templates Ansible would have rendered.
HOSTILE = {
    "JWT_SECRET": " Ab{{ 7*7 }}ef $HOME ${USER} $$ 'single' \"double\" # not a comment = \\ ` é 0123456789 ",
    "LOG_INGEST_API_KEY": "key=value#x # tail $$ ${PATH} \\n `id`",
    "ADMIN_PASSWORD": "  pa$$ {{ 7*7 }} ${USER} 'q' \"d\" # ü = \\ `x`  ",
    "DELTA_API_KEY": "$$HOME",
    "DELTA_API_SECRET": "${DELTA:-fallback}`id` ключ {% raw %}",
    # Sent as a bearer token by the deploy's trading gate: ASCII, no space at either end.
    "OPS_API_TOKEN": "o$$HOME{{ 7*7 }}${USER}'q'\"d\"#x=\\`id`{% raw %}",
}
# The sandbox's notification channel stays as it is (the app checks it is a list of URLs).
SECRET_FILES = {*HOSTILE, "NOTIFY_URLS"}
MOUNTED_FILES_IN_CONTAINER = """
import base64, json, os
print(json.dumps({name: base64.b64encode(open('/run/secrets/' + name, 'rb').read()).decode()
                  for name in os.listdir('/run/secrets')}))
"""
SETTINGS_IN_CONTAINER = """
import json, sys
from control_plane.settings import load_settings
settings = load_settings()
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))
"""


def write_vault(inventory, secrets):
    """The copy's vault with these secrets, as plain double-quoted YAML, encrypted with the sandbox id."""
    password_file = inventory / "vault-password.txt"
    values = vault_vars(vault_view(inventory / VAULT, password_file))
    values.update({f"vault_{name.lower()}": value for name, value in secrets.items()})
    plaintext = inventory / "vault-plaintext.yml"
    plaintext.write_text("".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items()))
    target = inventory / VAULT
    target.unlink()
    encrypt = [
        "ansible-vault",
        "encrypt",
        "--vault-id",
        f"sandbox@{password_file}",
        "--encrypt-vault-id",
        "sandbox",
    ]
    subprocess.run([*encrypt, "--output", str(target), str(plaintext)], check=True, capture_output=True)
    plaintext.unlink()


def host_state(host):
    """What a deploy would change: the checkout, .env.prod, the secret files, the backend container."""
    return {
        "head": host.check_output(f"git -C {APP_ROOT} rev-parse HEAD"),
        "files": host.check_output(f"sha256sum {APP_ROOT}/.env.prod {APP_ROOT}/secrets/*"),
        "backend": container_id(host, "backend"),
        "records": len(deployments(host)),
    }


@pytest.fixture(scope="module")
def refused(host):
    inventory = writable_inventory("newline-inventory")
    write_vault(inventory, {"ADMIN_PASSWORD": "pw\nAPP_UID=0"})
    before = host_state(host)
    returncode, output = run_playbook(inventory, "deploy.yml")
    return {"returncode": returncode, "output": output, "before": before, "after": host_state(host)}


@pytest.fixture(scope="module")
def hostile(host, refused):
    inventory = writable_inventory("hostile-inventory")
    write_vault(inventory, HOSTILE)
    returncode, output = run_playbook(inventory, "playbooks/deploy.yml")
    assert returncode == 0, output
    return {"output": output, "backend": container_id(host, "backend")}


def in_backend(host, container, script, *args):
    command = f"docker exec {container} python3 -c {shlex.quote(script)} " + " ".join(map(shlex.quote, args))
    return json.loads(host.check_output(command))


def test_a_vault_value_with_a_line_break_is_refused_naming_the_variable(refused):
    assert refused["returncode"] != 0
    assert "vault_admin_password holds a line break" in " ".join(refused["output"].split())
    assert "APP_UID=0" not in refused["output"]


def test_the_refused_deploy_changed_nothing_on_the_host(refused):
    assert refused["after"] == refused["before"]


def test_the_backend_secret_files_hold_the_vault_values_byte_for_byte(host, hostile):
    files = in_backend(host, hostile["backend"], MOUNTED_FILES_IN_CONTAINER)
    assert set(files) == SECRET_FILES
    for name, value in HOSTILE.items():
        assert base64.b64decode(files[name]) == value.encode("utf-8"), name


def test_the_app_reads_every_secret_exactly_as_written(host, hostile):
    seen = in_backend(host, hostile["backend"], SETTINGS_IN_CONTAINER, *HOSTILE)
    assert seen == HOSTILE


def test_no_secret_is_in_the_backend_environment_and_it_runs_as_the_app_uid(host, hostile):
    container = hostile["backend"]
    environ = host.check_output(
        f"docker exec {container} python3 -c 'print(open(\"/proc/1/environ\").read())'"
    )
    names = {entry.split("=", 1)[0] for entry in environ.split("\0")}
    assert not names & set(HOSTILE)
    assert process_uids(host, container) == {"10001"}
    mounts = json.loads(host.check_output(f"docker inspect -f '{{{{json .Mounts}}}}' {container}"))
    secret_mounts = [mount for mount in mounts if mount["Destination"].startswith("/run/secrets/")]
    assert len(secret_mounts) == len(SECRET_FILES)
    assert not any(mount["RW"] for mount in secret_mounts)


def test_the_hostile_admin_password_signs_in_through_nginx(host, hostile):
    login = sign_in(host, HOSTILE["ADMIN_PASSWORD"])
    assert login["status"] == 200, login
    token = json.loads(login["body"])["access_token"]
    assert http(host, "GET", "/api/auth/me", {"Authorization": f"Bearer {token}"})["status"] == 200
    assert sign_in(host, HOSTILE["ADMIN_PASSWORD"].strip())["status"] == 401


def test_the_hostile_ingest_key_is_accepted(host, hostile):
    accepted = post_log_batch(host, HOSTILE["LOG_INGEST_API_KEY"])
    assert accepted["status"] == 200, accepted


def test_the_play_prints_no_secret(hostile):
    for value in HOSTILE.values():
        assert value.strip() not in hostile["output"]


def test_the_deploy_is_in_the_audit_log_posted_with_the_hostile_ingest_key(host, hostile):
    sha = host.check_output(f"git -C {APP_ROOT} rev-parse HEAD")
    # Every deployment record of this release, the hostile deploy's included, was audited: a
    # deploy's as a deploy, a requested rollback's (playbooks/rollback.yml went to this release
    # earlier on this host, in the rollback scenario) as a rollback.
    recorded = [r for r in deployments(host) if r["result"] == "deployed" and r["to_sha"] == sha]
    requested = [r for r in recorded if r["detail"] == "rollback requested by the operator"]
    assert len(recorded) > len(requested)

    # Polled on this release's rows: the host holds audit rows of other releases too, so a count
    # of all rows of the action would not wait for the log tailer to commit the newest.
    def of_release(action, result=None):
        return [
            event
            for event in audit_events(host, action, at_least=0)
            if event["target"] == f"release:{sha}" and result in (None, event["details"]["result"])
        ]

    deploys = len(recorded) - len(requested)
    audited = poll(lambda: of_release("deploy"), lambda rows: len(rows) >= deploys)
    assert len(audited) == deploys
    rolled_to = poll(lambda: of_release("rollback", "deployed"), lambda rows: len(rows) >= len(requested))
    assert len(rolled_to) == len(requested)
    seen = {(e["actor_role"], e["outcome"], e["source"]) for e in audited}
    assert seen == {("operator", "success", "ansible")}
    assert "WARNING: the audit record" not in " ".join(hostile["output"].split())


def test_no_sink_on_the_host_holds_a_hostile_secret(host, hostile):
    """After the hostile deploy, its sign-ins and ingest: the log file, both containers' output,
    the log rows and the deployment record, searched raw and JSON-escaped."""
    sinks = {
        "logs/backend.log": host.file(f"{APP_ROOT}/logs/backend.log").content_string,
        "data/deployments.jsonl": host.file(f"{APP_ROOT}/data/deployments.jsonl").content_string,
        "backend_logs rows": sqlite(host, "SELECT message, payload FROM backend_logs"),
        "backend output": host.check_output(f"docker logs {hostile['backend']} 2>&1"),
        "nginx output": host.check_output(f"docker logs {container_id(host, 'frontend')} 2>&1"),
    }
    for name, value in HOSTILE.items():
        forms = {value.strip(), json.dumps(value.strip(), ensure_ascii=False)[1:-1]}
        for sink, text in sinks.items():
            assert not any(form in text for form in forms), f"{name} is in {sink}"
