"""Every role's variables that a play sets are checked against the role's argument specs before
anything changes: extra vars are strings, so a number typed on the command line passes and a word
where a number belongs is refused naming the variable; role-set values are left to the role."""

import subprocess
import sys
from pathlib import Path

from repo_ansible import ROOT, ansible_env

sys.path.insert(0, str(ROOT / "roles/app_config/filter_plugins"))
from variable_specs import set_variable_specs  # noqa: E402

PLAY = """
- name: Check the variables as deploy.yml's first play does
  hosts: all
  gather_facts: false
  tasks:
    - name: Check every role's variables and the app's uid and gid
      ansible.builtin.include_role:
        name: app_config
        tasks_from: validate-variables
"""


def check(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
         "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"delta_app_root={tmp_path}",
         "-e", "delta_app_user=root", "-e", "delta_app_uid=10001", "-e", "delta_app_gid=10001", *extra],
        env=ansible_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_numbers_and_switches_given_as_strings_pass(tmp_path):
    result = check(
        tmp_path, "-e", "app_stack_wait_timeout=90", "-e", "app_backup_keep=5",
        "-e", "host_firewall_enabled=false", "-e", "app_config_engine_tick_seconds=2.5",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_a_word_where_a_number_belongs_is_refused_naming_the_variable(tmp_path):
    result = check(tmp_path, "-e", "app_stack_keep_releases=three")
    assert result.returncode != 0
    refusal = "argument 'app_stack_keep_releases' is of type str and we were unable to convert to int"
    assert refusal in result.stdout


def test_a_value_outside_the_choices_is_refused(tmp_path):
    result = check(tmp_path, "-e", "app_config_log_level=LOUD")
    assert result.returncode != 0
    assert "app_config_log_level" in result.stdout


def test_root_as_the_app_user_is_refused(tmp_path):
    # uid 0 is root's: the app user (delta) would be another name for root.
    result = check(tmp_path, "-e", "delta_app_user=delta", "-e", "delta_app_uid=0")
    assert result.returncode != 0
    assert "The uid 0 (delta_app_uid) belongs to 'root' on the host" in " ".join(result.stdout.split())


def test_a_uid_another_user_holds_is_refused(tmp_path):
    # 65534 is nobody's on Debian; the app user is called otherwise.
    result = check(tmp_path, "-e", "delta_app_uid=65534")
    assert result.returncode != 0
    assert "The uid 65534 (delta_app_uid) belongs to 'nobody' on the host" in " ".join(result.stdout.split())


def test_only_the_variables_a_play_set_are_checked_and_none_is_required():
    specs = {
        "argument_specs": {
            "main": {
                "options": {
                    "a_count": {"type": "int", "required": True},
                    "a_name": {"type": "str", "default": "x"},
                }
            },
            "restore": {"options": {"a_file": {"type": "str", "required": True}}},
        }
    }
    assert set_variable_specs(specs, ["a_count", "other"]) == {"a_count": {"type": "int"}}
    assert set_variable_specs({"argument_specs": {}}, ["a_count"]) == {}
