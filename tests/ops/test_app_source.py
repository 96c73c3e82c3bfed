"""app_source on this machine against a real git remote: a release that does not exist is refused
before anything moves, every local commit the move would drop is kept under a named ref and
printed with the stash, going back to an earlier release keeps nothing, check mode changes no ref,
and the release before is the last deployed one from the record, never the checkout's commit."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from repo_ansible import ROOT, ansible_env

sys.path.insert(0, str(ROOT / "roles/app_source/filter_plugins"))
from release_refs import release_commit, remote_branches  # noqa: E402

PLAY = """
- name: Move the checkout as a deploy does
  hosts: all
  gather_facts: false
  roles:
    - role: app_source
  post_tasks:
    - name: Write down the releases for the test
      ansible.builtin.copy:
        content: "{{ {'previous': app_source_previous_sha, 'current': app_source_sha} | to_json }}"
        dest: "{{ releases_file }}"
        mode: "0644"
      check_mode: false
"""


def git(checkout: Path, *args: str) -> str:
    command = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@localhost", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def commit(checkout: Path, message: str) -> str:
    (checkout / "file.txt").write_text(message)
    git(checkout, "add", "file.txt")
    git(checkout, "commit", "--quiet", "-m", message)
    return git(checkout, "rev-parse", "HEAD")


@pytest.fixture
def host(tmp_path):
    """A remote with two releases on main (first, second) and a host checkout at the first."""
    remote, work, checkout = tmp_path / "remote.git", tmp_path / "work", tmp_path / "checkout"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "clone", "--quiet", str(remote), str(work)], check=True, capture_output=True)
    git(work, "checkout", "--quiet", "-b", "main")
    # As in this repository, the state directories are not the checkout's files.
    (work / ".gitignore").write_text("/data/\n/logs/\n")
    git(work, "add", ".gitignore")
    first = commit(work, "first")
    git(work, "push", "--quiet", "origin", "main")
    subprocess.run(["git", "clone", "--quiet", f"file://{remote}", str(checkout)], check=True)
    second = commit(work, "second")
    git(work, "push", "--quiet", "origin", "main")
    return {"remote": remote, "checkout": checkout, "first": first, "second": second, "tmp": tmp_path}


def run(host, *extra: str) -> subprocess.CompletedProcess:
    play = host["tmp"] / "play.yml"
    play.write_text(PLAY)
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
         "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"delta_app_root={host['checkout']}",
         "-e", f"app_source_repo_url=file://{host['remote']}", "-e", "app_source_branch=main",
         "-e", f"releases_file={host['tmp']}/releases.json", *extra],
        env=ansible_env(ANSIBLE_FILTER_PLUGINS=str(ROOT / "roles/app_stack/filter_plugins")),
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def state(checkout: Path) -> tuple[str, str, str, str]:
    """What an operator sees of the checkout: refs, HEAD, stashes, edits."""
    return (
        git(checkout, "for-each-ref", "--format=%(refname) %(objectname)"),
        git(checkout, "rev-parse", "HEAD"),
        git(checkout, "stash", "list"),
        git(checkout, "status", "--porcelain", "--untracked-files=all"),
    )


def releases(host) -> dict[str, str]:
    return json.loads((host["tmp"] / "releases.json").read_text())


def test_a_branch_that_does_not_exist_is_refused_before_anything_moves(host):
    (host["checkout"] / "edit.txt").write_text("an operator's edit")
    before = state(host["checkout"])
    result = run(host, "-e", "app_source_branch=no-such-branch")
    assert result.returncode != 0
    output = " ".join(result.stdout.split())
    assert "The branch no-such-branch does not exist" in output, result.stdout
    assert "Its branches: main" in output
    assert state(host["checkout"]) == before


def test_every_local_commit_gets_a_named_ref_and_the_play_prints_them_with_the_stash(host):
    checkout = host["checkout"]
    on_main = commit(checkout, "a local commit on main")
    git(checkout, "checkout", "--quiet", "--detach")
    detached = commit(checkout, "a local commit on a detached HEAD")
    (checkout / "edit.txt").write_text("an operator's edit")
    result = run(host)
    assert result.returncode == 0, result.stdout
    kept = dict(
        reversed(line.split()) for line in git(checkout, "for-each-ref", "--format=%(refname) %(objectname)",
                                               "refs/deploy-kept/").splitlines()
    )  # fmt: skip
    assert set(kept) == {on_main, detached}
    output = " ".join(result.stdout.split())
    for ref in kept.values():
        assert ref in output
    assert "Local edits were stashed as autostash-" in output
    assert git(checkout, "rev-parse", "HEAD") == host["second"]
    assert "autostash-" in git(checkout, "stash", "list")
    # A second run keeps nothing more: each commit has its ref already.
    assert run(host).returncode == 0
    assert len(git(checkout, "for-each-ref", "refs/deploy-kept/").splitlines()) == 2


def test_going_back_to_an_earlier_release_keeps_no_ref(host):
    assert run(host).returncode == 0
    result = run(host, "-e", f"app_source_version={host['first']}")
    assert result.returncode == 0, result.stdout
    assert git(host["checkout"], "rev-parse", "HEAD") == host["first"]
    assert git(host["checkout"], "for-each-ref", "refs/deploy-kept/") == ""
    assert "No local commits to keep." in " ".join(result.stdout.split())


def test_check_mode_with_a_release_pending_changes_no_ref_and_no_file(host):
    checkout = host["checkout"]
    local = commit(checkout, "a local commit")
    (checkout / "edit.txt").write_text("an operator's edit")
    before = state(checkout)
    result = run(host, "--check", "--diff")
    assert result.returncode == 0, result.stdout
    assert state(checkout) == before
    assert releases(host)["current"] == host["second"]
    output = " ".join(result.stdout.split())
    assert "Local edits would be stashed." in output
    assert "Local commits would be kept as refs/deploy-kept/" in output
    assert local in git(checkout, "rev-list", "--all")


def test_the_release_before_is_the_last_deployed_one_not_the_checkouts_commit(host):
    checkout = host["checkout"]
    # A run stopped after it moved the checkout to the second release: the record names the first.
    git(checkout, "fetch", "--quiet", "origin")
    git(checkout, "checkout", "--quiet", "-B", "main", host["second"])
    (checkout / "data").mkdir()
    record = {"result": "deployed", "from_sha": "", "to_sha": host["first"]}
    (checkout / "data/deployments.jsonl").write_text(json.dumps(record) + "\n")
    result = run(host)
    assert result.returncode == 0, result.stdout
    assert releases(host) == {"previous": host["first"], "current": host["second"]}


def test_an_undeployed_local_commit_is_never_the_release_before(host):
    local = commit(host["checkout"], "a local commit")
    result = run(host)
    assert result.returncode == 0, result.stdout
    assert releases(host)["previous"] != local


LS_REMOTE = (
    "1111111111111111111111111111111111111111\trefs/heads/main\n"
    "2222222222222222222222222222222222222222\trefs/heads/feature/x\n"
    "3333333333333333333333333333333333333333\trefs/tags/v1\n"
    "4444444444444444444444444444444444444444\trefs/tags/v1^{}\n"
    "5555555555555555555555555555555555555555\trefs/tags/v2\n"
)


def test_release_commit_names_the_branch_head_or_the_tags_commit():
    assert release_commit(LS_REMOTE, "main") == "1" * 40
    assert release_commit(LS_REMOTE, "main", "v1") == "4" * 40
    assert release_commit(LS_REMOTE, "main", "v2") == "5" * 40
    assert release_commit(LS_REMOTE, "main", "feature/x") == "2" * 40
    assert release_commit(LS_REMOTE, "nope") == ""
    assert release_commit(LS_REMOTE, "main", "abc1234") == ""
    assert remote_branches(LS_REMOTE) == ["feature/x", "main"]
