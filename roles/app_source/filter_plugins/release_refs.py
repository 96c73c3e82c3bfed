"""Filters over the remote's refs as `git ls-remote` lists them. Pure functions, unit-tested in
tests/ops/test_app_source.py."""

from ansible.errors import AnsibleFilterError


def remote_refs(ls_remote):
    """{ref name: commit} from `git ls-remote` output; an annotated tag names the commit it points to."""
    if not isinstance(ls_remote, str):
        raise AnsibleFilterError(f"remote_refs takes git ls-remote's output, not {type(ls_remote).__name__}")
    refs = {}
    for line in ls_remote.splitlines():
        sha, _, name = line.strip().partition("\t")
        if not name:
            continue
        if name.endswith("^{}"):
            refs[name.removesuffix("^{}")] = sha
        else:
            refs.setdefault(name, sha)
    return refs


def release_commit(ls_remote, branch, version=""):
    """The commit the remote names for the release: branch `branch`, or the tag or branch called
    `version` when one is set; "" when the remote has no such ref (a SHA is resolved by git)."""
    refs = remote_refs(ls_remote)
    if not version:
        return refs.get(f"refs/heads/{branch}", "")
    return refs.get(f"refs/tags/{version}") or refs.get(f"refs/heads/{version}", "")


def remote_branches(ls_remote):
    """The remote's branch names, sorted, for a message that lists what exists."""
    return sorted(name.removeprefix("refs/heads/") for name in remote_refs(ls_remote) if name.startswith("refs/heads/"))


class FilterModule:
    def filters(self):
        return {
            "release_commit": release_commit,
            "remote_branches": remote_branches,
        }
