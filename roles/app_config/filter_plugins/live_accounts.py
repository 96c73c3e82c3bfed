"""One engine per exchange account: the hosts of an inventory that would trade live on the same
Delta account (the same vault_delta_api_key). Keys are compared by their SHA-256 and never leave
this function; only host names do. Unit-tested in tests/ops/test_live_accounts.py."""

import hashlib

from ansible.module_utils.parsing.convert_bool import boolean


def hosts_sharing_a_live_account(hostvars, hosts):
    """Groups (each sorted, two hosts or more) of hosts with live trading on and one Delta key.

    hostvars: the play's hostvars (or any mapping of host -> variables); hosts: the inventory's
    hosts to compare (all of them, --limit or not: a host outside the run still trades).
    Role defaults are not in another host's hostvars, hence live trading off unless set."""
    by_account = {}
    for host in hosts:
        variables = hostvars[host]
        if not boolean(variables.get("app_config_live_trading_enabled", False), strict=False):
            continue
        key = str(variables.get("vault_delta_api_key", "") or "")
        if key:
            digest = hashlib.sha256(key.encode()).hexdigest()
            by_account.setdefault(digest, []).append(str(host))
    return sorted(sorted(group) for group in by_account.values() if len(group) > 1)


class FilterModule:
    def filters(self):
        return {"hosts_sharing_a_live_account": hosts_sharing_a_live_account}
