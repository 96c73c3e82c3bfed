"""One engine per exchange account: an inventory with live trading on two hosts with the same
Delta key is refused before anything changes, naming both hosts and never the key; other
accounts, paper hosts, and a --limit that leaves one of the two out change nothing of that."""

import subprocess
import sys
from pathlib import Path

from repo_ansible import ROOT, SANDBOX_PASSWORD, ansible_env

sys.path.insert(0, str(ROOT / "roles/app_config/filter_plugins"))
from live_accounts import hosts_sharing_a_live_account  # noqa: E402

PLAY = """
- name: Check the live accounts as deploy.yml's first play does
  hosts: all
  gather_facts: false
  tasks:
    - name: Check that no two hosts trade live on one Delta account
      ansible.builtin.include_role:
        name: app_config
        tasks_from: validate-live-accounts
"""
SHARED_KEY = "shared-account-key-0123456789abcdef"


def encrypted(value: str) -> str:
    """The value as an inventory keeps it: an inline vault string, sandbox id."""
    result = subprocess.run(
        ["ansible-vault", "encrypt_string", "--encrypt-vault-id", "sandbox", value],
        env=ansible_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def inventory(tmp_path: Path, hosts: dict[str, dict[str, str | bool]]) -> Path:
    lines = ["all:", "  hosts:"]
    for name, settings in hosts.items():
        lines += [
            f"    {name}:",
            "      ansible_connection: local",
            f"      ansible_python_interpreter: {sys.executable}",
        ]
        for key, value in settings.items():
            if key == "vault_delta_api_key":
                block = encrypted(str(value)).splitlines()
                lines.append(f"      {key}: {block[0]}")
                lines += [f"        {line.strip()}" for line in block[1:]]
            else:
                lines.append(f"      {key}: {str(value).lower() if isinstance(value, bool) else value}")
    path = tmp_path / "hosts.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def check(
    tmp_path: Path, hosts: dict[str, dict[str, str | bool]], *extra: str
) -> subprocess.CompletedProcess:
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    return subprocess.run(
        ["ansible-playbook", "-i", str(inventory(tmp_path, hosts)), str(play), *extra],
        env=ansible_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip


def live(key: str) -> dict[str, str | bool]:
    return {"app_config_live_trading_enabled": True, "vault_delta_api_key": key}


def test_two_live_hosts_on_one_key_are_refused_naming_both_and_not_the_key(tmp_path):
    hosts = {
        "bot-a": live(SHARED_KEY),
        "bot-b": {"app_config_live_trading_enabled": False},
        "bot-c": live(SHARED_KEY),
    }
    result = check(tmp_path, hosts)
    assert result.returncode != 0
    assert (
        "Live trading is on with the same Delta API key (vault_delta_api_key) on bot-a and bot-c"
        in result.stdout
    )
    assert SHARED_KEY not in result.stdout + result.stderr
    assert SANDBOX_PASSWORD.read_text().strip() not in result.stdout + result.stderr


def test_a_limit_that_leaves_one_of_them_out_is_refused_too(tmp_path):
    result = check(tmp_path, {"bot-a": live(SHARED_KEY), "bot-c": live(SHARED_KEY)}, "--limit", "bot-a")
    assert result.returncode != 0
    assert "on bot-a and bot-c" in result.stdout


def test_live_hosts_on_their_own_accounts_and_paper_hosts_on_one_key_pass(tmp_path):
    hosts = {
        "bot-a": live("account-one-key-0123456789abcdef"),
        "bot-b": live("account-two-key-0123456789abcdef"),
        "paper-a": {"vault_delta_api_key": SHARED_KEY},
        "paper-b": {"app_config_live_trading_enabled": "false", "vault_delta_api_key": SHARED_KEY},
    }
    result = check(tmp_path, hosts)
    assert result.returncode == 0, result.stdout


def test_the_groups_name_every_host_of_each_shared_account():
    hostvars = {
        "a": {"app_config_live_trading_enabled": "true", "vault_delta_api_key": "k1"},
        "b": {"app_config_live_trading_enabled": True, "vault_delta_api_key": "k2"},
        "c": {"app_config_live_trading_enabled": "yes", "vault_delta_api_key": "k1"},
        "d": {"app_config_live_trading_enabled": True, "vault_delta_api_key": "k2"},
        "e": {"app_config_live_trading_enabled": True, "vault_delta_api_key": "k1"},
        "f": {"app_config_live_trading_enabled": True, "vault_delta_api_key": ""},
        "g": {"app_config_live_trading_enabled": True},
    }
    assert hosts_sharing_a_live_account(hostvars, list(hostvars)) == [["a", "c", "e"], ["b", "d"]]
