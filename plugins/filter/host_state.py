"""Whether a file task would change anything, decided from one read of the host.

A template, copy or file task costs one or two round trips to the host even when nothing changes
(0.3-1.3 s each over the sandbox's docker connection): a role reads every path it writes with one
call of the host_state module (plugins/modules; type, owner, mode, checksum) and runs a task only
where these filters say the host differs. A wrong "differs" costs only a task run; "current" is
said only when type, owner, group, mode and content all match. Shared by the roles (ansible.cfg's
filter_plugins). Pure, unit-tested in tests/ops/test_host_state.py."""

import hashlib
import posixpath

from ansible.errors import AnsibleFilterError


def _entries(found):
    if isinstance(found, dict):
        found = found.get("files")
    if not isinstance(found, list):
        raise AnsibleFilterError(
            "path_differs takes host_state's or ansible.builtin.find's result (or its files)"
        )
    return {posixpath.normpath(e["path"]): e for e in found if isinstance(e, dict) and e.get("path")}


def _same_id(wanted, number, name):
    if wanted is None:
        return True
    wanted = str(wanted)
    return wanted == str(number) or (name is not None and wanted == name)


def path_differs(found, path, content=None, mode=None, owner=None, group=None, directory=False):
    """True unless `path` is in `found` (find's result, with get_checksum for files) as a
    directory (`directory`) or a regular file whose content's SHA-1 is that of `content`, with
    `mode` ('0640'), `owner` and `group` (a number or a name); None compares nothing."""
    entry = _entries(found).get(posixpath.normpath(str(path)))
    if entry is None:
        return True
    if directory:
        if not entry.get("isdir"):
            return True
    else:
        if not entry.get("isreg"):
            return True
        if content is not None:
            # SHA-1: what the modules report as a file's checksum (not a security use).
            wanted = hashlib.sha1(str(content).encode("utf-8"), usedforsecurity=False).hexdigest()
            if entry.get("checksum") != wanted:
                return True
    if mode is not None and entry.get("mode") != str(mode):
        return True
    return not (
        _same_id(owner, entry.get("uid"), entry.get("pw_name"))
        and _same_id(group, entry.get("gid"), entry.get("gr_name"))
    )


def path_exists(found, path):
    """True when `path` is in `found` (find's result or its files), whatever its type."""
    return posixpath.normpath(str(path)) in _entries(found)


def account_differs(found, name, **wanted):
    """True unless the user or group `name` is in host_state's `users` or `groups` (found[database],
    database "users" or "groups") with every field of `wanted` (uid, gid, home, shell) as given."""
    database = wanted.pop("database", "users")
    if not isinstance(found, dict) or not isinstance(found.get(database), dict):
        raise AnsibleFilterError(f"account_differs takes host_state's result (with {database})")
    entry = found[database].get(str(name))
    if entry is None:
        return True
    return any(str(entry.get(field)) != str(value) for field, value in wanted.items())


class FilterModule:
    def filters(self):
        return {
            "path_differs": path_differs,
            "path_exists": path_exists,
            "account_differs": account_differs,
        }
