"""The production Compose stack, built from this checkout and seen from outside through the edge."""

import io
import json
import os
import subprocess
import tarfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests
from stack_harness import APP_UID, ROOT, Stack, poll, reload_edge, render_edge_file

# Certificates this machine adds to Debian's set (an intercepting proxy's CA): builds receive them
# as a secret, so their bodies must not be found in any image.
LOCAL_CA_CERTIFICATES = [
    path.read_text().split("-----")[2].split()[3].encode()
    for path in Path("/usr/local/share/ca-certificates").glob("*.crt")
]


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


def backend_get(stack: Stack, path: str, authorization: str = "") -> str:
    """GET a path from the backend itself (inside its container), not through the edge."""
    fetch = (
        "import sys, urllib.request; request = urllib.request.Request('http://127.0.0.1:8001' + sys.argv[1],"
        " headers={'Authorization': sys.argv[2]} if sys.argv[2] else {});"
        " sys.stdout.write(urllib.request.urlopen(request).read().decode())"
    )
    return docker("exec", stack.container("backend"), "python3", "-c", fetch, path, authorization)


def test_ready_through_the_edge_reports_the_built_sha(stack: Stack):
    response = requests.get(f"{stack.url}/api/health/ready", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == stack.git_sha


def test_health_detail_reports_the_backend_container_from_its_cgroup(stack: Stack):
    """Figures the unit tests cannot see outside a container: the cgroup's CPU, memory and
    processes, and the connection the edge holds to the backend while it asks."""
    assert requests.get(f"{stack.url}/api/health/detail", timeout=10).status_code == 401
    response = requests.get(f"{stack.url}/api/health/detail", headers=stack.login(), timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    container, process = body["container"], body["process"]
    assert container["cpu_seconds"] > 0
    assert container["pids"] >= 1
    # Not compared with the process's RSS: that counts shared library pages charged elsewhere.
    assert 0 < container["memory_bytes"] <= container["memory_limit_bytes"]
    assert container["memory_limit_bytes"] == 768 * 1024 * 1024  # the compose file's default
    assert process["memory_rss_bytes"] > 0
    assert container["tcp_connections"] >= 1
    assert process["open_sockets"] >= 1
    assert {disk["name"]: disk["path"] for disk in body["disks"]} == {
        "data": "/app/data",
        "logs": "/app/logs",
    }
    assert body["version"] == stack.git_sha
    assert body["status"] == "ready"
    # The tailer wakes on the log's changes in the release image too (it lacks ldconfig, which
    # ctypes.util.find_library runs), instead of polling.
    assert body["log_tail"]["wakes_on_change"] is True, body["log_tail"]


# A budget, not a target: the series one backend exposes after the browser-free tests above.
MAX_METRIC_SERIES = 2000


def test_metrics_pass_promtool_and_their_series_stay_bounded(stack: Stack):
    """/metrics as the backend serves it, linted by Debian's promtool (names, units, help); the
    series per family are printed, the cardinality the closing notes give."""
    headers = stack.login()
    for path in ("/api/sessions", "/api/sessions/999", "/api/health/detail", "/no/such/path"):
        requests.get(f"{stack.url}{path}", headers=headers, timeout=10)
    text = backend_get(stack, "/metrics")
    lint = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "-i",
            "--network",
            "none",
            os.environ["PROMETHEUS_BASE_IMAGE"],
            "promtool",
            "check",
            "metrics",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    families: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name = line.split("{")[0].split(" ")[0]
            for suffix in ("_bucket", "_count", "_sum", "_created", "_total"):
                name = name.removesuffix(suffix)
            families[name] = families.get(name, 0) + 1
    for name, count in sorted(families.items(), key=lambda item: -item[1]):
        print(f"{count:5d}  {name}")
    total = sum(families.values())
    print(f"{total} series in {len(families)} families")
    assert "control_plane_trading_sessions" in families
    assert "control_plane_http_request_duration_seconds" in families
    assert total <= MAX_METRIC_SERIES


def test_a_request_is_found_by_its_correlation_id(stack: Stack):
    headers = stack.login()
    request_id = f"stack-test-{uuid.uuid4().hex}"
    made = requests.get(f"{stack.url}/api/health", headers={"X-Request-ID": request_id}, timeout=10)
    assert made.headers["X-Request-ID"] == request_id
    started = time.monotonic()

    def stored_rows() -> list:
        found = requests.get(
            f"{stack.url}/api/logs", params={"correlation_id": request_id}, headers=headers, timeout=10
        )
        assert found.status_code == 200, found.text
        return found.json()["items"]

    # A liveness bound, not a timing assertion: the latency is printed, and benchmarked elsewhere.
    rows = poll(stored_rows, timeout=30, interval=0.2)
    print(f"correlation id queryable after {time.monotonic() - started:.2f} s")
    assert rows
    assert {row["correlation_id"] for row in rows} == {request_id}


def test_one_request_is_followed_from_the_edge_to_the_backend(stack: Stack):
    headers = stack.login()
    request_id = f"follow-{uuid.uuid4().hex}"
    made = requests.get(
        f"{stack.url}/api/health?token=abc{request_id}",
        headers={"X-Request-ID": request_id, "User-Agent": "stack-test-agent/1"},
        timeout=10,
    )
    assert made.status_code == 200
    rows = stack.request_rows(request_id, headers)
    by_source = {source: [row for row in rows if row["source"] == source] for source in ("edge", "backend")}
    assert len(by_source["edge"]) == 1, rows
    edge = by_source["edge"][0]
    assert edge["event"] == "http_access"
    assert edge["level"] == "INFO"
    assert edge["message"].startswith("GET /api/health[REDACTED] 200 "), edge["message"]
    assert edge["payload"]["status"] == 200
    assert edge["payload"]["user_agent"] == "stack-test-agent/1"
    assert edge["payload"]["proto"].startswith("HTTP/")
    assert "http_request" in {row["event"] for row in by_source["backend"]}
    assert f"abc{request_id}" not in json.dumps(rows)

    # An id the backend would refuse is replaced at the edge: the edge and the backend log the same.
    refused = requests.get(f"{stack.url}/api/health", headers={"X-Request-ID": "not safe!"}, timeout=10)
    minted = refused.headers["X-Request-ID"]
    assert minted != "not safe!"
    assert {row["source"] for row in stack.request_rows(minted, headers)} == {"edge", "backend"}

    # The rows came from the file in logs/edge/, which holds the line.
    access_log = Path(stack.env["LOGS_DIR"]) / "edge" / "access.log"
    lines = [json.loads(line) for line in access_log.read_text().splitlines() if request_id in line]
    assert [line["correlation_id"] for line in lines] == [request_id]
    edge_only = requests.get(
        f"{stack.url}/api/logs",
        params={"source": "edge", "correlation_id": request_id},
        headers=headers,
        timeout=10,
    ).json()["items"]
    assert [row["id"] for row in edge_only] == [edge["id"]]


def test_the_edge_rolls_its_access_log_and_each_line_is_one_row(stack: Stack):
    """Caddy's own roll (1 MiB here) under the running tailer: every request is one edge row."""
    edge_logs = Path(stack.env["LOGS_DIR"]) / "edge"
    rolled_before = set(edge_logs.glob("access-*.log"))
    marker = uuid.uuid4().hex[:12]
    count = 700  # about 1.7 MiB of access lines with the long path below
    padding = "p" * 1800
    with requests.Session() as session:
        for index in range(count):
            request_id = f"roll-{marker}-{index}"
            url = f"{stack.url}/api/{padding}/{index}"
            session.get(url, headers={"X-Request-ID": request_id}, timeout=10)
    rolled = set(edge_logs.glob("access-*.log")) - rolled_before
    assert rolled, sorted(path.name for path in edge_logs.iterdir())
    count_rows = (
        "import sqlite3, sys; c = sqlite3.connect('/app/data/delta_trader.db'); print(*c.execute("
        "\"SELECT count(*), count(DISTINCT correlation_id) FROM backend_logs_view WHERE source = 'edge'"
        " AND correlation_id LIKE ?\", (sys.argv[1] + '%',)).fetchone())"
    )

    def edge_rows() -> tuple[int, int]:
        out = docker("exec", stack.container("backend"), "python3", "-c", count_rows, f"roll-{marker}-")
        total, distinct = out.split()
        return int(total), int(distinct)

    started = time.monotonic()
    poll(lambda: edge_rows()[0] >= count, timeout=60, interval=0.5)
    print(f"{count} requests, {len(rolled)} roll(s): all edge rows after {time.monotonic() - started:.1f} s")
    assert edge_rows() == (count, count)


def test_log_endpoints_require_sign_in(stack: Stack):
    assert requests.get(f"{stack.url}/api/logs", timeout=10).status_code == 401


def test_containers_run_as_the_configured_uid_without_root(stack: Stack):
    for service in ("backend", "frontend", "edge"):
        container = stack.container(service)
        inspected = json.loads(docker("inspect", container))[0]
        # The uids of the container's main process, read by the kernel (the images hold no `id`).
        status = Path(f"/proc/{inspected['State']['Pid']}/status").read_text()
        uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
        assert set(uids) == {str(APP_UID)}, (service, uids)
        config = inspected["HostConfig"]
        assert config["ReadonlyRootfs"] is True
        assert config["CapDrop"] == ["ALL"]
        assert "no-new-privileges:true" in config["SecurityOpt"]
    database = stack.data_dir / "delta_trader.db"
    assert database.stat().st_uid == APP_UID


def test_root_filesystem_is_read_only(stack: Stack):
    result = subprocess.run(
        ["docker", "exec", stack.container("backend"), "python3", "-c", "open('/app/new-file', 'w')"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Read-only file system" in result.stderr


def test_only_the_edge_ports_are_published(stack: Stack):
    published = {
        service: json.loads(docker("inspect", stack.container(service)))[0]["NetworkSettings"]["Ports"]
        for service in ("backend", "frontend", "edge")
    }
    assert all(not bindings for bindings in published["backend"].values())
    assert all(not bindings for bindings in published["frontend"].values())
    release_env = dict(line.split("=", 1) for line in Path(stack.env["RELEASE_ENV_FILE"]).read_text().split())
    edge_bindings = [b for bindings in published["edge"].values() if bindings for b in bindings]
    assert sorted((b["HostIp"], b["HostPort"]) for b in edge_bindings) == sorted(
        [("127.0.0.1", release_env["EDGE_HTTP_PORT"]), ("127.0.0.1", release_env["EDGE_HTTPS_PORT"])]
    )


def test_the_spa_is_served_with_security_headers_and_caching(stack: Stack):
    index = requests.get(f"{stack.url}/logs?level=ERROR", timeout=10)
    assert index.status_code == 200
    assert "text/html" in index.headers["Content-Type"]
    assert index.headers["Cache-Control"] == "no-cache"
    csp = index.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert index.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    asset = next(part.split('"')[0] for part in index.text.split('src="')[1:] if part.startswith("/assets/"))
    script = requests.get(f"{stack.url}{asset}", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert script.status_code == 200
    assert "immutable" in script.headers["Cache-Control"]
    assert script.headers["Content-Encoding"] == "gzip"
    assert script.headers["X-Content-Type-Options"] == "nosniff"


def test_no_build_time_secret_lands_in_an_image(stack: Stack, tmp_path):
    for service in ("backend", "frontend", "edge"):
        image = json.loads(docker("inspect", stack.container(service)))[0]["Config"]["Image"]
        history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
        config = docker("image", "inspect", image)
        archive = tmp_path / f"{service}.tar"
        subprocess.run(["docker", "save", "-o", str(archive), image], check=True)
        contents = b"".join(layer_bytes(archive))
        # An empty secret (no notification channel here) has nothing to leak.
        for name, value in filter(lambda item: item[1], stack.secrets.items()):
            assert value not in history, f"{name} in the history of {image}"
            assert value not in config, f"{name} in the configuration of {image}"
            assert value.encode() not in contents, f"{name} in a layer of {image}"
        for certificate in LOCAL_CA_CERTIFICATES:
            assert certificate not in contents, f"the build's extra CA bundle is in a layer of {image}"


def test_the_images_fit_their_size_budgets(stack: Stack):
    budgets = dict(
        line.split("=", 1)
        for line in (ROOT / "docker/image-budgets.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for service in ("backend", "frontend"):
        image = json.loads(docker("inspect", stack.container(service)))[0]["Config"]["Image"]
        size_mb = int(docker("image", "inspect", "-f", "{{.Size}}", image)) / 1e6
        budget_mb = int(budgets[f"{service.upper()}_IMAGE_BUDGET_MB"])
        assert size_mb <= budget_mb, f"{image} is {size_mb:.1f} MB, over its budget of {budget_mb} MB"


def layer_bytes(archive):
    """Every file of every layer of a saved image, nested layer tars opened."""
    with tarfile.open(archive) as saved:
        for member in saved.getmembers():
            if not member.isfile():
                continue
            data = saved.extractfile(member).read()
            if member.name.endswith((".tar", "layer.tar")) or data[257:262] == b"ustar":
                with tarfile.open(fileobj=io.BytesIO(data)) as layer:
                    for entry in layer.getmembers():
                        if entry.isfile():
                            yield entry.name.encode() + layer.extractfile(entry).read()
            else:
                yield data


def test_rows_survive_down_and_up(stack: Stack):
    headers = stack.login()
    request_id = f"persist-{uuid.uuid4().hex}"
    requests.get(f"{stack.url}/api/health", headers={"X-Request-ID": request_id}, timeout=10)
    before = stack.request_rows(request_id, headers)
    assert before
    stack.compose("down")
    stack.compose("up", "-d", "--wait", "--wait-timeout", "180")
    stack.wait_until_ready()
    after = requests.get(
        f"{stack.url}/api/logs", params={"correlation_id": request_id}, headers=stack.login(), timeout=10
    ).json()["items"]
    assert [row["id"] for row in after] == [row["id"] for row in before]


def test_health_detail_reads_the_certificate_the_edge_serves(stack: Stack):
    """The backend's own TLS handshake with the edge over app-net (EDGE_TLS_PROBE_ADDRESS): while
    the edge serves no TLS (mode off) an error and still ready; once the edge serves its internal
    CA's certificate (a reload), its end of validity, name and issuer, and the /metrics gauge."""
    headers = stack.login()
    refused = requests.get(f"{stack.url}/api/health/detail", headers=headers, timeout=10).json()
    assert refused["status"] == "ready", refused["reasons"]
    assert refused["edge_certificate"]["probed"] is True
    assert refused["edge_certificate"]["not_after"] is None
    assert refused["edge_certificate"]["error"], refused["edge_certificate"]

    def probed() -> dict | None:
        detail = json.loads(backend_get(stack, "/api/health/detail", headers["Authorization"]))
        return detail if detail["edge_certificate"]["not_after"] else None

    caddyfile = Path(stack.env["EDGE_DIR"]) / "config/Caddyfile"
    rendered = caddyfile.read_text()
    http_port = int(stack.url.rsplit(":", 1)[1])
    try:
        caddyfile.write_text(
            render_edge_file("Caddyfile", http_port, stack.https_port, tls="internal", domains=["localhost"])
        )
        internal = reload_edge(stack)
        assert internal.returncode == 0, internal.stderr
        # A failed probe is asked again after 30 s.
        detail = poll(probed, timeout=60, interval=2)
        metrics = backend_get(stack, "/metrics")
    finally:
        caddyfile.write_text(rendered)
        restored = reload_edge(stack)
    assert restored.returncode == 0, restored.stderr
    stack.wait_until_ready()
    assert detail, "the backend never read the edge's certificate"
    certificate = detail["edge_certificate"]
    print(f"edge certificate as the backend read it: {certificate}")
    not_after = datetime.fromisoformat(certificate["not_after"])
    assert datetime.fromisoformat(certificate["not_before"]) < datetime.now(UTC) < not_after
    assert certificate["expires_in_seconds"] > 0
    assert certificate["error"] is None
    assert certificate["dns_names"] == ["localhost"]
    assert certificate["issuer_cn"].startswith("Caddy Local Authority"), certificate
    assert detail["status"] == "ready"
    gauge = "control_plane_edge_certificate_expiry_timestamp_seconds "
    [line] = [line for line in metrics.splitlines() if line.startswith(gauge)]
    assert float(line.split()[1]) == not_after.timestamp()


# A UTC day long past the retention window: the rows the browser suite searches once archived.
ARCHIVED_DAY = "2020-01-15"


def archive_and_load_back(stack: Stack, day: str, messages: list[str]) -> None:
    """Rows of `day` written into backend_logs, archived and deleted by a retention pass, and loaded
    back into archived_logs: the commands an operator runs, in the backend container."""
    write = (
        "import json, sqlite3, sys; from datetime import datetime\n"
        "day, messages = sys.argv[1], json.loads(sys.argv[2])\n"
        "start = int(datetime.fromisoformat(day + 'T09:30:00+00:00').timestamp()) * 1_000_000\n"
        "with sqlite3.connect('/app/data/delta_trader.db') as db:\n"
        "    db.executemany('INSERT INTO backend_logs (ts, level, logger, event, message, source, payload,"
        " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [(start + i * 60_000_000, 'INFO', 'stack_test',"
        " 'stack.archived', m, 'backend', json.dumps({'row': i}), start) for i, m in enumerate(messages)])\n"
    )
    backend = stack.container("backend")
    docker("exec", backend, "python3", "-c", write, day, json.dumps(messages))
    pruned = docker("exec", backend, "control-plane", "logs", "prune")
    assert pruned.startswith(f"deleted {len(messages)} rows older than 7 days"), pruned
    loaded = docker("exec", backend, "control-plane", "logs", "import-archive", day)
    assert loaded.startswith(f"{day}: {len(messages)} archived rows checked (count and checksum);"), loaded


# The Log Viewer's first page is timed over this many rows (issue 20: <= 300 ms at 5,000,000).
VIEWER_ROWS = 5_000_000


def seed_log_rows(stack: Stack, rows: int) -> None:
    """Synthetic rows over the last days, written by the backend's own command (counted and
    indexed as ingested rows are), timed: the browser suite's first-page check needs them."""
    started = time.monotonic()
    command = ["control-plane", "demo", "logs", "--rows", str(rows), "--days", "6"]
    seeded = docker("exec", stack.container("backend"), *command)
    print(f"seeded {rows:,} log rows in {time.monotonic() - started:.1f} s: {seeded.strip()}")
    assert seeded.startswith(f"wrote {rows} demo log rows over 6 days"), seeded
    # The browser suite starts once the backend answers again after the bulk write.
    answered = poll(
        lambda: requests.get(f"{stack.url}/api/health/ready", timeout=10).status_code == 200,
        timeout=120,
        interval=1,
    )
    assert answered, "the backend was not ready within 120 s of the seeding"


def failed_browser_tests(report: dict) -> str:
    """Each failed test of a Playwright JSON report with the start of its first error."""
    failures = []
    suites = list(report.get("suites", []))
    while suites:
        suite = suites.pop(0)
        suites.extend(suite.get("suites", []))
        for spec in suite.get("specs", []):
            for result in (r for t in spec["tests"] for r in t["results"]):
                if result["status"] in ("failed", "timedOut", "interrupted"):
                    error = (result.get("errors") or [{}])[0].get("message", result["status"])
                    failures.append(f"{spec['file']}:{spec['line']} {spec['title']}\n{error[:1500]}")
    return "\n\n".join(failures + [""])


def test_browser_suite_passes_against_the_stack(stack: Stack, tmp_path):
    """The frontend's browser tests (@playwright/test, Debian's Chromium) drive the SPA of this stack."""
    # What a deploy appends (roles/app_stack/tasks/record.yml), for the System screen to list.
    record = stack.data_dir / "deployments.jsonl"
    deployed = {
        "time": "2026-12-04T08:00:00Z",
        "operator": "e2e",
        "from_sha": "",
        "to_sha": stack.git_sha,
        "result": "deployed",
        "duration_seconds": 61.5,
        "detail": "",
        "trading_gate": None,
        "rollout": None,
    }
    record.write_text(json.dumps(deployed) + "\n")
    os.chown(record, APP_UID, APP_UID)
    record.chmod(0o640)
    word = f"archived{uuid.uuid4().hex[:8]}"
    messages = [f"{word} order {n} filled before the archive" for n in (1, 2, 3)]
    archive_and_load_back(stack, ARCHIVED_DAY, messages)
    seed_log_rows(stack, VIEWER_ROWS)
    report = tmp_path / "playwright-report.json"
    result = subprocess.run(
        ["npm", "run", "--silent", "test:browser", "--", "--reporter=list,json"],
        cwd=ROOT / "frontend",
        env={
            **os.environ,
            "E2E_BASE_URL": stack.url,
            "E2E_ADMIN_USERNAME": "admin",
            "E2E_ADMIN_PASSWORD": stack.secrets["ADMIN_PASSWORD"],
            "E2E_SCREENSHOT_DIR": str(tmp_path),
            "E2E_ARCHIVED_DAY": ARCHIVED_DAY,
            "E2E_ARCHIVED_WORD": word,
            "E2E_ARCHIVED_MESSAGES": json.dumps(messages),
            "E2E_LOG_ROWS_AT_LEAST": str(VIEWER_ROWS),
            "PLAYWRIGHT_JSON_OUTPUT_NAME": str(report),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    print(result.stdout[-3000:])
    outcome = json.loads(report.read_text()) if report.exists() else {}
    # The failed tests' own errors first: the list reporter's tail is mostly the tests that passed.
    assert result.returncode == 0, (
        failed_browser_tests(outcome) + result.stdout[-3000:] + result.stderr[-2000:]
    )
    # The runner's own count: every test ran and passed, and there was at least one.
    stats = outcome["stats"]
    assert stats["expected"] > 0, stats
    assert (stats["unexpected"], stats["flaky"], stats["skipped"]) == (0, 0, 0), stats
