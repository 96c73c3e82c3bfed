"""The controller's command for a host's docker CLI (roles/app_stack/filter_plugins/image_shipping.py)."""

import importlib.util

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT

_spec = importlib.util.spec_from_file_location(
    "image_shipping", ROOT / "roles/app_stack/filter_plugins/image_shipping.py"
)
shipping = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shipping)
docker_over_connection = shipping.docker_over_connection
image_ids = shipping.image_ids
images_to_take = shipping.images_to_take


def test_a_host_container_is_reached_with_docker_exec():
    assert docker_over_connection({"ansible_connection": "community.docker.docker"}, "fleet-2") == [
        "docker", "exec", "-i", "fleet-2", "docker",
    ]  # fmt: skip


def test_ssh_carries_the_inventory_user_port_key_and_options_and_sudo():
    argv = docker_over_connection(
        {
            "ansible_host": "203.0.113.7",
            "ansible_user": "deploy",
            "ansible_port": 2222,
            "ansible_ssh_private_key_file": "~/.ssh/fleet",
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=yes",
        },
        "bot-eu",
    )
    assert argv == [
        "ssh", "-o", "BatchMode=yes", "-p", "2222", "-i", "~/.ssh/fleet", "-o", "StrictHostKeyChecking=yes",
        "deploy@203.0.113.7", "sudo", "-n", "docker",
    ]  # fmt: skip


def test_root_over_ssh_needs_no_sudo_and_the_default_connection_is_ssh():
    assert docker_over_connection({"ansible_user": "root"}, "bot-us") == [
        "ssh", "-o", "BatchMode=yes", "root@bot-us", "docker",
    ]  # fmt: skip


def test_a_connection_that_cannot_stream_names_the_host_and_the_registry_setting():
    with pytest.raises(AnsibleFilterError, match="bot-win: .*winrm.*app_stack_registry_url"):
        docker_over_connection({"ansible_connection": "winrm"}, "bot-win")


def test_host_variables_must_be_a_mapping():
    with pytest.raises(AnsibleFilterError, match="not str"):
        docker_over_connection("fleet-1", "fleet-1")


def test_image_ids_name_each_wanted_tag_and_leave_out_what_no_image_carries():
    images = [
        {"Id": "sha256:aa", "RepoTags": ["delta-strangle-backend:1", "reg:5000/delta-strangle-backend:1"]},
        {"Id": "sha256:bb", "RepoTags": []},
    ]
    assert image_ids(images, ["delta-strangle-backend:1", "delta-strangle-edge:2"]) == {
        "delta-strangle-backend:1": "sha256:aa"
    }


def test_images_to_take_are_those_missing_or_of_another_id():
    wanted = {"b:1": "sha256:aa", "e:2": "sha256:cc", "f:3": "sha256:dd"}
    assert images_to_take(wanted, {"b:1": "sha256:aa", "e:2": "sha256:zz"}) == ["e:2", "f:3"]
    assert images_to_take(wanted, wanted) == []
