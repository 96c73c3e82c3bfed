"""rotate-secrets.yml's vault_file_update on real vault files: keys set, the rest kept, still encrypted."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from vault_tools import vault_view

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_PASSWORD = ROOT / "inventory/sandbox/TEST-ONLY-vault-password.txt"
PLAY = """
- name: Set keys of a vault file
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Set the keys
      vault_file_update:
        path: "{{ target }}"
        values: "{{ new_values }}"
"""


def ansible(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args),
        cwd=cwd,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_VAULT_IDENTITY_LIST": f"sandbox@{SANDBOX_PASSWORD}",
            "ANSIBLE_ACTION_PLUGINS": str(ROOT / "playbooks/action_plugins"),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def update(tmp_path: Path, target: Path, values: dict) -> subprocess.CompletedProcess:
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    # Values tagged !unsafe, as the rotation's generated ones are untrusted: given as they are.
    extra_vars = tmp_path / "extra-vars.yml"
    extra_vars.write_text(
        f"target: {json.dumps(str(target))}\nnew_values:\n"
        + "".join(f"  {key}: !unsafe {json.dumps(value)}\n" for key, value in values.items())
    )
    return ansible(
        "ansible-playbook", "-i", "localhost,", "-c", "local", str(play), "-e", f"@{extra_vars}", cwd=tmp_path
    )


def view(path: Path) -> str:
    shown = vault_view(path, SANDBOX_PASSWORD)
    assert shown is not None, f"{path} does not open with the sandbox password"
    return shown


@pytest.fixture
def vault_copy(tmp_path):
    copy = tmp_path / "vault.yml"
    shutil.copy(ROOT / "inventory/sandbox/group_vars/all/vault.yml", copy)
    return copy


def test_sets_the_keys_and_keeps_every_other_line_and_the_vault_id(tmp_path, vault_copy):
    before = view(vault_copy)
    result = update(tmp_path, vault_copy, {"vault_jwt_secret": "new-jwt", "vault_added": "a: b # c"})
    assert result.returncode == 0, result.stdout
    assert vault_copy.read_text().splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;sandbox"
    after = view(vault_copy).splitlines()
    assert "vault_jwt_secret: !unsafe 'new-jwt'" in after
    assert "vault_added: !unsafe 'a: b # c'" in after
    kept = [line for line in before.splitlines() if not line.startswith("vault_jwt_secret:")]
    assert [line for line in after if not line.startswith(("vault_jwt_secret:", "vault_added:"))] == kept


def test_refuses_a_file_that_is_not_encrypted(tmp_path):
    plain = tmp_path / "plain.yml"
    plain.write_text("vault_jwt_secret: old\n")
    result = update(tmp_path, plain, {"vault_jwt_secret": "new"})
    assert result.returncode != 0
    assert "is not vault-encrypted" in result.stdout
    assert plain.read_text() == "vault_jwt_secret: old\n"


def test_refuses_to_rewrite_a_multi_line_value_and_writes_nothing(tmp_path, vault_copy):
    source = tmp_path / "multi.yml"
    source.write_text("vault_deploy_key: |\n  line one\n  line two\nvault_other: kept\n")
    encrypted = ansible(
        "ansible-vault", "encrypt", "--encrypt-vault-id", "sandbox", "--output", str(vault_copy), str(source),
        cwd=tmp_path,
    )  # fmt: skip
    assert encrypted.returncode == 0, encrypted.stderr
    ciphertext = vault_copy.read_text()
    result = update(tmp_path, vault_copy, {"vault_deploy_key": "new"})
    assert result.returncode != 0
    assert "nothing was written" in result.stdout
    assert vault_copy.read_text() == ciphertext


def test_a_written_value_is_never_templated_when_the_play_reads_it(tmp_path, vault_copy):
    hostile = "Ab{{ 7*7 }}ef ${USER} $$ 'q' # x"
    assert update(tmp_path, vault_copy, {"vault_jwt_secret": hostile}).returncode == 0
    play = tmp_path / "show.yml"
    play.write_text(
        "- hosts: localhost\n  gather_facts: false\n  vars_files: [vault.yml]\n  tasks:\n"
        "    - ansible.builtin.copy: {content: '{{ vault_jwt_secret }}', dest: shown.txt, mode: '0600'}\n"
    )
    interpreter = f"ansible_python_interpreter={sys.executable}"
    shown = ansible(
        "ansible-playbook", "-i", "localhost,", "-c", "local", "-e", interpreter, str(play), cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stdout
    assert (tmp_path / "shown.txt").read_text() == hostile
