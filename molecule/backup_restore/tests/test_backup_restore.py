"""After backup, more rows, restore: the database holds what it held at backup time, the
replaced database is kept, and the stack is healthy on it. Users got the maintenance answer
during the restore and during a maintenance window opened by hand; /metrics at the edge answers
a scraper (allowed source address, or the bearer token) and nobody else."""

import json
import os
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from host_checks import (
    APP_ROOT,
    DB,
    SQLITE3,
    SQLITE_EXTENSION,
    audit_events,
    http,
    ready,
    scenario_facts,
    sqlite,
)
from vault_tools import vault_view

# The first host's story; the fresh host's restore from the off-host repository is test_offsite_backup.py's.
testinfra_hosts = ["delta-molecule-backup_restore"]

COUNTS = "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM strategies) AS strategies"


def test_row_counts_equal_those_at_backup_time(host):
    at_backup = scenario_facts(host, "backup-restore")["at_backup"]
    assert json.loads(host.check_output(f"{SQLITE3} -json {DB} '{COUNTS}'"))[0] == at_backup
    names = sqlite(host, "SELECT name FROM strategies ORDER BY name").splitlines()
    assert names == ["Before backup 1", "Before backup 2"]


def test_the_replaced_database_is_kept_and_every_backup_is_intact(host):
    # Databases only: the off-host backup's status file (offsite-backup.json) lives there too.
    listed = host.check_output(f"ls {APP_ROOT}/data/backups").split()
    backups = [name for name in listed if name.endswith(".db")]
    replaced = [name for name in backups if name.endswith("-replaced-by-restore.db")]
    assert len(replaced) == 1
    assert sqlite(host, "SELECT count(*) FROM strategies", f"{APP_ROOT}/data/backups/{replaced[0]}") == "5"
    for name in backups:
        assert sqlite(host, "PRAGMA integrity_check", f"{APP_ROOT}/data/backups/{name}") == "ok"


def test_the_hosts_sqlite3_checks_the_full_text_index_only_with_the_apps_extension(host):
    """The deploy copied the release's SQLite extension out of its backend image: root's, and
    read-only to the app user; with it the host's sqlite3 checks the live database and the
    backup (the full-text index included), without it the same check fails."""
    extension = host.file(SQLITE_EXTENSION)
    assert (extension.user, extension.group, extension.mode) == ("root", "root", 0o644)
    assert host.run(f"runuser -u delta -- test -w {SQLITE_EXTENSION}").rc != 0
    backups = [name for name in host.file(f"{APP_ROOT}/data/backups").listdir() if name.endswith(".db")]
    newest = f"{APP_ROOT}/data/backups/{sorted(backups)[-1]}"
    for database in (DB, newest):
        assert sqlite(host, "PRAGMA integrity_check", database) == "ok"
        without = host.run(f"sqlite3 {database} 'PRAGMA integrity_check'")
        assert "no such tokenizer: word_trigram" in without.stdout + without.stderr
    # A text search from the shell, as the runbook's, reads the index (it fails without the tokenizer).
    match = "SELECT count(*) FROM backend_logs_fts WHERE backend_logs_fts MATCH '\"ser\"'"
    assert sqlite(host, match).isdigit()


def test_the_restored_database_belongs_to_the_app_user_and_the_stack_is_healthy(host):
    db = host.file(DB)
    assert (db.uid, db.gid) == (10001, 10001)
    assert ready(host)["status"] == "ready"


def test_the_restore_is_in_the_audit_log(host):
    events = audit_events(host, "restore")
    assert events, "the play posted no restore audit record"
    assert (events[-1]["actor_role"], events[-1]["outcome"]) == ("operator", "success")
    assert events[-1]["details"]["backup"].endswith(".db")


MESSAGE = 'Back at 14:00 UTC <after the upgrade> & "more"'


def edge_answers(host, label):
    """The side effect's answers of the edge (probe-edge.yml), by path."""
    return {answer["item"]: answer for answer in scenario_facts(host, f"backup-restore-{label}")}


