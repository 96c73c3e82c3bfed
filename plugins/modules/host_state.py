#!/usr/bin/python
"""Owner, mode and content checksum of many paths, which units are enabled and running, and users
and groups, in one round trip (plugins/filter/host_state.py decides from them which tasks would
change anything)."""

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: host_state
short_description: Read the type, owner, mode and SHA-1 of many paths, and the units' states, at once
description:
  - For each path that exists, what M(ansible.builtin.stat) would say of its type, owner, group
    and mode, and the SHA-1 of a regular file's content; a path that does not exist is left out.
  - For each systemd unit named, whether it is enabled and active (one C(systemctl show)).
  - Reads only, in check mode too.
options:
  paths:
    description: Absolute paths; symbolic links are not followed.
    type: list
    elements: path
    default: []
  units:
    description: systemd unit names.
    type: list
    elements: str
    default: []
  users:
    description: User names or uids (digits) to read from the user database.
    type: list
    elements: str
    default: []
  groups:
    description: Group names or gids (digits) to read from the group database.
    type: list
    elements: str
    default: []
  packages:
    description:
      - Read the installed packages from dpkg's database into C(ansible_facts.packages), in the shape
        M(ansible.builtin.package_facts) gives, without opening apt's cache (seconds on a small host).
    type: bool
    default: false
"""

RETURN = r"""
files:
  description: One entry a path that exists, in the order given (as M(ansible.builtin.find)'s files).
  type: list
  elements: dict
  returned: always
units_settled:
  description: The units of O(units) that are enabled and active.
  type: list
  elements: str
  returned: always
users:
  description: "{user or uid asked: {name, uid, gid, home, shell}} of those that exist."
  type: dict
  returned: always
groups:
  description: "{group or gid asked: {name, gid}} of those that exist."
  type: dict
  returned: always
ansible_facts:
  description: C(packages), {name':' [{name, version, source':' apt}]} of the installed packages.
  type: dict
  returned: when O(packages) is true
"""


# `systemctl show` properties of a unit that is enabled and running.
SETTLED_UNIT = {"UnitFileState": "enabled", "ActiveState": "active"}


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return None


def describe(module, path):
    path = os.path.normpath(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    entry = {
        "path": path,
        "isdir": stat.S_ISDIR(st.st_mode),
        "isreg": stat.S_ISREG(st.st_mode),
        "islnk": stat.S_ISLNK(st.st_mode),
        "mode": f"{stat.S_IMODE(st.st_mode):04o}",
        "uid": st.st_uid,
        "gid": st.st_gid,
        "pw_name": _name(pwd.getpwuid, st.st_uid),
        "gr_name": _name(grp.getgrgid, st.st_gid),
    }
    if entry["isreg"]:
        entry["checksum"] = module.sha1(path)
    return entry


def account(database, key):
    """The entry of a user (database "users") or group ("groups") named or numbered `key`, None when
    there is none."""
    by_id = key.isdigit()
    try:
        if database == "users":
            entry = pwd.getpwuid(int(key)) if by_id else pwd.getpwnam(key)
            return {"name": entry.pw_name, "uid": entry.pw_uid, "gid": entry.pw_gid, "home": entry.pw_dir,
                    "shell": entry.pw_shell}  # fmt: skip
        entry = grp.getgrgid(int(key)) if by_id else grp.getgrnam(key)
        return {"name": entry.gr_name, "gid": entry.gr_gid}
    except KeyError:
        return None


def units_settled(systemctl_show):
    """The units enabled and active, from `systemctl show --property=Id,UnitFileState,ActiveState
    UNIT...` (a block a unit, blank lines between)."""
    settled = []
    for block in systemctl_show.strip().split("\n\n"):
        properties = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if properties.get("Id") and all(properties.get(k) == v for k, v in SETTLED_UNIT.items()):
            settled.append(properties["Id"])
    return settled


def installed_packages(dpkg_query):
    """{name: [{name, version, source}]} of the packages dpkg says are installed, from the lines
    `<status abbreviation>\t<package>\t<version>` (status "ii": wanted and installed)."""
    packages = {}
    for line in dpkg_query.splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0][1:2] != "i":
            continue
        packages.setdefault(fields[1], []).append({"name": fields[1], "version": fields[2], "source": "apt"})
    return packages


def main():
    module = AnsibleModule(
        argument_spec={
            "paths": {"type": "list", "elements": "path", "default": []},
            "units": {"type": "list", "elements": "str", "default": []},
            "users": {"type": "list", "elements": "str", "default": []},
            "groups": {"type": "list", "elements": "str", "default": []},
            "packages": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    files = [entry for entry in (describe(module, path) for path in module.params["paths"]) if entry]
    settled = []
    if module.params["units"]:
        systemctl = module.get_bin_path("systemctl", required=True)
        rc, out, err = module.run_command(
            [systemctl, "show", "--property=Id,UnitFileState,ActiveState", "--"] + module.params["units"]
        )
        if rc != 0:
            module.fail_json(msg=f"systemctl show failed: {err.strip()}", rc=rc)
        settled = units_settled(out)
    result = {"changed": False, "files": files, "units_settled": settled}
    for database in ("users", "groups"):
        found = {key: account(database, key) for key in module.params[database]}
        result[database] = {key: entry for key, entry in found.items() if entry is not None}
    if module.params["packages"]:
        dpkg_query = module.get_bin_path("dpkg-query", required=True)
        show = "--showformat=${db:Status-Abbrev}\t${Package}\t${Version}\n"
        rc, out, err = module.run_command([dpkg_query, "--show", show])
        if rc != 0:
            module.fail_json(msg=f"dpkg-query failed: {err.strip()}", rc=rc)
        result["ansible_facts"] = {"packages": installed_packages(out)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
