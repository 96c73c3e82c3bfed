"""Maintenance mode's switch files (app_edge tasks_from maintenance) and the /metrics snippet,
run with ansible-playbook on this machine against a scratch edge directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from repo_ansible import ROOT, ansible_env

MESSAGE = 'Back at 14:00 <b>UTC</b> & "soon"'
PLAY = """
- name: Switch maintenance mode as playbooks/maintenance.yml does
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Switch it
      ansible.builtin.include_role:
        name: app_edge
        tasks_from: maintenance
      vars:
        app_edge_maintenance: "{{ mode }}"
        app_edge_maintenance_message: "{{ message | default('Back soon.') }}"

    - name: Show the mode found before
      ansible.builtin.debug:
        msg: "before={{ app_edge_maintenance_before }}"
"""
METRICS_PLAY = """
- name: Render the /metrics snippet as app_edge does
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Render it
      ansible.builtin.template:
        src: "{{ lookup('ansible.builtin.env', 'EDGE_TEMPLATES') }}/metrics.caddy.j2"
        dest: "{{ lookup('ansible.builtin.env', 'EDGE_OUT') }}/metrics.caddy"
        mode: "0600"
"""


def run(tmp_path: Path, play: str, *extra: str) -> subprocess.CompletedProcess:
    play_file = tmp_path / "play.yml"
    play_file.write_text(play)
    env = ansible_env(
        ANSIBLE_NOCOLOR="1",
        EDGE_TEMPLATES=str(ROOT / "roles/app_edge/templates"),
        EDGE_OUT=str(tmp_path),
    )
    facts = json.dumps(
        {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "delta_app_root": str(tmp_path),
            "delta_app_uid": os.getuid(),
            "delta_app_gid": os.getgid(),
            "app_edge_dir": str(tmp_path / "edge"),
        }
    )
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", str(play_file), "-e", facts, *extra],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture
def state(tmp_path):
    (tmp_path / "edge/state").mkdir(parents=True)
    return tmp_path / "edge/state"


def switch(tmp_path, mode, message=None):
    extra = ["-e", json.dumps({"mode": mode, **({"message": message} if message is not None else {})})]
    return run(tmp_path, PLAY, *extra)


def test_on_writes_the_page_and_the_json_answer_with_the_message_escaped(tmp_path, state):
    result = switch(tmp_path, "on", MESSAGE)
    assert result.returncode == 0, result.stdout
    assert "before=off" in result.stdout
    assert json.loads((state / "maintenance.json").read_text()) == {"detail": MESSAGE, "maintenance": True}
    page = (state / "maintenance.html").read_text()
    assert "Back at 14:00 &lt;b&gt;UTC&lt;/b&gt; &amp; &#34;soon&#34;</p>" in page
    assert "<script" not in page
    for name in ("maintenance.json", "maintenance.html"):
        assert (state / name).stat().st_mode & 0o777 == 0o644


def test_off_removes_both_files_and_reports_it_was_on(tmp_path, state):
    assert switch(tmp_path, "on").returncode == 0
    result = switch(tmp_path, "off")
    assert result.returncode == 0, result.stdout
    assert "before=on" in result.stdout
    assert sorted(state.iterdir()) == []


def test_a_switch_that_is_neither_on_nor_off_is_refused(tmp_path, state):
    result = switch(tmp_path, "maybe")
    assert result.returncode != 0
    assert "app_edge_maintenance" in result.stdout
    assert sorted(state.iterdir()) == []


def test_a_host_without_an_edge_is_refused_with_the_reason(tmp_path):
    result = switch(tmp_path, "on")
    assert result.returncode != 0
    assert "No edge state directory" in result.stdout


def render_metrics(tmp_path, allow, token):
    variables = {
        "app_edge_metrics_allow": allow,
        "app_edge_metrics_token": token,
        "ansible_managed": "test",
    }
    result = run(tmp_path, METRICS_PLAY, "-e", json.dumps(variables))
    assert result.returncode == 0, result.stdout
    return (tmp_path / "metrics.caddy").read_text()


def test_metrics_with_neither_sources_nor_token_answer_nobody(tmp_path):
    # Caddy's remote_ip matcher with no ranges matches every client: it must not be written.
    snippet = render_metrics(tmp_path, [], "")
    assert "remote_ip" not in snippet
    assert "Authorization" not in snippet
    assert "reverse_proxy" not in snippet
    assert "import json_not_found" in snippet


def test_metrics_answer_the_listed_sources_and_the_token(tmp_path):
    token = "a" * 48
    snippet = render_metrics(tmp_path, ["10.0.0.0/8", "192.0.2.7"], token)
    assert "remote_ip 10.0.0.0/8 192.0.2.7\n" in snippet
    assert f'header Authorization "Bearer {token}"\n' in snippet
    assert snippet.count("reverse_proxy backend:8001") == 2


VALIDATE_PLAY = """
- name: Check the edge's settings as deploy.yml does first
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check them
      ansible.builtin.include_role:
        name: app_edge
        tasks_from: validate
"""


def validate(tmp_path, **variables):
    settings = {
        "app_edge_tls": "internal",
        "app_edge_domains": ["delta-molecule-backup_restore"],
        **variables,
    }
    return run(tmp_path, VALIDATE_PLAY, "-e", json.dumps(settings))


def test_usable_metrics_settings_pass(tmp_path):
    result = validate(
        tmp_path, app_edge_metrics_allow=["192.0.2.10", "10.0.0.0/8"], app_edge_metrics_token="a" * 32
    )
    assert result.returncode == 0, result.stdout


def test_a_metrics_source_that_is_not_an_address_is_refused_by_name(tmp_path):
    result = validate(tmp_path, app_edge_metrics_allow=["10.0.0.0/8", "10.0.0.1/8", "scraper.example"])
    assert result.returncode != 0
    assert "app_edge_metrics_allow: 10.0.0.1/8, scraper.example is not an" in result.stdout


def test_a_short_metrics_token_is_refused_without_showing_it(tmp_path):
    short = "TEST-ONLY short"
    result = validate(tmp_path, app_edge_metrics_token=short)
    assert result.returncode != 0
    assert "app_edge_metrics_token (vault_edge_metrics_token) must be at least 32 characters" in result.stdout
    assert short not in result.stdout
