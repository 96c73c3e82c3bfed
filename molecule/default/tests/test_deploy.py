"""The deployed stack on the host, seen from outside: files, users, containers, HTTPS through the edge."""

import json
import uuid

from host_checks import APP_ROOT, container_id, http, poll, process_uids, sqlite

APP_UID = APP_GID = 10001
REQUIRED_ENV_KEYS = {
    "APP_UID",
    "APP_GID",
    "APP_ENV",
    "SECRETS_DIGEST",
    "ADMIN_USERNAME",
    "ALLOWED_ORIGINS",
    "LOG_LEVEL",
    "BACKEND_LOG_INGEST_ENABLED",
    "BACKEND_LOG_POLL_INTERVAL",
    "BACKEND_LOG_BATCH_SIZE",
    "BACKEND_LOG_RETENTION_DAYS",
    "VITE_API_BASE_URL",
    "VITE_ENABLE_API_DEBUG",
}
# Paths inside the container are the image's; the host file must not spell them a second time.
IMAGE_KEYS = {"DATABASE_URL", "BACKEND_LOG_PATH"}
SECRET_KEYS = {"JWT_SECRET", "ADMIN_PASSWORD", "LOG_INGEST_API_KEY"}
SECRET_FILES = SECRET_KEYS | {"DELTA_API_KEY", "DELTA_API_SECRET"}
PLACEHOLDERS = {"", "changeme", "change-me", "replace-me", "placeholder", "secret", "password", "admin"}


def env_file(host):
    content = host.file(f"{APP_ROOT}/.env.prod").content_string
    pairs = (line.split("=", 1) for line in content.splitlines() if line and not line.startswith("#"))
    return dict(pairs)


def secret(host, name):
    return host.file(f"{APP_ROOT}/secrets/{name}").content_string


def sign_in(host):
    password = secret(host, "ADMIN_PASSWORD")
    response = http(
        host,
        "POST",
        "/api/auth/login",
        {"Content-Type": "application/json"},
        json.dumps({"username": "admin", "password": password}),
    )
    assert response["status"] == 200, response
    return {"Authorization": f"Bearer {json.loads(response['body'])['access_token']}"}


def deployed_sha(host):
    return host.check_output(f"git -C {APP_ROOT} rev-parse HEAD")


def test_app_user_and_group_have_the_configured_ids(host):
    user = host.user("delta")
    assert user.uid == APP_UID
    assert user.gid == APP_GID
    assert host.group("delta").gid == APP_GID


def test_state_directories_belong_to_the_app(host):
    for name in ("data", "logs"):
        directory = host.file(f"{APP_ROOT}/{name}")
        assert directory.is_directory
        assert (directory.uid, directory.gid) == (APP_UID, APP_GID)
        assert directory.mode == 0o750


def test_env_file_is_private_and_complete(host):
    rendered = host.file(f"{APP_ROOT}/.env.prod")
    assert (rendered.user, rendered.mode) == ("root", 0o600)
    values = env_file(host)
    assert REQUIRED_ENV_KEYS <= set(values)
    assert not SECRET_FILES & set(values), "a secret is in .env.prod"
    assert not IMAGE_KEYS & set(values), "an in-image path is spelled again in .env.prod"


def test_the_backend_reads_the_certificate_the_edge_serves(host):
    """.env.prod points the backend at the edge's HTTPS on app-net (TLS mode internal here), and the
    health detail carries the certificate the edge serves, a failed first handshake retried."""
    values = env_file(host)
    assert values["EDGE_TLS_PROBE_ADDRESS"] == "edge:443"
    headers = sign_in(host)

    def certificate():
        return json.loads(http(host, "GET", "/api/health/detail", headers)["body"])["edge_certificate"]

    read = poll(certificate, lambda answer: answer["not_after"] is not None, timeout=45, interval=3)
    assert read["error"] is None, read
    assert read["dns_names"] == [values["EDGE_TLS_SERVER_NAME"]]
    assert read["expires_in_seconds"] > 0
    assert read["issuer_cn"].startswith("Caddy Local Authority"), read


def test_secrets_are_files_only_the_app_uid_reads(host):
    directory = host.file(f"{APP_ROOT}/secrets")
    assert (directory.user, directory.mode) == ("root", 0o700)
    for key in SECRET_FILES:
        secret_file = host.file(f"{APP_ROOT}/secrets/{key}")
        assert (secret_file.uid, secret_file.group, secret_file.mode) == (APP_UID, "root", 0o400), key
    for key in SECRET_KEYS:
        value = secret(host, key)
        assert value.lower() not in PLACEHOLDERS, f"{key} is a placeholder"
        assert not value.startswith("<"), f"{key} is a placeholder"


