"""A real Compose stack built from this checkout and run on the machine's engine."""

import os
import secrets
import subprocess
import time

import pytest
from stack_harness import (
    APP_GID,
    APP_UID,
    BUILD_CONTEXTS,
    IMAGE_TAG,
    PROJECT,
    ROOT,
    Stack,
    free_port,
    render_edge_config,
    write_env_file,
    write_secret_files,
)


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    work = tmp_path_factory.mktemp("stack")
    data_dir, logs_dir = work / "data", work / "logs"
    # logs/edge/: the edge's access log, as roles/app_config creates it.
    for directory in (data_dir, logs_dir, logs_dir / "edge"):
        directory.mkdir()
        os.chown(directory, APP_UID, APP_GID)
        directory.chmod(0o750)

    secret_values = {
        "JWT_SECRET": secrets.token_hex(32),
        "LOG_INGEST_API_KEY": secrets.token_hex(24),
        "ADMIN_PASSWORD": secrets.token_urlsafe(18),
        "DELTA_API_KEY": secrets.token_hex(16),
        "DELTA_API_SECRET": secrets.token_hex(32),
        "OPS_API_TOKEN": secrets.token_hex(24),
        # No notification channel in the stack tests (the app's tests and molecule have one).
        "NOTIFY_URLS": "",
    }
    port, https_port = free_port(), free_port()
    edge_dir = work / "edge"
    render_edge_config(edge_dir, port, https_port, APP_UID)
    env_file = work / ".env.prod"
    write_env_file(
        env_file,
        {
            "APP_ENV": "production",
            "APP_UID": str(APP_UID),
            "APP_GID": str(APP_GID),
            "ADMIN_USERNAME": "admin",
            "LOG_LEVEL": "INFO",
            "ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
            "BACKEND_LOG_INGEST_ENABLED": "true",
            "BACKEND_LOG_POLL_INTERVAL": "0.5",
            "BACKEND_LOG_BATCH_SIZE": "500",
            "BACKEND_LOG_RETENTION_DAYS": "7",
            "EDGE_ACCESS_LOG_PATH": "/app/logs/edge/access.log",
            # As Ansible renders them (roles/app_config): the edge's HTTPS on app-net, its name.
            "EDGE_TLS_PROBE_ADDRESS": f"edge:{https_port}",
            "EDGE_TLS_SERVER_NAME": "localhost",
        },
    )
    secrets_dir = work / "secrets"
    write_secret_files(secrets_dir, secret_values, APP_UID)
    git_sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    # The release's compose environment, as app_stack writes release.env on a host.
    release_env_file = work / "release.env"
    write_env_file(
        release_env_file,
        {
            "BACKEND_IMAGE_TAG": IMAGE_TAG,
            "FRONTEND_IMAGE_TAG": IMAGE_TAG,
            "EDGE_IMAGE_TAG": IMAGE_TAG,
            "GIT_SHA": git_sha,
            "EDGE_BIND_ADDRESS": "127.0.0.1",
            "EDGE_HTTP_PORT": str(port),
            "EDGE_HTTPS_PORT": str(https_port),
            # As the sandbox and molecule hosts' inventory sets it (app_stack_healthcheck_interval,
            # which says why): started services probed once a minute, starting ones every second.
            "HEALTHCHECK_INTERVAL": "60s",
        },
    )
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": PROJECT,
        "ENV_FILE": str(env_file),
        "RELEASE_ENV_FILE": str(release_env_file),
        "SECRET_FILES_DIR": str(secrets_dir),
        "DATA_DIR": str(data_dir),
        "LOGS_DIR": str(logs_dir),
        "EDGE_DIR": str(edge_dir),
        "BUILD_TIME": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    the_stack = Stack(
        url=f"http://127.0.0.1:{port}",
        env_file=env_file,
        env=env,
        secrets=secret_values,
        data_dir=data_dir,
        git_sha=git_sha,
        https_port=https_port,
    )

    planted = []
    for context in BUILD_CONTEXTS:
        target = context / ".env.prod"
        if not target.exists():
            target.write_text(env_file.read_text())
            planted.append(target)
    try:
        the_stack.compose("down", "--volumes", "--remove-orphans", check=False)
        build = the_stack.compose("build", check=False)
        assert build.returncode == 0, build.stderr[-4000:]
    finally:
        for target in planted:
            target.unlink()

    up = the_stack.compose("up", "-d", "--wait", "--wait-timeout", "180", check=False)
    if up.returncode != 0:
        logs = the_stack.compose("logs", "--no-color", "--tail", "80", check=False).stdout
        the_stack.compose("down", "--volumes", check=False)
        raise AssertionError(f"compose up failed: {up.stderr[-3000:]}\n{logs[-6000:]}")
    yield the_stack
    the_stack.compose("down", "--volumes", "--remove-orphans", check=False)