def test_while_maintenance_is_on_the_spa_gets_the_maintenance_page(host):
    for path in ("/", "/strategies"):
        answer = edge_answers(host, "maintenance-on")[path]
        assert answer["status"] == 503, answer
        assert answer["retry_after"] == "120"
        assert answer["content_type"].startswith("text/html")
        assert "Under maintenance" in answer["content"]
        assert "Back at 14:00 UTC &lt;after the upgrade&gt; &amp; &#34;more&#34;" in answer["content"]


def test_while_maintenance_is_on_the_api_gets_a_json_503_with_retry_after(host):
    for path in ("/api/health", "/api/strategies"):
        answer = edge_answers(host, "maintenance-on")[path]
        assert answer["status"] == 503, answer
        assert answer["retry_after"] == "120"
        assert answer["content_type"] == "application/json"
        assert json.loads(answer["content"]) == {"detail": MESSAGE, "maintenance": True}


def test_while_maintenance_is_on_the_plays_audit_endpoint_still_reaches_the_backend(host):
    # The backend's own answer to a GET of the POST-only endpoint, not the edge's maintenance 503.
    answer = edge_answers(host, "maintenance-on")["/api/audit/events"]
    assert answer["status"] == 405, answer
    assert "maintenance" not in answer["content"]


def test_once_maintenance_is_off_the_app_answers_again(host):
    answers = edge_answers(host, "maintenance-off")
    assert answers["/"]["status"] == 200
    assert '<div id="root">' in answers["/"]["content"]
    assert json.loads(answers["/api/health"]["content"])["status"] == "ok"
    assert not host.file(f"{APP_ROOT}/edge/state/maintenance.json").exists
    assert not host.file(f"{APP_ROOT}/edge/state/maintenance.html").exists


def test_during_the_restore_users_got_the_maintenance_answer_never_a_502(host):
    figures = json.loads(host.file("/var/tmp/request-loop.json").content_string)
    print(f"backup-restore request loop: {figures}")
    assert figures["statuses"].get("503", 0) > 0, figures
    assert set(figures["statuses"]) <= {"200", "503"}, figures


@pytest.fixture(scope="module")
def metrics_token():
    sandbox = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]) / "inventory/sandbox"
    text = vault_view(sandbox / "group_vars/all/vault.yml", sandbox / "TEST-ONLY-vault-password.txt")
    return yaml.safe_load(text)["vault_edge_metrics_token"]


def scrape_from_the_controller(host):
    """GET /metrics from outside the host, from the one address app_edge_metrics_allow lists."""
    name = host.backend.get_hostname()
    address = host.check_output(f"getent hosts {name}").split()[0]
    request = urllib.request.Request(f"https://{address}/metrics", headers={"Host": name})
    # Who may scrape is under test here; the certificate is checked by the default scenario.
    context = ssl._create_unverified_context()  # noqa: S323
    try:
        with urllib.request.urlopen(request, timeout=20, context=context) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_metrics_answer_a_scraper_at_an_allowed_address_without_a_token(host):
    status, body = scrape_from_the_controller(host)
    assert status == 200, body
    assert "# TYPE process_cpu_seconds_total counter" in body


def test_metrics_are_refused_from_an_address_not_allowed_without_the_token(host, metrics_token):
    for headers in ({}, {"Authorization": f"Bearer {metrics_token}x"}, {"Authorization": metrics_token}):
        answer = http(host, "GET", "/metrics", headers)
        assert answer["status"] == 404, answer
        assert json.loads(answer["body"]) == {"detail": "Not Found"}


def test_metrics_answer_the_bearer_token_from_anywhere(host, metrics_token):
    answer = http(host, "GET", "/metrics", {"Authorization": f"Bearer {metrics_token}"})
    assert answer["status"] == 200, answer
    assert "# TYPE process_cpu_seconds_total counter" in answer["body"]
