"""The full name of a connection plugin given by its short name, so one task runs on Ansible's
stock connection while the Mitogen strategy (ansible.cfg) runs the others: Mitogen takes over
only the short names (docker, ssh, local, ...). Shared by the roles (ansible.cfg's
filter_plugins), for the two things a task run through Mitogen cannot do:
- the deploy lock's renewer is a fork of the worker that took the lock and keeps calling the
  host after that task ended, and a Mitogen connection does not survive a fork (its broker is a
  thread of the worker);
- the apt module, on a host without python3-apt, installs it and starts itself again in a new
  interpreter, and a module run through Mitogen runs in the host's one interpreter of the run.
Unit-tested in tests/ops/test_deploy_lock.py."""

from ansible.errors import AnsibleFilterError

# Mitogen's short names (ansible_mitogen.strategy.REDIRECTED_CONNECTION_PLUGINS) that have a
# stock plugin; setns has none.
STOCK_CONNECTIONS = {
    "buildah": "containers.podman.buildah",
    "docker": "community.docker.docker",
    "jail": "community.general.jail",
    "kubectl": "kubernetes.core.kubectl",
    "local": "ansible.builtin.local",
    "lxc": "community.general.lxc",
    "lxd": "community.general.lxd",
    "podman": "containers.podman.podman",
    "ssh": "ansible.builtin.ssh",
}


def stock_connection(name):
    """The full name for a short one; a full name (or any other plugin) as it is."""
    if not isinstance(name, str) or not name:
        raise AnsibleFilterError(f"stock_connection takes a connection plugin's name, not {name!r}")
    if name in ("setns", "machinectl"):
        raise AnsibleFilterError(
            f"connection {name!r} has no stock plugin for the tasks Mitogen cannot run (the deploy "
            "lock, apt on a host without python3-apt): run under ANSIBLE_STRATEGY=linear"
        )
    return STOCK_CONNECTIONS.get(name, name)


class FilterModule:
    def filters(self):
        return {"stock_connection": stock_connection}
