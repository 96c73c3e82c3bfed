"""The controller's strategy (plugins/strategy/mitogen_linear.py) against the stock one: its own
list of installed collections answers what ansible-core's import-based one does, with the
collection paths ansible-playbook configures from ansible.cfg and the environment; a task it
skips without a worker has the result a worker gives; a template text it compiles once renders
as ansible-core renders it in each setting."""

import json
import os
import subprocess
import sys

from repo_ansible import ROOT, run_local_play

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


SKIPS = """
- name: Tasks skipped, and not, every way a condition can say
  hosts: all
  gather_facts: false
  vars:
    flag: false
  tasks:
    - name: Skipped by a false condition
      ansible.builtin.command: echo not run
      when: flag
      register: by_flag
    - name: Run on a variable the play context adds (the inventory has no ansible_host)
      ansible.builtin.command: echo ran on {{ ansible_host }}
      when: ansible_host is defined
      register: by_context
    - name: A block's condition
      when: flag
      block:
        - name: In the block
          ansible.builtin.command: echo not run
          register: in_block
    - name: Each item's own condition
      ansible.builtin.command: echo {{ item }}
      loop: [1, 2]
      when: item == 2
      register: per_item
    - name: Every item skipped by a condition on no item
      ansible.builtin.command: echo {{ item }}
      loop: [1, 2]
      when: flag
      register: all_items
    - name: Keep what was registered
      ansible.builtin.copy:
        dest: "{{ playbook_dir }}/results.json"
        content: >-
          {{ {'by_flag': by_flag, 'by_context': by_context.stdout, 'in_block': in_block,
              'per_item': per_item.results | map(attribute='skipped', default=false) | list,
              'all_items': all_items} | to_json }}
        mode: "0644"
    - name: A condition on a variable nobody set
      ansible.builtin.command: echo not run
      when: nobody_set_this
"""


def run_skips(tmp_path, strategy):
    work = tmp_path / strategy
    work.mkdir()
    env = {"ANSIBLE_STRATEGY": strategy} if strategy == "linear" else {}
    done = run_local_play(work, SKIPS, {}, env=env)
    return done, json.loads((work / "results.json").read_text())


def test_a_task_skipped_without_a_worker_has_the_result_a_worker_gives(tmp_path):
    ours, ours_results = run_skips(tmp_path, "mitogen_linear")
    stock, stock_results = run_skips(tmp_path, "linear")
    assert ours_results == stock_results
    assert ours_results["by_flag"] == {
        "changed": False,
        "skipped": True,
        "skip_reason": "Conditional result was False",
        "false_condition": "flag",
    }
    assert ours_results["by_context"] == "ran on localhost"
    assert ours_results["per_item"] == [True, False]
    assert [item["skipped"] for item in ours_results["all_items"]["results"]] == [True, True]
    # The undefined variable fails the run as it does in a worker, naming the variable.
    assert ours.returncode == stock.returncode == 2
    assert "'nobody_set_this' is undefined" in ours.stdout
    assert recap(ours.stdout) == recap(stock.stdout)


def recap(output):
    return [line.split(":", 1)[1].split() for line in output.splitlines() if line.startswith("localhost ")]


# One text compiled three ways: escaped as playbook text, unescaped as a template file, and with
# a file's own #jinja2: delimiters. Each way gives a different answer, so code kept for one and
# reused for another shows.
TEXT = '{{ "a\\\\nb" | length }}'
BRACKETED = '[[ "a\\\\nb" | length ]] {{ 1 }}'
COMPILES = f"""
- name: One text compiled in every setting
  hosts: all
  gather_facts: false
  vars:
    text: '{TEXT}'
    bracketed: '{BRACKETED}'
  tasks:
    - name: Keep what each rendered
      ansible.builtin.copy:
        dest: "{{{{ playbook_dir }}}}/results.json"
        content: >-
          {{{{ {{'file': lookup('template', 'text.j2'), 'playbook': text,
              'own_delimiters': lookup('template', 'delimiters.j2'), 'bracketed': bracketed,
              'bracketed_file': lookup('template', 'bracketed.j2')}} | to_json }}}}
        mode: "0644"
"""


def run_compiles(tmp_path, strategy):
    work = tmp_path / strategy
    work.mkdir()
    (work / "text.j2").write_text(TEXT)
    (work / "bracketed.j2").write_text(BRACKETED)
    (work / "delimiters.j2").write_text(
        '#jinja2: variable_start_string: "[[", variable_end_string: "]]"\n' + BRACKETED
    )
    env = {"ANSIBLE_STRATEGY": strategy} if strategy == "linear" else {}
    done = run_local_play(work, COMPILES, {}, env=env)
    assert done.returncode == 0, done.stdout[-3000:]
    return json.loads((work / "results.json").read_text())


def test_a_text_compiled_once_renders_as_ansible_core_renders_it_in_each_setting(tmp_path):
    ours = run_compiles(tmp_path, "mitogen_linear")
    assert ours == run_compiles(tmp_path, "linear")
    assert ours == {
        "file": 4,
        "playbook": 5,
        "own_delimiters": "4 {{ 1 }}",
        "bracketed": BRACKETED.replace("{{ 1 }}", "1"),
        "bracketed_file": BRACKETED.replace("{{ 1 }}", "1"),
    }
