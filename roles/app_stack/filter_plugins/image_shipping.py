"""The command that runs `docker` on an inventory host from the controller, over the host's own
Ansible connection, so a release's images can be streamed host to host (`docker save | docker
load`) without a registry and without a file on any disk. Pure function, unit-tested in
tests/ops/test_image_shipping.py."""

import shlex
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

DOCKER_CONNECTIONS = {"docker", "community.docker.docker"}
SSH_CONNECTIONS = {"ssh", "ansible.builtin.ssh", "paramiko", "paramiko_ssh", "ansible.builtin.paramiko_ssh"}
LOCAL_CONNECTIONS = {"local", "ansible.builtin.local"}


def docker_over_connection(host_vars, inventory_hostname):
    """argv prefix that runs the host's `docker` CLI from the controller: `docker exec -i` into a
    host container, `ssh` (with the inventory's user, port, key and options, and `sudo -n` for a
    user other than root) to a host reached over SSH, nothing for the controller itself."""
    if not isinstance(host_vars, Mapping):
        raise AnsibleFilterError(f"docker_over_connection takes a host's variables, not {type(host_vars).__name__}")
    connection = host_vars.get("ansible_connection") or "ssh"
    address = host_vars.get("ansible_host") or inventory_hostname
    if connection in DOCKER_CONNECTIONS:
        return ["docker", "exec", "-i", address, "docker"]
    if connection in LOCAL_CONNECTIONS:
        return ["docker"] if inventory_hostname == "localhost" else ["sudo", "-n", "docker"]
    if connection not in SSH_CONNECTIONS:
        raise AnsibleFilterError(
            f"{inventory_hostname}: images cannot be streamed over connection {connection!r} "
            "(ssh, docker or local): set app_stack_registry_url to ship them through a registry"
        )
    user = host_vars.get("ansible_user") or host_vars.get("ansible_ssh_user") or ""
    argv = ["ssh", "-o", "BatchMode=yes"]
    port = host_vars.get("ansible_port") or host_vars.get("ansible_ssh_port")
    if port:
        argv += ["-p", str(port)]
    key = host_vars.get("ansible_ssh_private_key_file") or host_vars.get("ansible_private_key_file")
    if key:
        argv += ["-i", str(key)]
    for option in ("ansible_ssh_common_args", "ansible_ssh_extra_args"):
        argv += shlex.split(str(host_vars.get(option) or ""))
    argv.append(f"{user}@{address}" if user else address)
    return argv + (["docker"] if user == "root" else ["sudo", "-n", "docker"])


def image_ids(images, names):
    """{name:tag: image id} of the names among `images` (docker_image_info's list); a name no
    image carries is left out."""
    if not isinstance(images, list) or not isinstance(names, list):
        raise AnsibleFilterError("image_ids takes docker_image_info's images and a list of names")
    ids = {}
    for image in images:
        for tag in image.get("RepoTags") or []:
            if tag in names:
                ids[tag] = image["Id"]
    return ids


def images_to_take(wanted, present):
    """The names whose image here (present, {name: id}) is not the one wanted ({name: id}),
    sorted."""
    return sorted(name for name, image_id in wanted.items() if present.get(name) != image_id)


class FilterModule:
    def filters(self):
        return {
            "docker_over_connection": docker_over_connection,
            "image_ids": image_ids,
            "images_to_take": images_to_take,
        }
