"""The health gate's and the audit record's request (plugins/modules/http_request.py), run by
ansible-playbook on this machine against a real HTTP server: the status, the body read as JSON, the
statuses that are not a failure, the maintenance switch that stops it, and check mode."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from repo_ansible import run_local_play

PLAY = """
- hosts: all
  gather_facts: false
  tasks:
    - http_request:
        url: "{{ url }}"
        method: "{{ method | default('GET') }}"
        headers: {Host: edge.example, X-API-Key: key-1}
        body: "{{ body | default(omit) }}"
        status_code: "{{ status_code | default([200]) }}"
        unless_exists: "{{ unless_exists | default(omit) }}"
      register: answer
      ignore_errors: true
    - ansible.builtin.copy:
        content: "{{ answer | to_json }}"
        dest: "{{ playbook_dir }}/answer.json"
        mode: "0600"
      delegate_to: localhost
      check_mode: false
"""


class Handler(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def header_names(self):
        # Header names are case-insensitive (urllib sends X-api-key for X-API-Key, as uri does).
        return {name.lower(): value for name, value in self.headers.items()}

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        Handler.requests.append(("GET", self.path, self.header_names(), None))
        if self.path == "/ready":
            self.answer(200, json.dumps({"status": "ready", "version": "abc"}))
        elif self.path == "/maintenance":
            self.answer(503, json.dumps({"status": "not_ready", "reasons": ["maintenance"]}))
        else:
            self.answer(404, "not here")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Handler.requests.append(("POST", self.path, self.header_names(), json.loads(body)))
        self.answer(201, json.dumps({"id": 1}))


@pytest.fixture
def server():
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def request(tmp_path, *args, **variables):
    result = run_local_play(tmp_path, PLAY, variables, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((tmp_path / "answer.json").read_text())


def test_a_get_returns_the_status_and_the_body_read_as_json(tmp_path, server):
    answer = request(tmp_path, url=f"{server}/ready")
    assert not answer.get("failed")
    assert answer["status"] == 200
    assert answer["json"] == {"status": "ready", "version": "abc"}
    assert Handler.requests[0][2]["host"] == "edge.example"


def test_a_status_outside_status_code_fails_and_one_inside_does_not(tmp_path, server):
    answer = request(tmp_path, url=f"{server}/maintenance")
    assert answer["failed"]
    assert answer["status"] == 503
    assert "Status code was 503" in answer["msg"]
    answer = request(tmp_path, url=f"{server}/maintenance", status_code=[200, 503])
    assert not answer.get("failed")
    assert answer["json"]["reasons"] == ["maintenance"]
    answer = request(tmp_path, url=f"{server}/elsewhere")
    assert answer["failed"]
    assert answer["content"] == "not here"
    assert "json" not in answer


def test_no_answer_fails_with_status_minus_one(tmp_path):
    answer = request(tmp_path, url="http://127.0.0.1:9/ready")
    assert answer["failed"]
    assert answer["status"] == -1
    assert "No answer from http://127.0.0.1:9/ready" in answer["msg"]


def test_an_existing_switch_file_stops_the_request(tmp_path, server):
    switch = tmp_path / "maintenance.on"
    answer = request(tmp_path, url=f"{server}/ready", unless_exists=str(switch))
    assert answer["status"] == 200
    switch.write_text("")
    answer = request(tmp_path, url=f"{server}/ready", unless_exists=str(switch))
    assert answer["skipped_by"] == str(switch)
    assert "status" not in answer
    assert len(Handler.requests) == 1


def test_a_post_sends_json_and_check_mode_makes_none(tmp_path, server):
    body = {"action": "deploy", "details": {"to_sha": "abc"}}
    answer = request(tmp_path, url=f"{server}/audit", method="POST", body=body, status_code=[201])
    assert answer["status"] == 201
    assert Handler.requests == [("POST", "/audit", Handler.requests[0][2], body)]
    assert Handler.requests[0][2]["content-type"] == "application/json"
    assert Handler.requests[0][2]["x-api-key"] == "key-1"
    answer = request(tmp_path, "--check", url=f"{server}/audit", method="POST", body=body, status_code=[201])
    assert answer["skipped"]
    assert len(Handler.requests) == 1
    # A GET changes nothing: check mode makes it (the health gate runs with check_mode: false anyway).
    answer = request(tmp_path, "--check", url=f"{server}/ready")
    assert answer["status"] == 200
