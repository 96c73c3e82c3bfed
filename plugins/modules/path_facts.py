#!/usr/bin/python
"""Owner, mode and content checksum of many paths in one round trip (plugins/filter/host_state.py
decides from them which file tasks would change anything)."""

DOCUMENTATION = r"""
module: path_facts
short_description: Read the type, owner, mode and SHA-1 of many paths at once
description:
  - For each path that exists, what M(ansible.builtin.stat) would say of its type, owner, group
    and mode, and the SHA-1 of a regular file's content; a path that does not exist is left out.
    Reads only, in check mode too.
options:
  paths:
    description: Absolute paths; symbolic links are not followed.
    type: list
    elements: path
    required: true
"""

RETURN = r"""
files:
  description: One entry a path that exists, in the order given (the shape of M(ansible.builtin.find)'s files).
  type: list
  elements: dict
  returned: always
"""

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule


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
        "mode": "%04o" % stat.S_IMODE(st.st_mode),
        "uid": st.st_uid,
        "gid": st.st_gid,
        "pw_name": _name(pwd.getpwuid, st.st_uid),
        "gr_name": _name(grp.getgrgid, st.st_gid),
    }
    if entry["isreg"]:
        entry["checksum"] = module.sha1(path)
    return entry


def main():
    module = AnsibleModule(argument_spec={"paths": {"type": "list", "elements": "path", "required": True}},
                           supports_check_mode=True)
    files = [entry for entry in (describe(module, path) for path in module.params["paths"]) if entry]
    module.exit_json(changed=False, files=files)


if __name__ == "__main__":
    main()
