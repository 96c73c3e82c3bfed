"""The stock linear strategy run through Mitogen (ansible.cfg's `strategy`): each host keeps one
Python interpreter open for the run, and every task is a call into it, instead of a new
`docker exec` or SSH session, a new interpreter and a copied module per task.

Mitogen asks ansible-core for every installed collection's directory each time a task runs a
collection's module: ansible-core imports each collection to find it (0.3 s with the `ansible`
package's 92 collections), in a forked worker that forgets the answer. Here the directories are
listed once a play by reading the collection paths.

Found here, under the repository's plugins/, so ansible.cfg names it without the path of the
virtualenv's site-packages. `ANSIBLE_STRATEGY=linear` runs a playbook the stock way."""

import os

import ansible_collections
import ansible_mitogen.planner
from ansible.plugins.strategy.linear import StrategyModule as StockLinear
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as MitogenLinear


def installed_collection_dirs():
    """<path>/<namespace>/<name> of each installed collection, the first of the collection paths
    holding it winning, as ansible-core's import does (ansible.collections.list.list_collection_dirs
    answers the same, importing each one)."""
    found = {}
    for root in ansible_collections.__path__:
        for namespace in os.scandir(root):
            if not namespace.is_dir():
                continue
            for collection in os.scandir(namespace.path):
                if collection.is_dir():
                    found.setdefault((namespace.name, collection.name), collection.path)
    return list(found.values())


def load_collections_from(dirs):
    """Mitogen's planner._load_collections, given the directories."""

    def load_collections(invocation):
        invocation._extra_sys_paths.update(dirs)

    return load_collections


class StrategyModule(MitogenLinear):
    def run(self, iterator, play_context, result=0):
        ansible_mitogen.planner._load_collections = load_collections_from(installed_collection_dirs())
        # A play on the implicit localhost alone (no inventory host) runs the stock way: it has no
        # round trip to save, and Mitogen's async jobs of community.docker modules never finish
        # (molecule's docker driver creates and destroys its hosts with them).
        hosts = self._inventory.get_hosts(iterator._play.hosts)
        if hosts and all(host.implicit for host in hosts):
            return StockLinear.run(self, iterator, play_context)
        return super().run(iterator, play_context, result)
