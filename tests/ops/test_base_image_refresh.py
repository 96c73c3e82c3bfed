"""app_stack's base image refresh: which base images the release's images are built on (from the
resolved compose configuration, kit images left out) and which services a pull makes rebuild."""

import importlib.util
import json
import os
import subprocess

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT

PLUGIN = ROOT / "roles/app_stack/filter_plugins/base_images.py"
_spec = importlib.util.spec_from_file_location("base_images", PLUGIN)
base_images = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base_images)


# The compose file's own defaults, set explicitly: scripts/env.sh may have exported the kit's.
OFFICIAL = {
    "PYTHON_BASE_IMAGE": "python:3.13-slim-trixie",
    "NODE_BASE_IMAGE": "node:22-trixie-slim",
    "NGINX_BASE_IMAGE": "nginxinc/nginx-unprivileged:1.28",
    "CADDY_BASE_IMAGE": "caddy:2.11",
}


# What .env.prod gives compose on a host; no file is read here.
HOST_ENV = {"APP_UID": "10001", "APP_GID": "10001", "ENV_FILE": "/dev/null"}


def compose_config(**environment: str) -> dict:
    """docker-compose.prod.yml resolved as compose resolves it on the host (release.env's base images)."""
    result = subprocess.run(
        ["docker", "compose", "--file", "docker-compose.prod.yml", "config", "--format", "json"],
        cwd=ROOT,
        env={**os.environ, **OFFICIAL, **HOST_ENV, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_stacks_own_compose_file_names_every_base_image_of_its_builds():
    assert base_images.base_image_services(compose_config()) == {
        "python:3.13-slim-trixie": ["backend"],
        "caddy:2.11": ["edge"],
        "nginxinc/nginx-unprivileged:1.28": ["frontend"],
        "node:22-trixie-slim": ["frontend"],
    }
    kit = compose_config(PYTHON_BASE_IMAGE="delta-strangle/python:3.13-slim-trixie")
    assert "backend" not in sum(base_images.base_image_services(kit).values(), [])


def test_each_official_base_image_names_the_services_built_on_it():
    config = {
        "services": {
            "backend": {"build": {"args": {"PYTHON_BASE_IMAGE": "python:3.13-slim-trixie", "GIT_SHA": "x"}}},
            "frontend": {
                "build": {
                    "args": {
                        "NODE_BASE_IMAGE": "node:22-trixie-slim",
                        "NGINX_BASE_IMAGE": "nginxinc/nginx-unprivileged:1.28",
                    }
                }
            },
            "edge": {"build": {"args": {"CADDY_BASE_IMAGE": "caddy:2.11"}}},
            "pulled": {"image": "postgres:17"},
        }
    }
    assert base_images.base_image_services(config) == {
        "python:3.13-slim-trixie": ["backend"],
        "node:22-trixie-slim": ["frontend"],
        "nginxinc/nginx-unprivileged:1.28": ["frontend"],
        "caddy:2.11": ["edge"],
    }


def test_kit_images_are_never_pulled():
    config = {
        "services": {"backend": {"build": {"args": {"PYTHON_BASE_IMAGE": "delta-strangle/python:3.13"}}}}
    }
    assert base_images.base_image_services(config) == {}


def test_a_shared_base_image_lists_every_service_once():
    args = {"build": {"args": {"A_BASE_IMAGE": "debian:trixie-slim", "B_BASE_IMAGE": "debian:trixie-slim"}}}
    config = {"services": {"one": args, "two": args}}
    assert base_images.base_image_services(config) == {"debian:trixie-slim": ["one", "two"]}


def test_not_a_compose_configuration_is_refused():
    with pytest.raises(AnsibleFilterError, match="takes the compose configuration"):
        base_images.base_image_services({"volumes": {}})


def pull(image, services, after):
    result = {"item": {"key": image, "value": services}}
    if after:
        result["image"] = {"Id": after}
    return result


def test_only_services_on_a_base_that_changed_are_rebuilt():
    before = [
        {"Id": "sha256:py-old", "RepoTags": ["python:3.13-slim-trixie"]},
        {"Id": "sha256:caddy", "RepoTags": ["caddy:2.11"]},
    ]
    pulls = [
        pull("python:3.13-slim-trixie", ["backend"], "sha256:py-new"),
        pull("caddy:2.11", ["edge"], "sha256:caddy"),
        pull("node:22-trixie-slim", ["frontend"], "sha256:node-first"),
        pull("nginxinc/nginx-unprivileged:1.28", ["frontend"], None),
    ]
    assert base_images.services_on_changed_bases(pulls, before) == ["backend", "frontend"]


def test_no_registry_rebuilds_nothing():
    before = [{"Id": "sha256:py", "RepoTags": ["python:3.13-slim-trixie"]}]
    assert (
        base_images.services_on_changed_bases([pull("python:3.13-slim-trixie", ["backend"], None)], before)
        == []
    )
