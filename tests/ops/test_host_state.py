"""The one read of a host that decides which file and unit tasks run (plugins/modules/host_state.py)
and the filters that decide from it (plugins/filter/host_state.py): the module on this machine's
real files, the filters on what it returned. "Current" only when everything matches."""

import hashlib
import importlib.util
import os

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import ROOT, run_local_play


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


filters = _load("host_state_filters", "plugins/filter/host_state.py")
module = _load("host_state_module", "plugins/modules/host_state.py")
path_differs = filters.path_differs
path_exists = filters.path_exists

UID, GID = os.getuid(), os.getgid()


def entry(path, content=None, mode="0640", uid=UID, gid=GID, isdir=False):
    found = {"path": path, "isdir": isdir, "isreg": not isdir, "mode": mode, "uid": uid, "gid": gid,
             "pw_name": "root" if uid == 0 else None, "gr_name": "root" if gid == 0 else None}  # fmt: skip
    if content is not None:
        found["checksum"] = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()
    return found


def test_a_file_with_the_content_owner_and_mode_wanted_is_current():
    found = {"files": [entry("/etc/app/Caddyfile", "a\n")]}
    assert not path_differs(found, "/etc/app/Caddyfile", content="a\n", mode="0640", owner=UID, group=GID)
    # A trailing slash or a doubled one names the same path.
    assert not path_differs(found, "/etc/app//Caddyfile/", content="a\n")


@pytest.mark.parametrize(
    "wanted",
    [
        {"content": "b\n"},
        {"content": "a"},
        {"mode": "0600"},
        {"owner": UID + 1},
        {"group": GID + 1},
        {"directory": True},
    ],
)
def test_any_difference_makes_the_file_differ(wanted):
    found = {"files": [entry("/etc/app/Caddyfile", "a\n")]}
    assert path_differs(found, "/etc/app/Caddyfile", **wanted)


def test_a_missing_path_differs_and_does_not_exist():
    assert path_differs({"files": []}, "/etc/app/Caddyfile", content="")
    assert not path_exists({"files": []}, "/etc/app/Caddyfile")


def test_a_directory_is_compared_by_type_mode_and_owner_and_a_name_matches_its_number():
    found = [entry("/etc/app", mode="0755", uid=0, gid=0, isdir=True)]
    assert not path_differs(found, "/etc/app", mode="0755", owner="root", group=0, directory=True)
    assert path_differs(found, "/etc/app", mode="0750", directory=True)
    assert path_differs(found, "/etc/app", owner="delta", directory=True)
    # A directory where a file is wanted differs.
    assert path_differs(found, "/etc/app", mode="0755")


def test_something_else_than_the_modules_result_is_refused():
    with pytest.raises(AnsibleFilterError, match="path_differs takes host_state"):
        path_differs("not a result", "/etc/app")


def test_systemctl_shows_which_units_are_enabled_and_running():
    shown = (
        "Id=logrotate.timer\nActiveState=active\nUnitFileState=enabled\n\n"
        "Id=delta-firewall.service\nActiveState=inactive\nUnitFileState=enabled\n\n"
        "Id=docker.service\nActiveState=active\nUnitFileState=disabled\n\n"
        "Id=nonexistent.service\nActiveState=inactive\nUnitFileState=\n"
    )
    assert module.units_settled(shown) == ["logrotate.timer"]


def test_only_installed_packages_are_listed_in_package_facts_shape():
    listed = "ii \tgit\t1:2.47.3-0\nrc \told-tool\t1.0\nii \tnftables\t1.1.3-1\nun \tnever\t\n"
    assert module.installed_packages(listed) == {
        "git": [{"name": "git", "version": "1:2.47.3-0", "source": "apt"}],
        "nftables": [{"name": "nftables", "version": "1.1.3-1", "source": "apt"}],
    }


PLAY = """
- name: Read paths with the module and decide with the filters
  hosts: all
  gather_facts: false
  tasks:
    - name: Read them
      host_state:
        paths: "{{ paths }}"
      register: found
    - name: Say what differs
      ansible.builtin.debug:
        msg: >-
          file {{ found | path_differs(paths[0], content=wanted, mode='0640') }}
          dir {{ found | path_differs(paths[1], mode='0750', directory=true) }}
          missing {{ found | path_exists(paths[2]) }}
          edited {{ found | path_differs(paths[0], content=wanted ~ 'again', mode='0640') }}
"""


def test_the_module_reads_real_paths_as_the_filters_expect(tmp_path):
    (tmp_path / "file").write_text("hello\n")
    (tmp_path / "file").chmod(0o640)
    (tmp_path / "dir").mkdir(mode=0o750)
    (tmp_path / "dir").chmod(0o750)
    paths = [str(tmp_path / "file"), str(tmp_path / "dir"), str(tmp_path / "missing")]
    result = run_local_play(tmp_path, PLAY, {"paths": paths, "wanted": "hello\n"}, "-v")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "file False dir False missing False edited True" in result.stdout, result.stdout[-3000:]


def test_the_module_reads_users_and_groups_by_name_or_number():
    import grp
    import pwd

    me = pwd.getpwuid(UID)
    assert module.account("users", str(UID)) == {
        "name": me.pw_name, "uid": UID, "gid": me.pw_gid, "home": me.pw_dir, "shell": me.pw_shell,
    }  # fmt: skip
    assert module.account("users", me.pw_name) == module.account("users", str(UID))
    assert module.account("groups", str(GID)) == {"name": grp.getgrgid(GID).gr_name, "gid": GID}
    assert module.account("users", "no-such-user-here") is None
    assert module.account("groups", "4000000000") is None


def test_an_account_is_current_only_when_every_field_asked_matches():
    user = {"name": "delta", "uid": 10001, "gid": 10001, "home": "/opt/x", "shell": "/bin/false"}
    found = {"users": {"delta": user}, "groups": {"delta": {"name": "delta", "gid": 10001}}}
    assert not filters.account_differs(
        found, "delta", uid=10001, gid="10001", home="/opt/x", **{"shell": "/bin/false"}
    )
    assert filters.account_differs(found, "delta", uid=10002)
    assert filters.account_differs(found, "delta", **{"shell": "/usr/sbin/nologin"})
    assert filters.account_differs(found, "other", uid=10001)
    assert not filters.account_differs(found, "delta", database="groups", gid=10001)
    assert filters.account_differs(found, "delta", database="groups", gid=10002)
    with pytest.raises(AnsibleFilterError, match="host_state's result"):
        filters.account_differs({"files": []}, "delta", uid=1)
