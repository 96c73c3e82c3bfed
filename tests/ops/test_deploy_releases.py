"""app_stack's filters over a host's releases: the deployment record, image tags, kept images."""

import importlib.util
import json
import subprocess
import sys

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT, ansible_env

PLUGIN = ROOT / "roles/app_stack/filter_plugins/deploy_releases.py"
_spec = importlib.util.spec_from_file_location("deploy_releases", PLUGIN)
releases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(releases)

A, B, C, D = ("a" * 40, "b" * 40, "c" * 40, "d" * 40)


def record(*entries: tuple[str, str]) -> str:
    return "".join(
        json.dumps({"from_sha": "", "to_sha": sha, "result": result}) + "\n" for sha, result in entries
    )


def test_deployed_releases_are_in_order_each_at_its_newest_place():
    text = record((A, "deployed"), (B, "deployed"), (C, "failed"), (A, "deployed"), (B, "rolled_back"))
    assert releases.deployed_releases(text) == [B, A]


def test_blank_lines_and_an_empty_record_are_no_releases():
    assert releases.deployed_releases("") == []
    assert releases.deployed_releases("\n" + record((A, "deployed")) + "\n") == [A]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json\n", "line 1 of the deployment record is not JSON"),
        (
            record((A, "deployed")) + '{"result": "deployed"}\n',
            "line 2 of the deployment record has no result and to_sha",
        ),
        ('["deployed"]\n', "line 1 of the deployment record has no result and to_sha"),
    ],
)
def test_a_broken_record_is_refused_naming_the_line(text, message):
    with pytest.raises(AnsibleFilterError, match=message):
        releases.deployed_releases(text)


def test_a_record_that_is_not_text_is_refused():
    with pytest.raises(AnsibleFilterError, match="takes the record's text"):
        releases.deployed_releases([A])


def test_the_newest_releases_are_kept_newest_first():
    text = record((A, "deployed"), (B, "deployed"), (C, "deployed"), (B, "deployed"), (D, "failed"))
    assert releases.releases_to_keep(text, 2) == [B, C]
    assert releases.releases_to_keep(text, 10) == [B, C, A]
    assert releases.releases_to_keep(text, 0) == []


@pytest.mark.parametrize("count", [-1, "3", True, None])
def test_a_count_that_is_not_a_natural_number_is_refused(count):
    with pytest.raises(AnsibleFilterError, match="count of 0 or more"):
        releases.releases_to_keep(record((A, "deployed")), count)


def test_the_release_before_the_running_one_is_the_last_other_deployed():
    text = record((A, "deployed"), (B, "deployed"), (C, "failed"), (B, "deployed"))
    assert releases.release_before(text, B) == A
    assert releases.release_before(text, C) == B
    assert releases.release_before(record((A, "deployed")), A) == ""


def test_image_tags_come_from_the_last_commits_of_each_image_inputs():
    assert releases.release_image_tags(f"backend={A}\nfrontend={B}\n") == {"backend": A, "frontend": B}


def test_an_image_added_after_the_release_has_no_tag():
    assert releases.release_image_tags(f"backend={A}\nedge=\n", ["edge"]) == {"backend": A}


@pytest.mark.parametrize("commit", ["", "not-a-commit", A[:12]])
def test_an_image_without_an_input_commit_is_refused(commit):
    with pytest.raises(AnsibleFilterError, match="no commit changed the build inputs of image backend"):
        releases.release_image_tags(f"backend={commit}\nfrontend={B}", ["edge"])


def test_several_releases_image_tags_come_from_one_git_output():
    output = (
        f"{A} backend={C}\n{A} frontend={D}\n{A} edge=\n{B} backend={C}\n{B} frontend={B}\n{B} edge={D}\n"
    )
    assert releases.releases_image_tags(output, ["edge"]) == {
        A: {"backend": C, "frontend": D},
        B: {"backend": C, "frontend": B, "edge": D},
    }
    assert releases.releases_image_tags("") == {}
    with pytest.raises(AnsibleFilterError, match="no commit changed the build inputs of image frontend"):
        releases.releases_image_tags(f"{A} backend={C}\n{A} frontend=\n")


def test_the_images_kept_are_every_release_image_once_sorted():
    tags = {A: {"backend": C, "frontend": D}, B: {"backend": C, "frontend": B}}
    assert releases.release_images(tags) == [
        f"delta-strangle-backend:{C}",
        f"delta-strangle-frontend:{B}",
        f"delta-strangle-frontend:{D}",
    ]
    assert releases.release_images({}) == []


def test_an_archive_of_another_releases_images_is_not_loaded():
    tags = {A: {"backend": C, "frontend": D}, B: {"backend": C, "frontend": B}}
    archives = [
        {"image": "delta-strangle/python:3.13-slim-trixie", "archive": "python.tar"},
        {"image": f"delta-strangle-backend:{C}", "archive": "release.tar"},
        {"image": f"delta-strangle-backend:{D}", "archive": "other.tar"},
        {"image": f"delta-strangle-edge:{D}", "archive": "edge.tar"},
    ]
    # A base image, and an image name no release here runs, are not release images: loaded as before.
    assert releases.other_release_archives(archives, tags) == [f"delta-strangle-backend:{D}"]
    assert releases.other_release_archives(archives, {}) == []


def test_only_locally_built_base_images_have_archives():
    base_images = {
        "PYTHON_BASE_IMAGE": "delta-strangle/python:3.13-slim-trixie",
        "NODE_BASE_IMAGE": "node:22-trixie-slim",
        "NGINX_BASE_IMAGE": "delta-strangle/nginx-unprivileged:trixie",
    }
    assert releases.base_image_archives(base_images, "/cache") == [
        {"image": "delta-strangle/nginx-unprivileged:trixie", "archive": "/cache/nginx.tar"},
        {"image": "delta-strangle/python:3.13-slim-trixie", "archive": "/cache/python.tar"},
    ]


PLAY = """
- name: Use app_stack's filters as its tasks do
  hosts: localhost
  gather_facts: false
  roles:
    - role: app_stack
      when: false
  tasks:
    - name: Print the release before the running one
      ansible.builtin.debug:
        msg: "before={{ lookup('ansible.builtin.file', record) | release_before(running) }}"
"""


def test_the_filters_load_with_the_role_in_a_play(tmp_path):
    (tmp_path / "deployments.jsonl").write_text(record((A, "deployed"), (B, "deployed")))
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    result = subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
         "-e", f"ansible_python_interpreter={sys.executable}",
         "-e", f"record={tmp_path / 'deployments.jsonl'}", "-e", f"running={B}"],
        env=ansible_env(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"before={A}" in result.stdout
