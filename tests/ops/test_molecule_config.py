"""Molecule writes its own ansible.cfg for the scenarios: the settings that change how a play runs
on a host must be the repository's, or the scenarios prove a different deploy from the operators'."""

import configparser

import yaml
from repo_ansible import ROOT

PROJECT_DIR = "${MOLECULE_PROJECT_DIRECTORY}/"
# Set otherwise for molecule (its inventory, roles path and vault identity come from its own
# environment) or about the controller's output only.
NOT_REPEATED = {
    ("defaults", "roles_path"),
    ("defaults", "inventory"),
    ("defaults", "vault_identity_list"),
    ("defaults", "callback_result_format"),
    ("defaults", "interpreter_python"),
    ("defaults", "retry_files_enabled"),
    ("defaults", "nocows"),
    ("ssh_connection", "pipelining"),
}


def spelled(value: object) -> str:
    return str(value).removeprefix(PROJECT_DIR).lower()


def test_molecule_repeats_the_repository_settings_that_change_a_run():
    repository = configparser.ConfigParser()
    repository.read(ROOT / "ansible.cfg")
    settings = {
        (section, key): spelled(value)
        for section in repository.sections()
        for key, value in repository.items(section)
    }
    molecule = yaml.safe_load((ROOT / ".config/molecule/config.yml").read_text())
    repeated = {
        (section, key): spelled(value)
        for section, values in molecule["provisioner"]["config_options"].items()
        for key, value in values.items()
    }
    assert repeated == {key: value for key, value in settings.items() if key not in NOT_REPEATED}
