"""The collections Ansible loads satisfy the version ranges of requirements.yml."""

import json
import subprocess
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def installed_collections() -> dict[str, Version]:
    listing = json.loads(
        subprocess.run(
            ["ansible-galaxy", "collection", "list", "--format", "json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    # The first path that holds a collection is the one Ansible loads.
    found: dict[str, Version] = {}
    for collections in listing.values():
        for name, info in collections.items():
            found.setdefault(name, Version(info["version"]))
    return found


def test_requirements_name_the_collections_the_playbooks_use():
    required = {c["name"] for c in yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]}
    assert required == {"community.docker", "community.general", "ansible.posix", "community.crypto"}


def test_installed_collections_satisfy_requirements():
    installed = installed_collections()
    for requirement in yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]:
        name, wanted = requirement["name"], SpecifierSet(requirement["version"])
        assert name in installed, f"{name} is not installed"
        assert installed[name] in wanted, f"{name} {installed[name]} is outside {wanted}"
