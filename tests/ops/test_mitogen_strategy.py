"""The Mitogen strategy's own list of installed collections (plugins/strategy/mitogen_linear.py)
answers what ansible-core's import-based one does, with the collection paths ansible-playbook
configures from ansible.cfg and the environment."""

import json
import os
import subprocess
import sys

from repo_ansible import ROOT

# Run where ansible-playbook runs: its collection loader installed from the repository's
# ansible.cfg (a global import hook, kept out of the test process).
COMPARE = """
import json, sys
sys.path.insert(0, "plugins/strategy")
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()
from ansible.collections.list import list_collection_dirs
import mitogen_linear
print(json.dumps({
    "ours": mitogen_linear.installed_collection_dirs(),
    "ansible": [path.decode() for path in list_collection_dirs()],
}))
"""


def both_lists(env=None):
    done = subprocess.run(
        [sys.executable, "-c", COMPARE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    return found["ours"], found["ansible"]


def test_the_installed_collections_are_the_ones_ansible_core_lists():
    ours, theirs = both_lists()
    assert sorted(ours) == sorted(theirs)
    assert any(path.endswith("/community/docker") for path in ours)


def test_a_collection_in_an_earlier_path_wins_as_it_does_for_ansible_core(tmp_path):
    shadow = tmp_path / "ansible_collections" / "community" / "docker"
    shadow.mkdir(parents=True)
    (tmp_path / "ansible_collections" / "not-a-name" / "x").mkdir(parents=True)
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": f"{tmp_path}:{os.environ.get('HOME')}/.ansible/collections",
    }
    ours, theirs = both_lists(env)
    assert sorted(ours) == sorted(theirs)
    assert str(shadow) in ours
    assert [path for path in ours if path.endswith("/community/docker")] == [str(shadow)]