def test_checkout_is_at_the_remote_branch(host):
    assert deployed_sha(host) == host.check_output(f"git -C {APP_ROOT} rev-parse origin/main")
    assert host.check_output(f"git -C {APP_ROOT} status --porcelain") == ""


# Each image is tagged with the last commit that changed its build inputs.
IMAGE_INPUTS = {
    "backend": "app docker/backend.Dockerfile",
    "frontend": "frontend docker/frontend.Dockerfile docker/nginx .dockerignore",
    "edge": "docker/edge.Dockerfile",
}


def test_containers_are_healthy_and_run_as_the_app_uid(host):
    for service, inputs in IMAGE_INPUTS.items():
        container = container_id(host, service)
        state = json.loads(host.check_output(f"docker inspect {container}"))[0]["State"]
        assert state["Health"]["Status"] == "healthy"
        assert process_uids(host, container) == {str(APP_UID)}
        image = host.check_output(f"docker inspect -f '{{{{.Config.Image}}}}' {container}")
        tag = host.check_output(f"git -C {APP_ROOT} log -1 --format=%H HEAD -- {inputs}")
        assert image == f"delta-strangle-{service}:{tag}"


def test_an_operators_compose_up_on_the_host_is_what_the_deploy_ran(host):
    # The one compose command with release.env: the deployed containers are kept, none recreated.
    plan = host.run(f"{APP_ROOT}/scripts/compose.sh --dry-run up --detach --no-build")
    assert plan.rc == 0, plan.stderr
    lines = (plan.stdout + plan.stderr).splitlines()
    assert [line for line in lines if "Running" in line], lines
    assert not [line for line in lines if "Recreate" in line or "Creat" in line], lines


def test_only_the_edge_ports_listen_on_the_host(host):
    ports = {
        int(socket.rsplit(":", 1)[1])
        for socket in host.socket.get_listening_sockets()
        if socket.startswith(("tcp://", "tcp6://"))
    }
    assert {80, 443} <= ports
    assert 8001 not in ports
    assert 8080 not in ports


def test_ready_through_the_edge_reports_the_deployed_sha(host):
    response = http(host, "GET", "/api/health/ready")
    assert response["status"] == 200, response
    assert json.loads(response["body"])["version"] == deployed_sha(host)


def test_a_request_is_found_by_its_correlation_id(host):
    request_id = f"molecule-{uuid.uuid4().hex}"
    made = http(host, "GET", "/api/health", {"X-Request-ID": request_id})
    assert made["headers"]["x-request-id"] == request_id
    headers = sign_in(host)

    def logs_of_the_request():
        found = http(host, "GET", f"/api/logs?correlation_id={request_id}", headers)
        assert found["status"] == 200, found
        return json.loads(found["body"])["items"]

    items = poll(logs_of_the_request, bool)
    assert items
    assert {item["correlation_id"] for item in items} == {request_id}


def test_backend_logs_rows_are_readable_with_sqlite3_on_the_host(host):
    assert int(sqlite(host, "SELECT count(*) FROM backend_logs")) > 0


def test_the_deployment_is_recorded(host):
    records = [
        json.loads(line)
        for line in host.file(f"{APP_ROOT}/data/deployments.jsonl").content_string.splitlines()
    ]
    assert records[-1]["to_sha"] == deployed_sha(host)
    assert records[-1]["result"] == "deployed"
    # The first deploy came from nothing; every record names who ran it.
    assert records[0]["from_sha"] == ""
    assert all(record["operator"] for record in records)


def test_logrotate_rotates_the_app_logs_by_rename_with_the_app_ownership(host):
    policy = host.file("/etc/logrotate.d/delta-strangle")
    assert policy.mode == 0o644
    directives = [line.strip() for line in policy.content_string.splitlines() if not line.startswith("#")]
    assert f"create 0640 {APP_UID} {APP_GID}" in directives
    assert "delaycompress" in directives
    assert "copytruncate" not in directives
    assert host.run("logrotate --debug /etc/logrotate.d/delta-strangle").rc == 0


def test_the_backup_playbook_left_a_verified_backup_of_the_deployed_release(host):
    backups = host.file(f"{APP_ROOT}/data/backups")
    assert (backups.uid, backups.mode) == (APP_UID, 0o750)
    names = sorted(backups.listdir())
    assert names
    newest = f"{APP_ROOT}/data/backups/{names[-1]}"
    assert names[-1].endswith(f"-{deployed_sha(host)[:12]}.db")
    assert sqlite(host, "PRAGMA integrity_check", newest) == "ok"
    assert int(sqlite(host, "SELECT count(*) FROM backend_logs", newest)) > 0
